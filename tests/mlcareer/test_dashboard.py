import datetime as dt

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from assessments.models import Assessment
from mlcareer.content import content_load
from practice.models import Attempt, ReviewCard
from tests.factories import (
    make_assessment,
    make_catalogue,
    make_history,
    make_question,
    make_session,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_dashboard_requires_login(client):
    assert client.get("/dashboard/").url == "/accounts/login/?next=/dashboard/"


def test_new_user_gets_a_checklist_and_empty_states_not_empty_charts(alice_client):
    page = alice_client.get("/dashboard/").content.decode()

    assert "Welcome! Three steps get you going" in page
    assert "Rate yourself on every skill" in page and "Answer your first questions" in page
    assert "Your practice calendar fills in as you answer questions" in page
    assert "No reviews scheduled yet" in page
    assert "Grade a few answers" in page
    assert "<canvas" not in page


def test_dashboard_shows_what_to_do_next(alice_client, alice):
    question = make_question()
    make_history(user=alice, questions=[question])
    ReviewCard.objects.create(user=alice, question=question, state=2, due=timezone.now())
    make_session(user=alice, questions=[make_question()])

    page = alice_client.get("/dashboard/").content.decode()

    assert "1 review due today" in page
    assert "An unfinished practice" in page
    assert "Rate yourself on each skill" in page  # no self-assessment yet
    assert 'id="forecast-chart"' in page and 'id="trend-chart"' in page


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


def test_streak_and_goal_today(alice_client, alice):
    alice.profile.daily_goal = 3
    alice.profile.save()
    make_history(user=alice, questions=[make_question(), make_question()], start=timezone.now())

    page = alice_client.get("/dashboard/").content.decode()

    assert "Today: <strong>2 of 3</strong>" in page
    assert "1 day" in page


def test_going_past_the_daily_goal_says_so_and_shows_the_bar_full(alice_client, alice):
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
COLD_HISTORY_QUERIES, WARM_QUERIES, COLD_QUERIES = 13, 3, 17


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
