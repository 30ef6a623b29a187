"""Spaced review with FSRS: one card per user and question, rescheduled at each grade."""

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from fsrs import Card, Rating, Scheduler, State

from practice.models import Grade, Question, ReviewCard

FORECAST_DAYS = 30

# Interview questions are reviewed across days, not minutes: no same-day learning steps.
# Fuzzing is off so that a grade always gives the same interval, which users can predict.
SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def rating_for(*, grade: int, revealed_early: bool) -> Rating:
    """Map the 0–4 answer grade to an FSRS rating; a looked-at answer counts as forgotten."""
    if revealed_early or grade <= Grade.TERMS:
        return Rating.Again
    return {Grade.PARTIAL: Rating.Hard, Grade.COMPLETE: Rating.Good}.get(grade, Rating.Easy)


def _to_fsrs(card: ReviewCard) -> Card:
    return Card(
        card_id=card.pk,
        state=State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


@transaction.atomic
def card_review(
    *,
    user: AbstractBaseUser,
    question: Question,
    grade: int,
    revealed_early: bool,
    now: dt.datetime,
) -> ReviewCard:
    """Record one review of the question at `now` and return its rescheduled card."""
    card = ReviewCard.objects.select_for_update().filter(user=user, question=question).first()
    memory = _to_fsrs(card) if card else Card(due=now)
    memory, _ = SCHEDULER.review_card(
        memory, rating_for(grade=grade, revealed_early=revealed_early), now
    )
    fields = {
        "state": memory.state.value,
        "step": memory.step,
        "stability": memory.stability,
        "difficulty": memory.difficulty,
        "due": memory.due,
        "last_review": memory.last_review,
    }
    if card is None:
        return ReviewCard.objects.create(user=user, question=question, reviews=1, **fields)
    for name, value in fields.items():
        setattr(card, name, value)
    card.reviews += 1
    card.save(update_fields=[*fields, "reviews"])
    return card


def card_retrievability(card: ReviewCard, *, now: dt.datetime) -> float:
    """Probability, 0 to 1, that the user still recalls the answer at `now`."""
    return retrievability(card.stability, card.last_review, now=now)


def retrievability(
    stability: float | None, last_review: dt.datetime | None, *, now: dt.datetime
) -> float:
    """`card_retrievability` from the two figures it depends on, for reading many cards
    without building a model instance for each."""
    # Without an id, fsrs makes one from the clock and sleeps a millisecond to keep it unique.
    memory = Card(card_id=0, stability=stability, last_review=last_review, due=now)
    return SCHEDULER.get_card_retrievability(memory, now)


def _end_of_day(now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    local = now.astimezone(zone)
    return dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def review_due(
    *, user: AbstractBaseUser, now: dt.datetime, zone: ZoneInfo
) -> QuerySet[ReviewCard]:
    """Cards due by the end of the user's day, of questions still published, oldest first."""
    return (
        ReviewCard.objects.filter(
            user=user,
            due__lt=_end_of_day(now, zone),
            question__status=Question.Status.PUBLISHED,
        )
        .select_related("question__topic")
        .order_by("due", "pk")
    )


def due_counts(
    *, user: AbstractBaseUser, now: dt.datetime, zone: ZoneInfo, days: int = FORECAST_DAYS
) -> dict[tuple[dt.date, int], int]:
    """Reviews falling due on each day up to the end of the next `days` days, per topic:
    {(day, topic id): cards}. Overdue cards keep their past day. Days are the user's own."""
    horizon = _end_of_day(now, zone) + dt.timedelta(days=days - 1)
    rows = (
        ReviewCard.objects.filter(
            user=user, due__lt=horizon, question__status=Question.Status.PUBLISHED
        )
        .order_by()
        .annotate(day=TruncDate("due", tzinfo=zone))
        .values("day", "question__topic")
        .annotate(n=Count("pk"))
        .values_list("day", "question__topic", "n")
    )
    return {(day, topic): n for day, topic, n in rows}


def forecast_of(
    counts: dict[tuple[dt.date, int], int], *, today: dt.date, days: int = FORECAST_DAYS
) -> list[tuple[dt.date, int]]:
    """How many reviews fall due on each of `days` days from `today`; overdue ones count for
    today."""
    per_day: dict[dt.date, int] = defaultdict(int)
    for (day, _), n in counts.items():
        per_day[max(day, today)] += n
    return [(day, per_day.get(day, 0)) for day in (today + dt.timedelta(n) for n in range(days))]


def due_today_by_topic(
    counts: dict[tuple[dt.date, int], int], *, today: dt.date
) -> dict[int, int]:
    """Reviews due by the end of today, per topic id."""
    due: dict[int, int] = defaultdict(int)
    for (day, topic), n in counts.items():
        if day <= today:
            due[topic] += n
    return dict(due)


def review_forecast(
    *, user: AbstractBaseUser, now: dt.datetime, zone: ZoneInfo, days: int = FORECAST_DAYS
) -> list[tuple[dt.date, int]]:
    """How many reviews fall due on each of the next `days` days, today first.

    Overdue cards count for today. Days are the user's calendar days.
    """
    counts = due_counts(user=user, now=now, zone=zone, days=days)
    return forecast_of(counts, today=now.astimezone(zone).date(), days=days)
