"""Where a learner stands on each question of a page of the question bank: how often they
answered it, the last grade they gave themselves, and when it is due for review."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from practice.models import Attempt, Grade, Question, ReviewCard


@dataclass(frozen=True)
class QuestionProgress:
    """One question's state for one learner, in words a row of the bank can show as text."""

    answers: int
    skipped: int
    last_grade: int | None
    due_in_days: int | None  # 0: due today (or overdue); None: no review scheduled

    @property
    def practised(self) -> bool:
        return bool(self.answers or self.skipped)

    @property
    def practice_label(self) -> str:
        if self.answers:
            return f"Answered {self.answers} time{'s' if self.answers != 1 else ''}"
        if self.skipped:
            return "Skipped, not answered yet"
        return "Not practised yet"

    @property
    def grade_label(self) -> str:
        """ "Last grade: 3 · Correct and complete", or "" when no answer was graded."""
        if self.last_grade is None:
            return ""
        return f"Last grade: {Grade(self.last_grade).label}"

    @property
    def review_state(self) -> str:
        """ "due", "later" or "none": what the review badge looks like."""
        if self.due_in_days is None:
            return "none"
        return "due" if self.due_in_days <= 0 else "later"

    @property
    def review_label(self) -> str:
        if self.due_in_days is None:
            return "Review not scheduled"
        if self.due_in_days <= 0:
            return "Review due today"
        if self.due_in_days == 1:
            return "Review due tomorrow"
        return f"Review due in {self.due_in_days} days"


NOT_PRACTISED = QuestionProgress(answers=0, skipped=0, last_grade=None, due_in_days=None)


def days_until(due: dt.datetime | None, *, now: dt.datetime, zone: ZoneInfo) -> int | None:
    """Calendar days, in the learner's time zone, from today to the day `due` falls on;
    0 for today and for anything overdue (the review page lists those today too)."""
    if due is None:
        return None
    return max(0, (due.astimezone(zone).date() - now.astimezone(zone).date()).days)


def page_progress(
    *, user: AbstractBaseUser, question_ids: Iterable[int], now: dt.datetime, zone: ZoneInfo
) -> dict[int, QuestionProgress]:
    """The learner's progress on each of the given questions, in one query however long
    their history; questions they never touched map to NOT_PRACTISED."""
    ids = list(question_ids)
    if not ids:
        return {}
    mine = Attempt.objects.filter(user=user, question=OuterRef("pk"))

    def count_of(status: str) -> Coalesce:
        counted = mine.filter(status=status).order_by().values("question").annotate(n=Count("pk"))
        return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)

    last_grade = mine.filter(grade__isnull=False).order_by("-graded_at", "-pk").values("grade")[:1]
    card_due = ReviewCard.objects.filter(user=user, question=OuterRef("pk")).values("due")[:1]
    rows = (
        Question.objects.filter(pk__in=ids)
        .order_by()
        .annotate(
            answers=count_of(Attempt.Status.ANSWERED),
            skipped=count_of(Attempt.Status.SKIPPED),
            last_grade=Subquery(last_grade),
            card_due=Subquery(card_due),
        )
        .values_list("pk", "answers", "skipped", "last_grade", "card_due")
    )
    progress = dict.fromkeys(ids, NOT_PRACTISED)
    for pk, answers, skipped, grade, due in rows:
        progress[pk] = QuestionProgress(
            answers=answers,
            skipped=skipped,
            last_grade=grade,
            due_in_days=days_until(due, now=now, zone=zone),
        )
    return progress
