"""Answers tried on the landing page without an account: which questions, keeping, expiry,
the limit per address, and becoming the new account's first answer."""

import datetime as dt
from io import StringIO

import pytest
from django.core import signing
from django.core.management import call_command
from django.utils import timezone

from mlcareer.accounts import AccountTaken
from mlcareer.ratelimits import TRIAL_ANSWER
from practice.feedback import grade_answer
from practice.models import Attempt, PracticeSession, Question, TrialAttempt
from practice.trials import (
    TRIAL_LIFETIME,
    TrialLimitReached,
    account_create_keeping_trial,
    starter_after,
    starter_questions,
    ticket_for,
    ticket_read,
    trial_attach,
    trial_pending,
    trial_submit,
    trials_expire,
)
from tests.factories import make_question, make_topic, make_user

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
ANSWER = "Recall counts the positives found; precision counts the right ones among them."


def _starter(**fields):
    defaults = {
        "difficulty": Question.Difficulty.EASY,
        "kind": Question.Kind.CONCEPTUAL,
        "key_points": [("Mentions recall", "recall"), ("Mentions precision", "precision")],
    }
    return make_question(**{**defaults, **fields})


def _submit(question, *, answer=ANSWER, ip="203.0.113.5", now=NOW, replaces="", shown=None):
    return trial_submit(
        question=question,
        answer=answer,
        shown_at=shown if shown is not None else now - dt.timedelta(seconds=95),
        ip=ip,
        now=now,
        replaces=replaces,
    )


def test_starters_are_easy_conceptual_published_questions_with_key_points_one_topic_first():
    first_topic, second_topic = make_topic(order=1), make_topic(order=2)
    long_one = _starter(topic=first_topic, suggested_minutes=6)
    short_one = _starter(topic=first_topic, suggested_minutes=4)
    other_topic = _starter(topic=second_topic)
    _starter(topic=first_topic, status=Question.Status.DRAFT)
    _starter(topic=first_topic, difficulty=Question.Difficulty.MEDIUM)
    _starter(topic=first_topic, kind=Question.Kind.CODING)
    make_question(
        topic=first_topic,
        difficulty=Question.Difficulty.EASY,
        kind=Question.Kind.CONCEPTUAL,
        key_points=[],
    )

    assert starter_questions() == [short_one, other_topic, long_one]
    assert starter_questions() == starter_questions()


def test_starters_stop_at_five():
    for order in range(7):
        _starter(topic=make_topic(order=order))

    assert len(starter_questions()) == 5


def test_the_next_starter_goes_round_the_list_and_there_is_none_when_alone():
    one, two, three = _starter(), _starter(), _starter()

    assert starter_after([one, two, three], two) == three
    assert starter_after([one, two, three], three) == one
    assert starter_after([one], one) is None


def test_a_ticket_says_which_question_was_shown_and_when_and_cannot_be_forged():
    question = _starter()

    ticket = ticket_for(question, now=NOW)

    assert ticket_read(ticket) == (question.pk, NOW)
    payload, stamp, signature = ticket.split(":")
    flipped = "A" if signature[-1] != "A" else "B"
    assert ticket_read(f"{payload}:{stamp}:{signature[:-1]}{flipped}") is None
    other_question = signing.dumps({"q": question.pk + 1, "t": int(NOW.timestamp())}).split(":")
    assert ticket_read(f"{other_question[0]}:{stamp}:{signature}") is None
    assert ticket_read("") is None
    assert ticket_read("not-a-ticket") is None


def test_a_trial_answer_is_kept_a_day_with_its_time():
    question = _starter()

    trial = _submit(question)

    assert (trial.answer, trial.seconds_taken, trial.submitted_at) == (ANSWER, 95, NOW)
    assert trial.expires_at == NOW + TRIAL_LIFETIME
    assert trial_pending(trial.token, now=NOW + dt.timedelta(hours=23)) == trial
    assert trial_pending(trial.token, now=NOW + dt.timedelta(hours=24)) is None
    assert trial_pending("", now=NOW) is None


def test_a_trial_answer_takes_the_time_the_page_was_visible_within_the_wall_time():
    question = _starter()
    shown = NOW - dt.timedelta(seconds=300)
    visible = trial_submit(
        question=question,
        answer=ANSWER,
        shown_at=shown,
        ip="198.51.100.1",
        now=NOW,
        active_seconds=40,
    )
    inflated = trial_submit(
        question=question,
        answer=ANSWER + " More.",
        shown_at=shown,
        ip="198.51.100.2",
        now=NOW,
        active_seconds=9_999,
    )
    assert (visible.seconds_taken, inflated.seconds_taken) == (40, 300)

    attempt = trial_attach(user=make_user(), token=visible.token, now=NOW)
    assert (attempt.seconds_taken, attempt.active_seconds, attempt.wall_seconds) == (40, 40, 300)


def test_the_same_answer_sent_twice_is_stored_once():
    question = _starter()
    first = _submit(question)

    again = _submit(question, replaces=first.token, now=NOW + dt.timedelta(seconds=2))

    assert again == first
    assert TrialAttempt.objects.count() == 1


def test_a_new_trial_answer_takes_the_place_of_the_earlier_one():
    first = _submit(_starter())

    second = _submit(_starter(), replaces=first.token)

    assert list(TrialAttempt.objects.all()) == [second]


def test_trial_answers_are_limited_per_client_address():
    question = _starter()
    for n in range(TRIAL_ANSWER.per_ip):
        _submit(question, answer=f"Answer number {n}")

    with pytest.raises(TrialLimitReached):
        _submit(question, answer="One too many")

    assert TrialAttempt.objects.count() == TRIAL_ANSWER.per_ip
    assert _submit(question, answer="From elsewhere", ip="198.51.100.7").pk


def test_an_attached_trial_is_the_accounts_finished_practice_answer_waiting_for_a_grade():
    question = _starter()
    trial = _submit(question)
    user = make_user()

    attempt = trial_attach(user=user, token=trial.token, now=NOW + dt.timedelta(minutes=5))

    session = PracticeSession.objects.get(user=user)
    assert attempt.session == session
    assert session.mode == PracticeSession.Mode.PRACTICE
    assert (session.started_at, session.finished_at) == (NOW - dt.timedelta(seconds=95), NOW)
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.ANSWERED
    assert (attempt.answer, attempt.seconds_taken, attempt.submitted_at) == (ANSWER, 95, NOW)
    assert attempt.coverage == grade_answer(question, ANSWER).found_share == 1.0
    assert attempt.grade is None
    assert not TrialAttempt.objects.exists()


def test_a_trial_is_attached_once():
    trial = _submit(_starter())
    user = make_user()

    assert trial_attach(user=user, token=trial.token, now=NOW) is not None
    assert trial_attach(user=user, token=trial.token, now=NOW) is None
    assert trial_attach(user=make_user(), token=trial.token, now=NOW) is None
    assert Attempt.objects.count() == 1


def test_an_expired_trial_is_never_attached():
    trial = _submit(_starter())
    user = make_user()

    assert trial_attach(user=user, token=trial.token, now=NOW + TRIAL_LIFETIME) is None
    assert not Attempt.objects.filter(user=user).exists()


def test_a_trial_without_a_known_start_is_attached_without_a_time():
    trial = trial_submit(
        question=_starter(), answer=ANSWER, shown_at=None, ip="203.0.113.5", now=NOW
    )

    attempt = trial_attach(user=make_user(), token=trial.token, now=NOW)

    attempt.refresh_from_db()
    assert attempt.seconds_taken is None
    assert attempt.submitted_at == NOW


def test_signing_up_keeps_the_trial_as_the_new_accounts_first_answer():
    trial = _submit(_starter())

    user, attempt = account_create_keeping_trial(
        token=trial.token, now=NOW, username="nia", email="nia@example.com", password="pw-long-1"
    )

    assert user.profile is not None
    assert list(Attempt.objects.filter(user=user)) == [attempt]


def test_signing_up_without_a_trial_creates_the_account_alone():
    user, attempt = account_create_keeping_trial(
        token=None, now=NOW, username="nia", email="nia@example.com", password="pw-long-1"
    )

    assert attempt is None
    assert not PracticeSession.objects.filter(user=user).exists()


def test_a_refused_sign_up_leaves_the_trial_for_the_next_try():
    make_user(username="nia")
    trial = _submit(_starter())

    with pytest.raises(AccountTaken):
        account_create_keeping_trial(
            token=trial.token, now=NOW, username="nia", email="x@example.com", password="pw-1"
        )

    assert trial_pending(trial.token, now=NOW) == trial
    assert not Attempt.objects.exists()


def test_expired_trials_are_deleted_and_others_kept():
    question = _starter()
    old = _submit(question, now=NOW - TRIAL_LIFETIME)
    fresh = _submit(question, answer="Another answer", ip="198.51.100.7")

    assert trials_expire(now=NOW) == 1

    assert list(TrialAttempt.objects.all()) == [fresh]
    assert not TrialAttempt.objects.filter(pk=old.pk).exists()


def test_the_daily_cleanup_deletes_expired_trial_answers():
    question = _starter()
    trial_submit(
        question=question,
        answer=ANSWER,
        shown_at=None,
        ip="203.0.113.5",
        now=timezone.now() - TRIAL_LIFETIME - dt.timedelta(minutes=1),
    )
    output = StringIO()

    call_command("cleanup", stdout=output)

    assert not TrialAttempt.objects.exists()
    assert "1 expired trial answer(s)" in output.getvalue()
