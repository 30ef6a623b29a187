import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from practice.bank_progress import NOT_PRACTISED, QuestionProgress, days_until, page_progress
from practice.models import Attempt, ReviewCard
from tests.factories import make_history, make_question, make_session

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")
TOKYO = ZoneInfo("Asia/Tokyo")


def _progress(**fields):
    return QuestionProgress(**{"answers": 0, "skipped": 0, "last_grade": None,
                               "due_in_days": None, **fields})  # fmt: skip


def test_an_untouched_question_says_not_practised_and_not_scheduled():
    assert not NOT_PRACTISED.practised
    assert NOT_PRACTISED.practice_label == "Not practised yet"
    assert NOT_PRACTISED.grade_label == ""
    assert NOT_PRACTISED.review_label == "Review not scheduled"
    assert NOT_PRACTISED.review_state == "none"


def test_answers_are_counted_in_words():
    assert _progress(answers=1).practice_label == "Answered 1 time"
    assert _progress(answers=7).practice_label == "Answered 7 times"


def test_a_question_only_skipped_counts_as_practised_but_not_answered():
    skipped = _progress(skipped=2)

    assert skipped.practised
    assert skipped.practice_label == "Skipped, not answered yet"


def test_the_last_grade_is_shown_with_its_label():
    assert _progress(answers=2, last_grade=3).grade_label == "Last grade: 3 · Correct and complete"
    assert _progress(answers=1, last_grade=0).grade_label == "Last grade: 0 · No answer or wrong"


@pytest.mark.parametrize(
    ("days", "label", "state"),
    [
        (0, "Review due today", "due"),
        (1, "Review due tomorrow", "later"),
        (12, "Review due in 12 days", "later"),
    ],
)
def test_the_review_date_reads_as_today_tomorrow_or_in_n_days(days, label, state):
    progress = _progress(answers=1, due_in_days=days)

    assert progress.review_label == label
    assert progress.review_state == state


def test_days_until_counts_calendar_days_in_the_learners_zone():
    now = dt.datetime(2026, 3, 10, 23, 30, tzinfo=UTC)  # 23:30 in London, 08:30 next day in Tokyo
    due = dt.datetime(2026, 3, 11, 0, 30, tzinfo=UTC)

    assert days_until(due, now=now, zone=LONDON) == 1  # tomorrow, an hour away
    assert days_until(due, now=now, zone=TOKYO) == 0  # the same day in Tokyo


def test_an_overdue_review_counts_as_due_today():
    now = dt.datetime(2026, 3, 10, 12, tzinfo=UTC)

    assert days_until(now - dt.timedelta(days=9), now=now, zone=LONDON) == 0
    assert days_until(None, now=now, zone=LONDON) is None


@pytest.mark.django_db
def test_page_progress_reads_counts_last_grade_and_review_date(alice, bob):
    now = timezone.now()
    practised, skipped_only, untouched = make_question(), make_question(), make_question()
    make_history(user=alice, questions=[practised], grade=1, start=now - dt.timedelta(days=5))
    make_history(user=alice, questions=[practised], grade=3, start=now - dt.timedelta(days=2))
    make_history(user=bob, questions=[untouched], grade=4)  # another learner's history
    session = make_session(user=alice, questions=[skipped_only])
    session.attempts.update(status=Attempt.Status.SKIPPED, submitted_at=now)
    ReviewCard.objects.create(
        user=alice, question=practised, state=2, due=now + dt.timedelta(days=3), reviews=2
    )

    progress = page_progress(
        user=alice,
        question_ids=[practised.pk, skipped_only.pk, untouched.pk],
        now=now,
        zone=dt.UTC,
    )

    assert progress[practised.pk] == QuestionProgress(
        answers=2, skipped=0, last_grade=3, due_in_days=3
    )
    assert progress[skipped_only.pk].practice_label == "Skipped, not answered yet"
    assert progress[untouched.pk] == NOT_PRACTISED


@pytest.mark.django_db
def test_page_progress_of_an_empty_page_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert page_progress(user=None, question_ids=[], now=timezone.now(), zone=UTC) == {}
