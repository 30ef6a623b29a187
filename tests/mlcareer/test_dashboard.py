import datetime as dt

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from assessments.analysis import (
    Calibration,
    GapRow,
    SkillRef,
    by_disagreement,
    target_readiness,
)
from assessments.models import Assessment
from mlcareer.content import content_load
from mlcareer.dashboard import (
    first_run_checklist,
    next_action,
    settings_saved,
    trend_topics,
)
from practice.models import Attempt, PracticeSession, ReviewCard
from tests.factories import (
    make_assessment,
    make_catalogue,
    make_history,
    make_question,
    make_session,
    make_topic,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_dashboard_requires_login(client):
    assert client.get("/dashboard/").url == "/accounts/login/?next=/dashboard/"


def _skill(n):
    return SkillRef(id=n, name=f"Skill {n}", slug=f"skill-{n}", order=(n,))


# Readiness, the top-five topics and the other choices, as plain functions.


def test_readiness_is_the_share_of_target_levels_the_self_ratings_reach():
    """Rated 2 of a target 4, 3 of 3, 4 of 2 (capped at 2) and unrated of 1: 7 of 10 levels."""
    gaps = [
        GapRow(skill=_skill(1), current=2, target=4),
        GapRow(skill=_skill(2), current=3, target=3),
        GapRow(skill=_skill(3), current=4, target=2),
        GapRow(skill=_skill(4), current=None, target=1),
    ]

    result = target_readiness(gaps)

    assert (result.levels_met, result.levels_total, result.percent) == (7, 10, 70)
    assert (result.skills_met, result.skills_total) == (2, 4)


def test_readiness_is_unknown_when_the_role_sets_no_level():
    assert target_readiness([]) is None
    assert target_readiness([GapRow(skill=_skill(1), current=2, target=0)]) is None


def test_readiness_goes_no_higher_for_skills_beyond_their_target():
    gaps = [
        GapRow(skill=_skill(1), current=4, target=2),
        GapRow(skill=_skill(2), current=0, target=2),
    ]

    assert target_readiness(gaps).percent == 50


def _calibration(n, self_level, mean_grade, verdict):
    return Calibration(
        skill=_skill(n),
        self_level=self_level,
        answers=5,
        mean_grade=mean_grade,
        mean_ticked=None,
        verdict=verdict,
        message="",
    )


def test_the_largest_disagreements_between_ratings_and_answers_come_first():
    calibrations = [
        _calibration(1, 3, 1.9, "over"),
        _calibration(2, 2, 2.1, "consistent"),
        _calibration(3, 1, 3.6, "under"),
        _calibration(4, 4, 2.5, "over"),
    ]

    assert [c.skill.id for c in by_disagreement(calibrations)] == [3, 4, 1]


def _week(days_ago):
    return dt.date(2026, 11, 30) - dt.timedelta(days=days_ago)


def test_the_trend_chart_opens_on_the_five_most_practised_topics():
    trends = {
        "Alpha": [(_week(14), 2.0, 1)],
        "Bravo": [(_week(14), 2.0, 9), (_week(7), 3.0, 9)],
        "Charlie": [(_week(7), 2.5, 4)],
        "Delta": [(_week(21), 1.0, 12)],
        "Echo": [(_week(7), 3.0, 2)],
        "Foxtrot": [(_week(0), 3.0, 2)],  # as many as Echo, but more recently
        "Golf": [(_week(0), 3.0, 1)],
    }

    topics = trend_topics(trends)

    assert [t["name"] for t in topics if t["shown"]] == [
        "Bravo",
        "Delta",
        "Charlie",
        "Foxtrot",
        "Echo",
    ]
    # The rest follow by name, each with a colour of its own.
    assert [t["name"] for t in topics if not t["shown"]] == ["Alpha", "Golf"]
    assert len({t["series"] for t in topics}) == len(topics)


def test_a_learner_with_few_topics_sees_them_all():
    topics = trend_topics({"Alpha": [(_week(0), 2.0, 1)], "Bravo": [(_week(0), 2.0, 3)]})

    assert [(t["name"], t["shown"]) for t in topics] == [("Bravo", True), ("Alpha", True)]


class _Session:
    label = "Mock interview"


class _Question:
    title = "Bias and variance"


class _Attempt:
    question = _Question()


def test_the_next_step_is_one_action_in_order_of_urgency():
    unfinished = _Session()
    common = {"has_practised": True, "plan_focus": None}

    assert next_action(unfinished=unfinished, due_count=3, **common).kind == "resume"
    waiting = next_action(unfinished=None, ungraded=_Attempt(), due_count=3, **common)
    assert (waiting.kind, waiting.title) == ("grade", "Grade your answer")
    assert "“Bias and variance”" in waiting.text
    assert next_action(unfinished=None, due_count=1, **common).title == "1 review due today"
    assert next_action(
        unfinished=None, due_count=0, has_practised=False, plan_focus=None
    ).title == ("Answer your first questions")
    planned = next_action(unfinished=None, due_count=0, has_practised=True, plan_focus="SQL")
    assert (planned.kind, planned.text) == ("practise", "Next in your plan: SQL.")


def test_a_recent_answer_left_ungraded_is_offered_for_grading_on_the_dashboard(client):
    user = make_user()
    session = make_session(user=user, questions=[make_question(title="Bias and variance")])
    attempt = session.attempts.get()
    now = timezone.now()
    Attempt.objects.filter(pk=attempt.pk).update(
        status=Attempt.Status.ANSWERED, answer="An answer.", submitted_at=now, shown_at=now
    )
    PracticeSession.objects.filter(pk=session.pk).update(finished_at=now)
    client.force_login(user)

    page = client.get(reverse("dashboard")).content.decode()
    assert "Grade your answer" in page
    assert f"/practice/sessions/{session.pk}/summary/#q{attempt.pk}-title" in page

    Attempt.objects.filter(pk=attempt.pk).update(grade=3, graded_at=now)
    assert "Grade your answer" not in client.get(reverse("dashboard")).content.decode()


def test_the_first_run_checklist_starts_with_answering_and_ends_with_settings():
    steps = first_run_checklist(
        has_practised=True, has_role=False, has_assessment=False, settings_saved=False
    )

    assert [(step.label, step.done, step.url_name) for step in steps] == [
        ("Answer your first questions", True, "practice:start"),
        ("Pick your target role", False, "profile"),
        ("Rate the five skills your role needs most", False, "assessments:new"),
        ("Check your daily goal and time zone", False, "profile"),
    ]


def test_settings_count_as_seen_once_saved_or_once_they_hold_a_role(alice):
    profile = alice.profile
    assert not settings_saved(profile)

    profile.updated = profile.created + dt.timedelta(minutes=5)
    assert settings_saved(profile)


# The page.


def _glance(page):
    return page.split('class="glance"')[1].split("</dl>")[0]


def _checklist(page):
    return page.split('id="checklist-title"')[1].split("</section>")[0]


def test_new_user_gets_a_checklist_and_empty_states_not_empty_charts(alice_client):
    page = alice_client.get("/dashboard/").content.decode()

    assert "Welcome! Getting started: 0 of 4 done" in page
    assert "Your practice calendar fills in as you answer questions, one square a day." in page
    assert "No reviews are scheduled yet." in page
    assert "Grade a few answers" in page
    assert "<canvas" not in page


def test_the_checklist_goes_answer_role_self_assessment_then_settings(alice_client):
    checklist = _checklist(alice_client.get("/dashboard/").content.decode())

    labels = [
        "Answer your first questions",
        "Pick your target role",
        "Rate the five skills your role needs most",
        "Check your daily goal and time zone",
    ]
    positions = [checklist.index(label) for label in labels]
    assert positions == sorted(positions)
    # The first step starts five questions at once; the others link to their page.
    first = checklist[: positions[1]]
    assert 'action="/practice/"' in first and 'name="quick"' in first
    assert 'href="/accounts/profile/"' in checklist[positions[1] : positions[2]]
    assert 'href="/assessments/new/"' in checklist[positions[2] : positions[3]]


def test_the_checklist_counts_what_is_done_and_leaves_once_all_is(alice_client, alice):
    make_history(user=alice, questions=[make_question()])

    page = alice_client.get("/dashboard/").content.decode()
    assert "Getting started: 1 of 4 done" in page
    assert "Welcome!" not in page

    skills, role = make_catalogue(size=1)
    make_assessment(user=alice, levels={skills[0]: 2}, role=role)
    alice.profile.target_role = role
    alice.profile.save()

    assert "Getting started" not in alice_client.get("/dashboard/").content.decode()


def test_the_top_of_the_page_shows_due_today_streak_and_readiness(alice_client, alice):
    skills, role = make_catalogue(size=2, target=3)
    make_assessment(user=alice, levels={skills[0]: 3, skills[1]: 1}, role=role)
    questions = [make_question(skills=skills[:1]), make_question(skills=skills[:1])]
    make_history(user=alice, questions=questions, attempts_per_question=3)
    ReviewCard.objects.create(user=alice, question=questions[0], state=2, due=timezone.now())

    page = alice_client.get("/dashboard/").content.decode()

    glance = _glance(page)
    assert '<dt>Due today</dt>\n        <dd><span class="glance-number">1</span>' in glance
    assert '<dt>Streak</dt>\n        <dd><span class="glance-number">3</span>' in glance
    # 3 of 3 and 1 of 3: 4 of 6 levels.
    assert (
        '<span class="glance-number">67%</span> <span class="glance-unit">of target</span>'
        in glance
    )
    assert "1 of 2 skills are at their target" in page
    assert f"the levels the {role.name} role asks for" in page


def test_readiness_is_unknown_until_a_self_assessment(alice_client):
    page = alice_client.get("/dashboard/").content.decode()

    assert (
        '<span class="glance-number">–</span> <span class="glance-unit">not known yet</span>'
        in _glance(page)
    )
    assert "How readiness is counted" in page


def test_empty_states_are_whole_sentences_in_plain_blocks(alice_client):
    """A paragraph styled as a card is a flex container, which cut its link out of the line."""
    page = alice_client.get("/dashboard/").content.decode()

    assert '<p class="card' not in page
    empty_states = page.split('<p class="empty-state">')[1:]
    assert len(empty_states) == 6
    for state in empty_states:
        text = state.split("</p>")[0]
        assert text.rstrip().endswith("."), text


def test_sections_open_and_close_and_say_what_they_hold_when_closed(alice_client, alice):
    make_history(user=alice, questions=[make_question()])

    page = alice_client.get("/dashboard/").content.decode()

    sections = {
        name: page.split(f'data-section="{name}"')[1].split(">")[0]
        for name in ("calendar", "trend", "skills", "reviews", "mastery", "ratings")
    }
    assert {name for name, rest in sections.items() if "open" in rest} == {
        "calendar",
        "trend",
        "skills",
    }
    assert '<span class="dash-summary-note">1 topic</span>' in page  # topic mastery


def test_the_trend_chart_offers_the_other_topics_behind_a_choice(alice_client, alice):
    topics = [make_topic(name=f"Topic {n:02}") for n in range(7)]
    for n, topic in enumerate(topics):
        questions = [make_question(topic=topic)]
        make_history(user=alice, questions=questions, attempts_per_question=n + 1)

    page = alice_client.get("/dashboard/").content.decode()

    choices = page.split('class="trend-topics"')[1].split("</fieldset>")[0]
    shown, others = choices.split("Show another topic (2 more)")
    for topic in topics[2:]:
        assert f"{topic.name}</label>" in shown
        assert 'checked> <span class="series-swatch' in shown
    for topic in topics[:2]:
        assert f"{topic.name}</label>" in others
    assert "checked" not in others


def test_only_the_largest_disagreements_show_before_show_all(alice_client, alice):
    skills, role = make_catalogue(size=5)
    make_assessment(user=alice, levels=dict.fromkeys(skills, 4), role=role)
    for n, skill in enumerate(skills):
        make_history(
            user=alice,
            questions=[make_question(skills=[skill])],
            attempts_per_question=3,
            grade=n % 3,
        )

    page = alice_client.get("/dashboard/").content.decode()

    ratings = page.split('data-section="ratings"')[1].split("</details>\n{{")[0]
    assert "5 skills disagree" in ratings
    top, rest = ratings.split("Show 2 more")
    assert top.count("list-group-item-warning") == 3
    assert "Rated 4, but your last 3 answers average 0.0" in top
    assert rest.count("list-group-item-warning") == 2


def test_dashboard_shows_what_to_do_next(alice_client, alice):
    question = make_question()
    make_history(user=alice, questions=[question])
    ReviewCard.objects.create(user=alice, question=question, state=2, due=timezone.now())

    page = alice_client.get("/dashboard/").content.decode()

    next_title = page.split('id="next-title"')[1].split("</h2>")[0]
    assert next_title.endswith('<span class="visually-hidden">Next: </span>1 review due today')
    assert page.count("btn btn-primary") == 1  # one primary action
    assert "Getting started: 1 of 4 done" in page  # no self-assessment yet
    assert 'id="forecast-chart"' in page and 'id="trend-chart"' in page

    make_session(user=alice, questions=[make_question()])

    page = alice_client.get("/dashboard/").content.decode()
    assert "Resume your practice" in page and "An unfinished practice" in page


def test_an_old_self_assessment_is_pointed_out(alice_client, alice):
    skills, role = make_catalogue(size=1)
    make_assessment(
        user=alice,
        levels={skills[0]: 2},
        role=role,
        completed_at=timezone.now() - dt.timedelta(days=45),
    )
    make_history(user=alice, questions=[make_question()])

    page = alice_client.get("/dashboard/").content.decode()

    assert "Your self-assessment is over a month old" in page
    assert 'id="radar-chart"' in page
    # The radar's numbers, skill by skill, are in a table.
    assert (
        f'<th scope="row" class="fw-normal">{skills[0].name}</th>'
        in page.split('id="radar-caption"')[1]
    )


def test_streak_and_goal_today(alice_client, alice):
    alice.profile.daily_goal = 3
    alice.profile.save()
    make_history(user=alice, questions=[make_question(), make_question()], start=timezone.now())

    page = alice_client.get("/dashboard/").content.decode()

    assert "Today: <strong>2 of 3</strong>" in page
    assert "A streak of <strong>1 day</strong>" in page


def test_a_goal_passed_shows_a_full_bar_not_an_overflowing_one(alice_client, alice):
    alice.profile.daily_goal = 1
    alice.profile.save()
    make_history(user=alice, questions=[make_question(), make_question()], start=timezone.now())

    page = alice_client.get("/dashboard/").content.decode()

    assert "Today: <strong>2 of 1</strong>" in page
    assert '<progress class="goal-progress" max="1" value="1"' in page


def test_interview_countdown(alice_client, alice):
    alice.profile.interview_date = timezone.localdate() + dt.timedelta(days=9)
    alice.profile.save()

    assert "Interview in 9 days" in alice_client.get("/dashboard/").content.decode()


# After a change to the learner's history; when nothing changed; after an editor's change too.
COLD_HISTORY_QUERIES, WARM_QUERIES, COLD_QUERIES = 14, 3, 18


@pytest.mark.parametrize("heavy", [False, True])
def test_dashboard_queries_do_not_grow_with_history(client, heavy, django_assert_max_num_queries):
    """10,000 attempts and 100 snapshots cost the same number of queries as a few."""
    user = make_user()
    skills, role = make_catalogue(size=4)
    questions = [make_question(skills=skills[:2]) for _ in range(250 if heavy else 5)]
    make_history(user=user, questions=questions, attempts_per_question=40 if heavy else 1, grade=2)
    ReviewCard.objects.bulk_create(
        ReviewCard(user=user, question=q, state=2, due=timezone.now() + dt.timedelta(days=n % 30))
        for n, q in enumerate(questions)
    )
    now = timezone.now()
    for n in range(100 if heavy else 1):
        make_assessment(
            user=user,
            levels=dict.fromkeys(skills, n % 5),
            role=role,
            completed_at=now - dt.timedelta(days=n),
        )
    assert Attempt.objects.filter(user=user).count() == (10_000 if heavy else 5)
    client.force_login(user)
    client.get("/dashboard/")  # stores the time zone in the session, caches the content
    make_history(user=user, questions=questions[:1], grade=3)  # one more answer

    with django_assert_max_num_queries(COLD_HISTORY_QUERIES):
        assert client.get("/dashboard/").status_code == 200
    with django_assert_max_num_queries(WARM_QUERIES):
        assert client.get("/dashboard/").status_code == 200
    cache.clear()
    with django_assert_max_num_queries(COLD_QUERIES):  # as after an editor's change, too
        assert client.get("/dashboard/").status_code == 200


def test_topic_mastery_shows_the_share_of_points_the_learner_ticked(alice_client, alice):
    question = make_question()
    make_history(user=alice, questions=[question], coverage=0.9, ticked=0.3)

    page = alice_client.get("/dashboard/").content.decode()

    mastery = page.split('id="mastery-caption"')[1].split("</table>")[0]
    assert "Points ticked" in mastery
    row = mastery.split(f">{question.topic.name}</a>")[1].split("</tr>")[0]
    assert '<td class="text-end">30%</td>' in row
    assert "90%" not in mastery


def test_seed_demo_builds_a_realistic_learner(capsys):
    content_load()

    call_command("seed_demo", "--username", "trial", "--days", "30")

    out = capsys.readouterr().out
    assert "Created “trial”" in out
    trial = Attempt.objects.filter(user__username="trial")
    assert trial.count() > 50
    assert trial.filter(grade__isnull=False).exists()
    # The demo learner ticks the points their answer makes, as a learner would.
    assert not trial.filter(grade__isnull=False, ticked_share__isnull=True).exists()
    assert trial.filter(ticked_share__gt=0).exists()
    assert ReviewCard.objects.filter(user__username="trial").exists()
    assert Assessment.objects.filter(user__username="trial", status="complete").count() == 3
    with pytest.raises(CommandError, match="already exists; pass --replace"):
        call_command("seed_demo", "--username", "trial", "--days", "5")


def test_seed_demo_needs_the_content_first():
    with pytest.raises(CommandError, match="Run load_content first"):
        call_command("seed_demo", "--days", "5")
