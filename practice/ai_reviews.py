"""AI reviews of answers: when one is asked for, the cache, the daily limit, and running it.

`request_review` is called when an answer is in (at the end for a mock interview); it makes an
`AIReview` row and queues `practice.tasks.review_answer`, which calls `run_review` in a worker
(`manage.py db_worker`). Nothing happens unless the operator configured a judge and the learner
turned reviews on in their settings.

A worker killed mid-review leaves its row "running": `recover_stalled` (run by
`manage.py cleanup`, and for one review whenever its page asks) queues it again, or marks it
failed after its second try, so no review is ever silently dropped.
"""

import datetime as dt
import hashlib
import json
import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from practice.feedback import question_text
from practice.feedback.judge import JudgeError, Verdict, judge_answer, judge_config
from practice.models import AIReview, Attempt

logger = logging.getLogger(__name__)

MAX_TRIES = 2
INTERRUPTED = "The AI review was interrupted twice; try again."
TURNED_OFF = "AI reviews were turned off before this answer was sent; nothing was sent."


def ai_available() -> bool:
    """Whether the operator configured an AI judge at all."""
    return judge_config() is not None


def reviews_wanted(user) -> bool:
    """Whether this learner's answers go to the AI judge."""
    if not ai_available():
        return False
    profile = getattr(user, "profile", None)
    return bool(profile and profile.ai_reviews)


def question_version(question) -> str:
    """A fingerprint of everything the judge reads of a question: an edit makes a new one."""
    parts = {
        "title": question.title,
        "prompt": question.prompt,
        "model_answer": question.model_answer,
        "key_points": [p.text for p in question.key_points.all()],
        "mistakes": [[m.claim, m.correction] for m in question.common_mistakes.all()],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def review_key(answer: str, question, model: str) -> str:
    material = json.dumps([answer.strip(), question_version(question), model])
    return hashlib.sha256(material.encode()).hexdigest()


def _limit_reached(user, now: dt.datetime) -> bool:
    since = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    asked = AIReview.objects.filter(user=user, requested_at__gte=since, from_cache=False).exclude(
        status=AIReview.Status.LIMITED
    )
    return asked.count() >= settings.AI_DAILY_LIMIT


def limit_message() -> str:
    return (
        f"You have used today's {settings.AI_DAILY_LIMIT} AI reviews. New answers get one "
        "again from midnight; your own grade and ticks work as always."
    )


def request_review(attempt: Attempt, *, now: dt.datetime) -> AIReview | None:
    """Ask for the AI judge's verdict on an answered attempt, if the learner wants them.

    A verdict already given on the same text, question version and model is copied at once;
    past the daily limit the review is recorded as limited and nothing is sent.
    """
    if attempt.status not in Attempt.GRADABLE_STATUSES or not attempt.answer.strip():
        return None
    if not reviews_wanted(attempt.user):
        return None
    existing = AIReview.objects.filter(attempt=attempt).first()
    if existing is not None:
        return existing
    config = judge_config()
    key = review_key(attempt.answer, attempt.question, config.model)
    review = AIReview(
        attempt=attempt,
        user=attempt.user,
        model=config.model,
        host=config.host,
        cache_key=key,
        requested_at=now,
    )
    earlier = (
        AIReview.objects.filter(cache_key=key, status=AIReview.Status.DONE)
        .order_by("-finished_at")
        .first()
    )
    if earlier is not None:
        review.status = AIReview.Status.DONE
        review.verdict = earlier.verdict
        review.suggested_grade = earlier.suggested_grade
        review.from_cache = True
        review.finished_at = now
        review.save()
        return review
    if _limit_reached(attempt.user, now):
        review.status = AIReview.Status.LIMITED
        review.error = limit_message()
        review.save()
        return review
    review.save()
    _enqueue(review)
    return review


def request_reviews_for_session(session, *, now: dt.datetime) -> list[AIReview]:
    """Every answer of a finished session (a mock interview sends nothing before its end)."""
    attempts = (
        session.attempts.filter(status__in=Attempt.GRADABLE_STATUSES)
        .select_related("question", "user__profile")
        # What `question_version` reads, for every answer at once.
        .prefetch_related("question__key_points", "question__common_mistakes")
    )
    return [review for a in attempts if (review := request_review(a, now=now)) is not None]


def retry_review(review: AIReview, *, now: dt.datetime) -> bool:
    """Queue a failed review once more; False when it is not failed."""
    updated = AIReview.objects.filter(pk=review.pk, status=AIReview.Status.FAILED).update(
        status=AIReview.Status.QUEUED, error="", tries=0, requested_at=now, started_at=None
    )
    if updated:
        review.refresh_from_db()
        _enqueue(review)
    return bool(updated)


def _enqueue(review: AIReview) -> None:
    transaction.on_commit(lambda: _enqueue_now(review.pk))


def _enqueue_now(review_id: int) -> None:
    from practice.tasks import review_answer

    task = review_answer.enqueue(review_id)
    AIReview.objects.filter(pk=review_id).update(task_id=str(task.id))


def _stall_after() -> dt.timedelta:
    """How long a review may run before its worker is taken for dead: both tries, and slack."""
    return dt.timedelta(seconds=2 * settings.AI_TIMEOUT + 60)


def run_review(review_id: int) -> str:
    """Get the verdict for one queued review (the background task's body); returns its status.

    The row is claimed with a conditional update, so two workers never judge the same answer.
    """
    now = timezone.now()
    claimed = AIReview.objects.filter(
        pk=review_id, status=AIReview.Status.QUEUED, tries__lt=MAX_TRIES
    ).update(status=AIReview.Status.RUNNING, started_at=now, tries=F("tries") + 1)
    if not claimed:
        return AIReview.objects.filter(pk=review_id).values_list("status", flat=True).first() or ""
    review = AIReview.objects.select_related("attempt__question", "user__profile").get(
        pk=review_id
    )
    started = time.perf_counter()
    if not reviews_wanted(review.user):  # turned off, or the judge unset, since it was asked
        _finish(review, status=AIReview.Status.FAILED, error=TURNED_OFF, started=started)
        return AIReview.Status.FAILED
    question = review.attempt.question
    key_points = list(question.key_points.order_by("order"))
    text = question_text(question, with_mistakes=True)
    try:
        verdict = judge_answer(text, key_points, review.attempt.answer)
    except JudgeError as error:
        _finish(review, status=AIReview.Status.FAILED, error=str(error), started=started)
        logger.warning("AI review %s failed: %s", review.pk, error)
        return AIReview.Status.FAILED
    _finish(review, status=AIReview.Status.DONE, verdict=verdict, started=started)
    return AIReview.Status.DONE


def _finish(
    review: AIReview,
    *,
    status: str,
    started: float,
    verdict: Verdict | None = None,
    error: str = "",
) -> None:
    AIReview.objects.filter(pk=review.pk, status=AIReview.Status.RUNNING).update(
        status=status,
        verdict=verdict.as_json() if verdict else None,
        suggested_grade=verdict.grade if verdict else None,
        error=error[:500],
        finished_at=timezone.now(),
        seconds=round(time.perf_counter() - started, 2),
    )


def _lost_in_queue(reviews, *, now: dt.datetime) -> list[AIReview]:
    """Queued reviews whose task no worker will run: never queued (the process died before
    its transaction's end), or taken by a worker that died before it started the review."""
    from django_tasks_db.models import DBTaskResult

    waiting = list(
        reviews.filter(status=AIReview.Status.QUEUED, requested_at__lt=now - _stall_after())
    )
    ready = {
        str(task_id)
        for task_id in DBTaskResult.objects.filter(
            id__in=[review.task_id for review in waiting if review.task_id], status="READY"
        ).values_list("id", flat=True)
    }
    return [review for review in waiting if review.task_id not in ready]


def recover_stalled(*, now: dt.datetime, reviews=None) -> int:
    """Queue again the reviews whose worker died mid-run; fail those already tried twice.

    Returns how many were recovered. `reviews` narrows it to a queryset (one page's review).
    """
    reviews = reviews if reviews is not None else AIReview.objects.all()
    stalled = reviews.filter(status=AIReview.Status.RUNNING, started_at__lt=now - _stall_after())
    recovered = 0
    for review in _lost_in_queue(reviews, now=now):
        recovered += 1
        _enqueue(review)
    for review in stalled:
        if review.tries >= MAX_TRIES:
            recovered += AIReview.objects.filter(
                pk=review.pk, status=AIReview.Status.RUNNING
            ).update(status=AIReview.Status.FAILED, error=INTERRUPTED, finished_at=now)
        elif AIReview.objects.filter(pk=review.pk, status=AIReview.Status.RUNNING).update(
            status=AIReview.Status.QUEUED, started_at=None
        ):
            recovered += 1
            _enqueue(review)
    return recovered


def requeue_unfinished() -> int:
    """Queue again every review that was waiting or running: after a restore, whose backup
    holds the reviews but not the task queue (see mlcareer.backups). Returns how many."""
    AIReview.objects.filter(status=AIReview.Status.RUNNING).update(
        status=AIReview.Status.QUEUED, started_at=None
    )
    waiting = list(AIReview.objects.filter(status=AIReview.Status.QUEUED))
    for review in waiting:
        _enqueue(review)
    return len(waiting)


def review_for_page(attempt: Attempt, *, now: dt.datetime) -> AIReview | None:
    """The attempt's review as its page shows it, with a dead worker's run recovered first.

    The page polls every 2 s, so recovery is looked for only once the review has waited
    longer than any live worker would take.
    """
    reviews = AIReview.objects.filter(attempt=attempt)
    review = reviews.first()
    if review is None or not review.pending:
        return review
    waiting_since = review.started_at or review.requested_at  # running, or still queued
    if waiting_since >= now - _stall_after():
        return review
    recover_stalled(now=now, reviews=reviews)
    return reviews.first()
