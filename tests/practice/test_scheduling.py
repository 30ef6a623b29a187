import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from fsrs import Rating

from practice.models import Question, ReviewCard
from practice.scheduling import (
    card_retrievability,
    card_review,
    due_counts,
    due_today_by_topic,
    forecast_of,
    rating_for,
    review_due,
    review_forecast,
)
from tests.factories import make_question, make_topic

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    ("grade", "revealed", "rating"),
    [
        (0, False, Rating.Again),
        (1, False, Rating.Again),
        (2, False, Rating.Hard),
        (3, False, Rating.Good),
        (4, False, Rating.Easy),
        (4, True, Rating.Again),
    ],
)
def test_grade_maps_to_rating(grade, revealed, rating):
    assert rating_for(grade=grade, revealed_early=revealed) == rating


def test_a_card_graded_0_comes_back_before_one_graded_4(alice):
    weak, strong = make_question(), make_question()

    weak_card = card_review(user=alice, question=weak, grade=0, revealed_early=False, now=NOW)
    strong_card = card_review(user=alice, question=strong, grade=4, revealed_early=False, now=NOW)

    assert weak_card.due < strong_card.due
    assert weak_card.due == NOW + dt.timedelta(days=1)
    assert strong_card.due >= NOW + dt.timedelta(days=7)


def test_looking_at_the_answer_schedules_like_a_miss(alice):
    looked, recalled = make_question(), make_question()

    looked_card = card_review(user=alice, question=looked, grade=4, revealed_early=True, now=NOW)
    recalled_card = card_review(
        user=alice, question=recalled, grade=4, revealed_early=False, now=NOW
    )

    assert looked_card.due < recalled_card.due


def test_successive_good_reviews_space_out(alice):
    question = make_question()
    card = card_review(user=alice, question=question, grade=3, revealed_early=False, now=NOW)
    first_interval = card.due - NOW

    second = card_review(
        user=alice, question=question, grade=3, revealed_early=False, now=card.due
    )

    assert second.due - card.due > first_interval
    assert second.reviews == 2
    assert ReviewCard.objects.filter(user=alice, question=question).count() == 1


def test_retrievability_falls_with_time(alice):
    card = card_review(
        user=alice, question=make_question(), grade=3, revealed_early=False, now=NOW
    )

    soon = card_retrievability(card, now=NOW + dt.timedelta(hours=1))
    later = card_retrievability(card, now=NOW + dt.timedelta(days=20))

    assert 0.95 < soon <= 1.0
    assert later < soon


def test_due_list_uses_the_users_day_and_skips_retired_questions(alice, bob):
    today = make_question(title="Due tonight")
    tomorrow = make_question(title="Due tomorrow")
    retired = make_question(title="Retired", status=Question.Status.RETIRED)
    for question, due in [
        (today, NOW + dt.timedelta(hours=14)),  # 23:00 UTC the same day
        (tomorrow, NOW + dt.timedelta(days=1)),
        (retired, NOW - dt.timedelta(days=1)),
    ]:
        ReviewCard.objects.create(user=alice, question=question, state=2, due=due)
    ReviewCard.objects.create(user=bob, question=today, state=2, due=NOW)

    in_utc = [c.question.title for c in review_due(user=alice, now=NOW, zone=UTC)]
    # In Tokyo (UTC+9) it is already 18:00; 23:00 UTC is tomorrow 08:00 there.
    in_tokyo = review_due(user=alice, now=NOW, zone=ZoneInfo("Asia/Tokyo"))

    assert in_utc == ["Due tonight"]
    assert list(in_tokyo) == []


def test_forecast_counts_overdue_as_today_and_spans_30_days(alice):
    questions = [make_question() for _ in range(4)]
    dues = [
        NOW - dt.timedelta(days=3),
        NOW,
        NOW + dt.timedelta(days=2),
        NOW + dt.timedelta(days=40),
    ]
    for question, due in zip(questions, dues, strict=True):
        ReviewCard.objects.create(user=alice, question=question, state=2, due=due)

    forecast = review_forecast(user=alice, now=NOW, zone=UTC)

    assert len(forecast) == 30
    assert forecast[0] == (NOW.date(), 2)
    assert forecast[2] == (NOW.date() + dt.timedelta(days=2), 1)
    assert sum(count for _, count in forecast) == 3


def test_due_today_by_topic_counts_overdue_and_later_today_not_tomorrow(alice):
    first, second = make_topic(), make_topic()
    dues = [
        (first, NOW - dt.timedelta(days=3)),
        (first, NOW + dt.timedelta(hours=1)),
        (second, NOW + dt.timedelta(days=1)),
    ]
    for topic, due in dues:
        ReviewCard.objects.create(
            user=alice, question=make_question(topic=topic), state=2, due=due
        )

    counts = due_counts(user=alice, now=NOW, zone=UTC)

    assert due_today_by_topic(counts, today=NOW.date()) == {first.pk: 2}
    assert forecast_of(counts, today=NOW.date())[:2] == [
        (NOW.date(), 2),
        (NOW.date() + dt.timedelta(days=1), 1),
    ]
