import pytest

from assessments.analysis import (
    GapRow,
    SkillRef,
    calibrate,
    calibration_gap,
    calibration_trend,
    change_counts,
    compare_with_judge,
    compare_with_judge_by_skill,
    gap_table,
    rating_changes,
    readiness,
    study_plan,
)

PY = SkillRef(id=1, name="Python", slug="python", order=(1, 1))
STATS = SkillRef(id=2, name="Statistics", slug="stats", order=(2, 1))
MLOPS = SkillRef(id=3, name="MLOps", slug="mlops", order=(3, 1))
COMMS = SkillRef(id=4, name="Communication", slug="comms", order=(4, 1))
SKILLS = [PY, STATS, MLOPS, COMMS]


def test_gap_table_ranks_by_gap_then_target_then_catalogue_order():
    rows = gap_table(
        skills=SKILLS,
        current={1: 3, 2: 1, 3: 1, 4: 4},
        targets={1: 3, 2: 3, 3: 3, 4: 2},
    )

    assert [(r.skill.slug, r.current, r.target, r.gap) for r in rows] == [
        ("stats", 1, 3, 2),  # tie on gap and target with mlops: catalogue order decides
        ("mlops", 1, 3, 2),
        ("python", 3, 3, 0),
        ("comms", 4, 2, 0),  # above target is no gap, and no negative one either
    ]


def test_tie_on_gap_goes_to_the_higher_target():
    rows = gap_table(skills=[PY, STATS], current={1: 2, 2: 0}, targets={1: 4, 2: 2})

    assert [r.skill.slug for r in rows] == ["python", "stats"]


def test_an_unrated_skill_has_no_gap_rather_than_the_whole_target():
    rows = gap_table(skills=[PY, STATS], current={1: 2}, targets={1: 3, 2: 2})

    unrated = next(r for r in rows if r.skill.slug == "stats")
    assert (unrated.current, unrated.rated, unrated.gap, unrated.open) == (
        None,
        False,
        None,
        False,
    )


def test_unrated_skills_come_after_every_rated_one_highest_target_first():
    """After a quick start, sixteen unrated skills must not outrank the five rated ones."""
    rows = gap_table(skills=SKILLS, current={4: 2}, targets={1: 2, 2: 4, 3: 3, 4: 2})

    assert [(r.skill.slug, r.gap) for r in rows] == [
        ("comms", 0),
        ("stats", None),
        ("mlops", None),
        ("python", None),
    ]


def test_the_plan_works_only_on_rated_gaps():
    rows = gap_table(skills=[PY, STATS], current={1: 1}, targets={1: 3, 2: 4})

    plan = study_plan(gaps=rows, days_left=20, daily_goal=5)

    assert [item.row.skill.slug for item in plan.focus] == ["python"]


def test_skills_without_a_target_are_left_out():
    assert gap_table(skills=SKILLS, current={1: 1}, targets={1: 3}) == [
        GapRow(skill=PY, current=1, target=3)
    ]


def test_overconfidence_is_flagged_with_the_evidence():
    result = calibrate(skill=PY, self_level=3, grades=[2, 2, 1, 2, 2, 2], ticked=[0.4] * 6)

    assert result.verdict == "over" and result.flagged
    assert result.message == (
        "Rated 3, but your last 6 answers average 1.8: you may be over-confident here."
    )
    assert result.mean_ticked == pytest.approx(0.4)


def test_underconfidence_is_flagged():
    result = calibrate(skill=PY, self_level=1, grades=[3, 3, 2, 4], ticked=[])

    assert result.verdict == "under"
    assert result.message.startswith("Rated 1, yet your last 4 answers average 3.0")


def test_close_enough_is_consistent():
    result = calibrate(skill=PY, self_level=2, grades=[2, 3, 2], ticked=[])

    assert (result.verdict, result.flagged) == ("consistent", False)


def test_too_little_data_says_so_instead_of_guessing():
    result = calibrate(skill=PY, self_level=4, grades=[0, 0], ticked=[])

    assert result.verdict == "too-little-data"
    assert not result.flagged
    assert result.message.startswith("Only 2 answers graded so far")


def test_an_unrated_skill_is_not_judged():
    result = calibrate(skill=PY, self_level=None, grades=[1, 1, 1], ticked=[])

    assert result.verdict == "not-rated"
    assert result.distance is None


def test_calibration_gap_is_the_mean_distance_over_skills_with_data():
    results = [
        calibrate(skill=PY, self_level=3, grades=[1, 1, 1], ticked=[]),  # 2.0
        calibrate(skill=STATS, self_level=1, grades=[2, 2, 2], ticked=[]),  # 1.0
        calibrate(skill=MLOPS, self_level=4, grades=[0], ticked=[]),  # too little data
    ]

    assert calibration_gap(results) == pytest.approx(1.5)
    assert calibration_gap([]) is None


@pytest.mark.parametrize(
    ("gaps", "start"),
    [
        ([None], "Take another self-assessment"),
        ([1.6, None, 0.8], "Your ratings and your answers agree more than before: the gap fell"),
        ([0.5, 1.2], "Your ratings and your answers agree less than before"),
        ([1.0, 1.05], "Your calibration is steady"),
    ],
)
def test_calibration_trend_in_words(gaps, start):
    assert calibration_trend(gaps).startswith(start)


def test_no_reviewed_answer_means_no_judge_comparison():
    assert compare_with_judge([]) is None
    assert compare_with_judge_by_skill({1: [], 2: []}) == {}


def test_one_reviewed_answer_gives_both_grades_and_no_verdict():
    comparison = compare_with_judge([(4, 2)])

    assert comparison.message == "You graded 4, the AI judge 2, on the one answer it reviewed."
    assert comparison.verdict == "too-little-data"


def test_grading_a_level_above_the_judge_is_called_generous():
    comparison = compare_with_judge([(4, 2), (3, 2), (4, 3)])

    assert (comparison.own_figure, comparison.judge_figure) == ("3.7", "2.3")
    assert comparison.verdict == "generous"
    assert comparison.message == (
        "You graded 3.7, the AI judge 2.3, on average over the 3 answers it reviewed: you may "
        "be grading yourself generously."
    )


def test_grading_a_level_below_the_judge_is_called_harsh():
    comparison = compare_with_judge([(1, 3), (2, 3), (1, 2), (2, 2)])

    assert comparison.verdict == "harsh"
    assert comparison.message.endswith("you may be grading yourself harshly.")
    assert comparison.message.startswith("You graded 1.5, the AI judge 2.5,")


def test_grades_less_than_a_level_apart_agree():
    comparison = compare_with_judge([(3, 3), (3, 2), (2, 2)])

    assert comparison.verdict == "agree"
    assert comparison.message.endswith("you and the judge mostly agree.")


def test_two_reviewed_answers_give_the_means_without_a_verdict():
    comparison = compare_with_judge([(4, 0), (4, 0)])

    assert comparison.verdict == "too-little-data"
    assert comparison.message == (
        "You graded 4, the AI judge 0, on average over the 2 answers it reviewed."
    )


def test_judge_comparison_per_skill_leaves_out_skills_it_never_saw():
    by_skill = compare_with_judge_by_skill({1: [(4, 2)], 2: []})

    assert list(by_skill) == [1]
    assert by_skill[1].answers == 1


def test_readiness_carries_the_share_of_points_the_learner_ticked():
    rows = readiness(
        skills=[PY],
        targets={1: 3},
        self_levels={1: 2},
        demonstrated={1: 2.5},
        memory={},
        question_counts={1: 10},
        ticked={1: 0.25},
    )

    assert rows[0].ticked == 0.25


def test_readiness_puts_three_signals_side_by_side():
    rows = readiness(
        skills=[PY, STATS],
        targets={1: 3, 2: 2},
        self_levels={1: 2},
        demonstrated={1: 2.5},
        memory={1: [0.9, 0.7]},
        question_counts={1: 10, 2: 4},
    )

    python, stats = rows
    assert (python.target, python.self_level, python.demonstrated) == (3, 2, 2.5)
    assert python.memory == pytest.approx(0.8)
    assert python.memory_level == pytest.approx(3.2)
    assert (python.practised_questions, python.total_questions) == (2, 10)
    assert python.ticked is None
    assert (stats.self_level, stats.demonstrated, stats.memory, stats.memory_level) == (
        None,
        None,
        None,
        None,
    )


def _gaps(*pairs):
    return [
        GapRow(skill=SkillRef(id=n, name=f"S{n}", slug=f"s{n}"), current=current, target=target)
        for n, (current, target) in enumerate(pairs, start=1)
    ]


def test_plan_far_from_the_interview_spreads_sessions_by_gap():
    gaps = _gaps((0, 3), (1, 3), (2, 3), (3, 3))

    plan = study_plan(gaps=gaps, days_left=60, daily_goal=5)

    assert plan.sessions_this_week == 7
    assert plan.mock_interviews_this_week == 0
    assert [(item.row.skill.slug, item.sessions) for item in plan.focus] == [
        ("s1", 4),  # gaps 3, 2, 1 share 7 sessions: 3.5, 2.33, 1.17; the spare one goes to .5
        ("s2", 2),
        ("s3", 1),
    ]
    assert plan.first_skills == ["s1", "s2"]
    assert plan.message == "60 days left: focus on 3 skills this week."


def test_plan_in_the_last_week_narrows_to_three_skills_and_adds_mocks():
    gaps = _gaps((0, 4), (0, 4), (1, 4), (1, 4), (2, 4))

    plan = study_plan(gaps=gaps, days_left=5, daily_goal=10)

    assert len(plan.focus) == 3
    assert plan.sessions_this_week == 10  # 5 days × 10 questions ÷ 5 a session
    assert plan.mock_interviews_this_week == 2
    assert sum(item.sessions for item in plan.focus) == 8


def test_plan_when_no_gap_is_left():
    plan = study_plan(gaps=_gaps((3, 3)), days_left=20, daily_goal=5)

    assert plan.focus == []
    assert plan.message.startswith("You meet the target on every skill")


def test_plan_after_the_interview_date():
    plan = study_plan(gaps=_gaps((0, 3)), days_left=-1, daily_goal=5)

    assert plan.focus == [] and "has passed" in plan.message


def test_rating_changes_and_counts():
    changes = rating_changes(
        skills=SKILLS, levels={1: 3, 2: 1, 3: 2, 4: 1}, previous={1: 2, 2: 2, 3: 2}
    )

    assert [(c.skill.slug, c.direction, c.delta) for c in changes] == [
        ("python", "up", 1),
        ("stats", "down", -1),
        ("mlops", "same", 0),
        ("comms", "new", None),
    ]
    assert change_counts(changes) == {"up": 1, "down": 1, "same": 1, "new": 1, "unrated": 0}


def test_a_skill_rated_before_but_not_this_time_is_not_called_new():
    """A quick start rates five skills; the others were not forgotten, just not rated."""
    changes = rating_changes(skills=SKILLS, levels={1: 3}, previous={1: 3, 2: 2})

    assert [(c.skill.slug, c.direction) for c in changes] == [
        ("python", "same"),
        ("stats", "unrated"),
    ]
    assert change_counts(changes)["unrated"] == 1


def test_first_snapshot_has_nothing_to_compare():
    changes = rating_changes(skills=[PY], levels={1: 2}, previous=None)

    assert [c.direction for c in changes] == ["new"]
