"""Spaced review with FSRS: one card per user and question, rescheduled at each grade."""

import datetime as dt
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
    return SCHEDULER.get_card_retrievability(_to_fsrs(card), now)


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


def review_forecast(
    *, user: AbstractBaseUser, now: dt.datetime, zone: ZoneInfo, days: int = FORECAST_DAYS
) -> list[tuple[dt.date, int]]:
    """How many reviews fall due on each of the next `days` days, today first.

    Overdue cards count for today. Days are the user's calendar days.
    """
    today = now.astimezone(zone).date()
    horizon = _end_of_day(now, zone) + dt.timedelta(days=days - 1)
    counts = dict(
        ReviewCard.objects.filter(
            user=user, due__lt=horizon, question__status=Question.Status.PUBLISHED
        )
        .annotate(day=TruncDate("due", tzinfo=zone))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    overdue = sum(n for day, n in counts.items() if day < today)
    return [
        (day, counts.get(day, 0) + (overdue if offset == 0 else 0))
        for offset in range(days)
        for day in [today + dt.timedelta(days=offset)]
    ]
