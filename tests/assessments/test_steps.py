"""The stepped self-assessment as plain data: no database, no HTTP."""

from assessments.analysis import SkillRef
from assessments.steps import (
    not_rated_message,
    progress,
    quick_start_skills,
    resume_step,
    step_by_skill,
    steps_of,
    unrated,
)

PY = SkillRef(id=1, name="Python", slug="python", area="Programming")
SQL = SkillRef(id=2, name="SQL", slug="sql", area="Programming")
STATS = SkillRef(id=3, name="Statistics", slug="stats", area="Statistics")
MLOPS = SkillRef(id=4, name="MLOps", slug="mlops", area="Production")
SERVING = SkillRef(id=5, name="Serving", slug="serving", area="Production")
COMMS = SkillRef(id=6, name="Communication", slug="comms", area="Professional")
CATALOGUE = [PY, SQL, STATS, MLOPS, SERVING, COMMS]


def test_each_skill_area_is_one_step_in_catalogue_order():
    steps = steps_of(CATALOGUE)

    assert [(s.number, s.area, [k.slug for k in s.skills]) for s in steps] == [
        (1, "Programming", ["python", "sql"]),
        (2, "Statistics", ["stats"]),
        (3, "Production", ["mlops", "serving"]),
        (4, "Professional", ["comms"]),
    ]
    assert step_by_skill(steps) == {1: 1, 2: 1, 3: 2, 4: 3, 5: 3, 6: 4}


def test_progress_counts_rated_skills_in_all_and_in_the_step():
    levels = {1: 2, 2: None, 4: 0, 6: 3}  # a level of 0 is a rating; None is not

    where = progress(steps_of(CATALOGUE), 3, levels)

    assert where.text == "Step 3 of 4 · 3 of 6 skills rated"
    assert (where.step_rated, where.step_total) == (1, 2)
    assert where.percent == 50


def test_progress_of_an_empty_draft():
    assert progress(steps_of(CATALOGUE), 1, {}).text == "Step 1 of 4 · 0 of 6 skills rated"


def test_continuing_goes_to_the_first_step_with_a_skill_left_to_rate():
    steps = steps_of(CATALOGUE)

    assert resume_step(steps, {}) == 1
    assert resume_step(steps, {1: 1, 2: 1, 3: 0}) == 3
    assert resume_step(steps, {1: 1, 2: 1, 3: 0, 4: 1, 5: 1, 6: 1}) == 4  # all rated: the last


def test_unrated_skills_keep_the_order_given():
    assert unrated(CATALOGUE, {1: 1, 3: 2, 5: None}) == [SQL, MLOPS, SERVING, COMMS]


def test_the_count_left_reads_as_a_sentence():
    assert not_rated_message(18) == "18 skills are not rated yet"
    assert not_rated_message(1) == "1 skill is not rated yet"


def test_quick_start_takes_the_five_highest_targets_with_ties_in_catalogue_order():
    targets = {1: 3, 2: 2, 3: 4, 4: 3, 5: 2, 6: 2}

    chosen = quick_start_skills(CATALOGUE, targets)

    # 4 (stats), then the 3s (python, mlops), then the first two of the 2s (sql, serving).
    assert [s.slug for s in chosen] == ["python", "sql", "stats", "mlops", "serving"]


def test_quick_start_leaves_out_skills_the_role_does_not_ask_for():
    chosen = quick_start_skills(CATALOGUE, {3: 2, 6: 1, 1: 0}, size=5)

    assert [s.slug for s in chosen] == ["stats", "comms"]
    assert quick_start_skills(CATALOGUE, {}) == []
