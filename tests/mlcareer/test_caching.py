"""Cached pages never show stale figures: every change a learner or an editor can make shows on
the next view."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.snapshots import save_quick_start
from mlcareer.caching import history_fingerprint
from mlcareer.portability import progress_reset
from practice.curation import questions_set_status
from practice.models import PracticeSession, Question
from practice.sessions import attempt_grade, attempt_skip, attempt_submit, session_expire
from tests.factories import (
    make_catalogue,
    make_history,
    make_question,
    make_session,
    make_topic,
)

pytestmark = pytest.mark.django_db


def _page(client, url="/dashboard/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_an_answer_shows_on_the_next_dashboard(alice_client, alice):
    alice.profile.daily_goal = 3
    alice.profile.save()
    make_history(user=alice, questions=[make_question()], start=timezone.now())
    assert "Today: <strong>1 of 3</strong>" in _page(alice_client)

    session = make_session(user=alice, questions=[make_question()])
    alice_client.post(
        f"/practice/sessions/{session.pk}/attempts/{session.attempts.get().pk}/submit/",
        {"answer": "Precision and recall."},
    )

    assert "Today: <strong>2 of 3</strong>" in _page(alice_client)


def test_a_grade_with_its_ticks_shows_on_the_next_dashboard(alice_client, alice):
    topic = make_topic()
    make_history(user=alice, questions=[make_question(topic=topic)], ticked=0.5)
    assert '<td class="text-end">50%</td>' in _page(alice_client)

    session = make_session(user=alice, questions=[make_question(topic=topic)])
    attempt = session.attempts.get()
    url = f"/practice/sessions/{session.pk}/attempts/{attempt.pk}/"
    alice_client.post(url + "submit/", {"answer": "first and second"})
    alice_client.post(url + "grade/", {"grade": "1", "key_points": []})

    assert '<td class="text-end">25%</td>' in _page(alice_client)


def test_a_started_session_shows_on_the_next_dashboard(alice_client, alice):
    make_history(user=alice, questions=[make_question()])
    assert "An unfinished" not in _page(alice_client)

    alice_client.post(f"/questions/{make_question().pk}/practise/")

    assert "An unfinished practice" in _page(alice_client)


def test_a_settings_change_shows_on_the_next_dashboard(alice_client, alice):
    make_history(user=alice, questions=[make_question()], start=timezone.now())
    assert "Today: <strong>1 of 5</strong>" in _page(alice_client)

    alice.profile.daily_goal = 8
    alice.profile.save()

    assert "Today: <strong>1 of 8</strong>" in _page(alice_client)


def test_an_editors_new_topic_shows_in_the_filters_at_once(alice_client):
    make_topic(name="Graph learning")
    assert "Graph learning" in _page(alice_client, "/questions/")

    make_topic(name="Causal inference")

    assert "Causal inference" in _page(alice_client, "/questions/")


def test_publishing_in_bulk_updates_the_cached_question_counts(alice_client, alice):
    topic = make_topic(name="Ranking")
    drafts = [make_question(topic=topic, status=Question.Status.DRAFT) for _ in range(3)]
    make_history(user=alice, questions=[make_question(topic=topic)])
    assert "1 / 1" in _page(alice_client)

    questions_set_status(
        Question.objects.filter(pk__in=[q.pk for q in drafts]), Question.Status.PUBLISHED
    )

    assert "1 / 4" in _page(alice_client)


def test_every_kind_of_practice_moves_the_fingerprint(alice):
    now = timezone.now()
    seen = [history_fingerprint(alice)]

    def changed():
        seen.append(history_fingerprint(alice))
        return seen[-1] != seen[-2]

    session = make_session(user=alice, questions=[make_question(), make_question()])
    assert changed(), "a session started"
    first, second = session.attempts.order_by("position")
    attempt_submit(first, answer="An answer", now=now)
    assert changed(), "an answer"
    attempt_grade(first, grade=3, ticked_key_points=[], now=now + dt.timedelta(seconds=5))
    assert changed(), "a grade"
    attempt_skip(second, now=now + dt.timedelta(seconds=9))
    assert changed(), "a skip"

    # A mock interview that ran out of time long ago: its skips are dated at its deadline,
    # earlier than the answers above.
    mock = make_session(
        user=alice,
        questions=[make_question(suggested_minutes=1)],
        mode=PracticeSession.Mode.MOCK,
        started_at=now - dt.timedelta(days=2),
        time_limit_seconds=60,
    )
    seen.append(history_fingerprint(alice))
    assert session_expire(mock, now=now)
    assert changed(), "a mock interview's time running out"

    skills, role = make_catalogue(size=2)
    save_quick_start(
        user=alice,
        role_profile=role,
        levels={skill.pk: 2 for skill in skills},
        evidence={},
        now=now,
    )
    assert changed(), "a finished self-assessment"
    progress_reset(user=alice, topic=None)
    assert changed(), "a progress reset"
