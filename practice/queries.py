"""Reads of the question bank for the pages that browse it."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from mlcareer.caching import content_cached
from practice.models import (
    Attempt,
    Bookmark,
    CommonMistake,
    KeyPoint,
    Question,
    QuestionFlag,
    QuestionNote,
    Topic,
)
from practice.scheduling import review_due
from practice.search import questions_matching


def topics() -> list[Topic]:
    """Every topic, for filter and start forms (cached until an editor changes it)."""
    return content_cached("topics", lambda: list(Topic.objects.all()))


def question_search(
    *,
    user: AbstractBaseUser,
    text: str = "",
    topic: str = "",
    difficulty: str = "",
    kind: str = "",
    skill: str = "",
    bookmarked: bool = False,
    unpractised: bool = False,
    due: bool = False,
    now: dt.datetime | None = None,
) -> QuerySet[Question]:
    """Published questions matching every given filter, with `is_bookmarked` for `user`.

    `text` matches when each of its words appears, by its stem, in the title, the prompt, the
    model answer or the key points (practice.search). `topic` and `skill` are slugs. `due`
    keeps the questions due for review by the end of the user's day at `now` (the review page's
    list). Empty filters are ignored. Ordered by topic, then title; with `text`, by how well
    they match first.
    """
    questions = (
        Question.objects.published()
        .select_related("topic")
        .prefetch_related("skills")
        .annotate(
            is_bookmarked=Exists(Bookmark.objects.filter(user=user, question=OuterRef("pk")))
        )
        .order_by("topic__order", "title", "pk")
    )
    questions = questions_matching(questions, text)
    if topic:
        questions = questions.filter(topic__slug=topic)
    if difficulty:
        questions = questions.filter(difficulty=difficulty)
    if kind:
        questions = questions.filter(kind=kind)
    if skill:
        questions = questions.filter(skills__slug=skill)
    if bookmarked:
        questions = questions.filter(is_bookmarked=True)
    if unpractised:
        questions = questions.exclude(
            Exists(
                Attempt.objects.filter(
                    user=user, question=OuterRef("pk"), status__in=Attempt.DONE_STATUSES
                )
            )
        )
    if due:
        cards = review_due(
            user=user, now=now or timezone.now(), zone=timezone.get_current_timezone()
        )
        questions = questions.filter(pk__in=cards.order_by().values("question"))
    return questions


def question_for_user(*, user: AbstractBaseUser, pk: int) -> Question:
    """A question the user may read: published ones, and any for staff (a preview). 404 if not."""
    questions = Question.objects.select_related("topic").prefetch_related("skills")
    if not user.is_staff:
        questions = questions.published()
    try:
        return questions.get(pk=pk)
    except Question.DoesNotExist:
        raise Http404("No such question.") from None


HISTORY_LIMIT = 10


def question_marks(*, user: AbstractBaseUser, question: Question) -> dict:
    """What the user has attached to a question: bookmark, note, open flags, their latest
    attempts (answered or skipped, newest first, at most HISTORY_LIMIT) with their AI reviews;
    and its key points and common mistakes."""
    attempts = (
        Attempt.objects.filter(user=user, question=question, status__in=Attempt.DONE_STATUSES)
        .select_related("ai_review")
        .order_by("-submitted_at", "-pk")
    )
    history = list(attempts[: HISTORY_LIMIT + 1])
    return {
        "attempts": history[:HISTORY_LIMIT],
        "more_attempts": len(history) > HISTORY_LIMIT,
        "key_points": list(KeyPoint.objects.filter(question=question).order_by("order")),
        "common_mistakes": list(CommonMistake.objects.filter(question=question).order_by("order")),
        "is_bookmarked": Bookmark.objects.filter(user=user, question=question).exists(),
        "note": QuestionNote.objects.filter(user=user, question=question).first(),
        "open_flags": list(
            QuestionFlag.objects.filter(user=user, question=question, resolved_at__isnull=True)
        ),
    }
