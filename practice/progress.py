"""Progress over time: streaks, the practice calendar, retention, grade trends and mastery.

Every figure is aggregated in the database and grouped by the user's own calendar days.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Value
from django.db.models.functions import TruncDate, TruncMonth, TruncWeek

from mlcareer.caching import content_cached
from practice.models import Attempt, Question, Topic

HEATMAP_DAYS = 365
TREND_WEEKS = 12
RETENTION_MONTHS = 12
REST_DAY_WINDOW = 7  # one missed day is forgiven per this many days


@dataclass(frozen=True)
class Streak:
    days: int
    rest_days: int
    practised_today: bool


def streak(practised: set[dt.date], *, today: dt.date) -> Streak:
    """Consecutive days of practice up to today, forgiving one missed day in any seven.

    Today not practised yet does not break the streak (the day is not over). A missed day is
    forgiven only between two days of practice and only if no other day was forgiven in the
    six days after it. The length counts calendar days, rest days included.
    """
    practised_today = today in practised
    day = today if practised_today else today - dt.timedelta(days=1)
    length = rest = 0
    last_forgiven: dt.date | None = None
    while True:
        if day in practised:
            length += 1
        else:
            recently_forgiven = (
                last_forgiven is not None and (last_forgiven - day).days < REST_DAY_WINDOW
            )
            if recently_forgiven or (day - dt.timedelta(days=1)) not in practised:
                break
            last_forgiven = day
            length += 1
            rest += 1
        day -= dt.timedelta(days=1)
    return Streak(days=length, rest_days=rest, practised_today=practised_today)


def _done(user: AbstractBaseUser):
    # No default ordering: it would join every row to its session for nothing.
    return Attempt.objects.filter(
        user=user, status__in=Attempt.DONE_STATUSES, submitted_at__isnull=False
    ).order_by()


def practice_by_day(
    *, user: AbstractBaseUser, today: dt.date, zone: ZoneInfo, days: int = HEATMAP_DAYS
) -> dict[dt.date, int]:
    """Questions answered or skipped per day of the user's calendar, over the last `days`."""
    start = dt.datetime.combine(today - dt.timedelta(days=days - 1), dt.time.min, tzinfo=zone)
    rows = (
        _done(user)
        .filter(submitted_at__gte=start)
        .annotate(day=TruncDate("submitted_at", tzinfo=zone))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return dict(rows)


def heatmap_weeks(counts: dict[dt.date, int], *, today: dt.date, goal: int) -> list[list[dict]]:
    """The last year as weeks (Monday first) of days with a 0–4 intensity against the goal."""
    first = today - dt.timedelta(days=HEATMAP_DAYS - 1)
    first -= dt.timedelta(days=first.weekday())
    weeks: list[list[dict]] = []
    day = first
    while day <= today:
        if day.weekday() == 0:
            weeks.append([])
        n = counts.get(day, 0)
        share = n / goal if goal else 0
        level = 0 if n == 0 else 1 if share < 0.5 else 2 if share < 1 else 3 if share < 2 else 4
        weeks[-1].append({"date": day, "count": n, "level": level})
        day += dt.timedelta(days=1)
    return weeks


def retention_by_month(
    *, user: AbstractBaseUser, zone: ZoneInfo, since: dt.datetime
) -> list[tuple[dt.date, int, int]]:
    """True retention: for reviews (graded answers to a question graded before), per month,
    how many were graded 2 or more, and how many there were. Oldest month first."""
    earlier = Attempt.objects.filter(
        user=user,
        question=OuterRef("question"),
        grade__isnull=False,
        graded_at__lt=OuterRef("graded_at"),
    )
    rows = (
        Attempt.objects.filter(user=user, grade__isnull=False, graded_at__gte=since)
        .filter(Exists(earlier))
        .annotate(month=TruncMonth("graded_at", tzinfo=zone))
        .values("month")
        .annotate(total=Count("pk"), recalled=Count("pk", filter=Q(grade__gte=2)))
        .order_by("month")
        .values_list("month", "recalled", "total")
    )
    return [(month, recalled, total) for month, recalled, total in rows]


Trends = dict[str, list[tuple[dt.date, float, int]]]


def grade_trends(
    *, user: AbstractBaseUser, zone: ZoneInfo, since: dt.datetime
) -> tuple[Trends, Trends]:
    """Mean grade per week for each topic and for each skill since `since`, in one query.

    Returns ({topic: [(week start, mean grade, answers), …]}, the same by skill), weeks in
    order.
    """

    def by(kind: str, name: str):
        return (
            Attempt.objects.filter(user=user, grade__isnull=False, graded_at__gte=since)
            .exclude(**{f"{name}__isnull": True})
            .order_by()
            .annotate(kind=Value(kind), week=TruncWeek("graded_at", tzinfo=zone), label=F(name))
            .values("kind", "label", "week")
            .annotate(mean=Avg("grade"), n=Count("pk"))
            .values_list("kind", "label", "week", "mean", "n")
        )

    rows = by("topic", "question__topic__name").union(
        by("skill", "question__skills__name"), all=True
    )
    trends: dict[str, dict[str, list]] = {"topic": defaultdict(list), "skill": defaultdict(list)}
    for kind, label, week, mean, n in sorted(rows, key=lambda row: row[:3]):
        week_start = week.date() if isinstance(week, dt.datetime) else week
        trends[kind][label].append((week_start, round(mean, 2), n))
    return dict(trends["topic"]), dict(trends["skill"])


def topic_mastery(*, user: AbstractBaseUser, due: dict[int, int]) -> list[dict]:
    """Per topic: published questions, how many I practised, my mean grade, the mean share of
    key points I ticked when grading (`mean_ticked`, 0 to 1), and how many of its questions are
    due for review today (`due`, by topic id).

    Aggregated from the user's own attempts (an index on user), never from a join of every
    topic with every learner's attempts.
    """
    mine = (
        Attempt.objects.filter(user=user, status__in=Attempt.DONE_STATUSES)
        .order_by()
        .values("question__topic")
        .annotate(
            practised=Count("question", distinct=True),
            mean_grade=Avg("grade"),
            mean_ticked=Avg("ticked_share"),
        )
    )
    stats = {row["question__topic"]: row for row in mine}
    topics = content_cached(
        "topics-with-published-counts",
        lambda: list(
            Topic.objects.order_by("order", "name").annotate(
                published=Count("questions", filter=Q(questions__status=Question.Status.PUBLISHED))
            )
        ),
    )
    empty = {"practised": 0, "mean_grade": None, "mean_ticked": None}
    return [
        {
            "topic": topic,
            "questions": topic.published,
            **{key: stats.get(topic.pk, empty)[key] for key in empty},
            "due": due.get(topic.pk, 0),
        }
        for topic in topics
    ]
