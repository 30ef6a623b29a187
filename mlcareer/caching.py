"""Two caches that keep the busiest pages from recomputing what has not changed.

Content (topics, skills, targets, question counts) changes only when an editor edits it. Each
entry is keyed by a content generation that every change moves on, so an edit shows at once
where the cache is shared (Redis); with the per-process memory cache of a server without Redis,
other processes see it when their copy expires: after CONTENT_SECONDS for content reads, and
HISTORY_SECONDS at most for the pages built from them.

A learner's history (answers, grades, self-assessments) changes only when they practise. Pages
built from it are keyed by a fingerprint of that history read in one indexed query, so the
first view after any change recomputes and every later view is served from the cache, in every
process, with no bookkeeping at the places that write.
"""

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from typing import NamedTuple, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

T = TypeVar("T")

CONTENT_SECONDS = 60
HISTORY_SECONDS = 60 * 60
GENERATION_KEY = "content:generation"
# Moved on whenever a cached page's figures change meaning or shape, so that a deploy never
# serves what the previous code cached (Redis outlives the processes).
HISTORY_LAYOUT = 4


def content_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = time.time_ns()
        cache.add(GENERATION_KEY, generation, None)
        generation = cache.get(GENERATION_KEY, generation)
    return generation


def content_changed(**_signal_arguments) -> None:
    """Forget every cached content read; connected to the content models' change signals."""
    cache.set(GENERATION_KEY, time.time_ns(), None)


def content_cached(name: str, build: Callable[[], T]) -> T:
    """`build()`, computed once per content generation (and process, without Redis)."""
    return cache.get_or_set(f"content:{content_generation()}:{name}", build, CONTENT_SECONDS)


def _count(queryset, field: str) -> Coalesce:
    """How many of the user's rows of `queryset` have `field` set (read from an index)."""
    return Coalesce(
        Subquery(
            queryset.filter(user=OuterRef("user"))
            .order_by()
            .values("user")
            .annotate(n=Count(field))
            .values("n")
        ),
        0,
    )


def _latest(queryset, field: str) -> Subquery:
    """The latest `field` of the user's rows of `queryset` (one step down an index)."""
    return Subquery(
        queryset.filter(user=OuterRef("user"), **{f"{field}__isnull": False})
        .order_by(f"-{field}")
        .values(field)[:1]
    )


class Fingerprint(NamedTuple):
    last_started: dt.datetime | None
    submitted: int
    last_submitted: dt.datetime | None
    last_graded: dt.datetime | None
    assessments: int
    last_assessed: dt.datetime | None
    judged: int


def _fingerprint_annotations() -> dict:
    from assessments.models import Assessment
    from practice.models import AIReview, Attempt, PracticeSession

    complete = Assessment.objects.filter(status=Assessment.Status.COMPLETE)
    judged = AIReview.objects.filter(status=AIReview.Status.DONE)
    # Prefixed: the profile has fields of its own.
    return {
        "fp_last_started": _latest(PracticeSession.objects, "started_at"),
        "fp_submitted": _count(Attempt.objects, "submitted_at"),
        "fp_last_submitted": _latest(Attempt.objects, "submitted_at"),
        "fp_last_graded": _latest(Attempt.objects, "graded_at"),
        "fp_assessments": _count(complete, "pk"),
        "fp_last_assessed": _latest(complete, "completed_at"),
        "fp_judged": _count(judged, "pk"),
    }


def history_fingerprint(user: AbstractBaseUser) -> Fingerprint:
    """What changes whenever the user's practice or self-assessment history changes.

    Starting a session moves the latest start; answers and skips the count of submitted
    answers and its latest time (the last of a session finishes it); grades the latest grading
    time (a review card is rescheduled only by a grade); finished self-assessments their count
    and latest time; an AI review, which finishes in the background after the answer, the count
    of finished ones. A progress reset lowers the counts.
    """
    return profile_and_fingerprint(user)[1]


def profile_and_fingerprint(user: AbstractBaseUser) -> tuple:
    """The user's profile and `history_fingerprint`, in one query; the profile is kept on the
    user so that later reads of it in the request cost nothing."""
    from mlcareer.accounts import profile_for
    from mlcareer.models import Profile

    annotated = Profile.objects.annotate(**_fingerprint_annotations())
    profile = annotated.filter(user=user).first()
    if profile is None:  # an account made outside sign-up: its profile is made on first use
        profile_for(user)
        profile = annotated.get(user=user)
    user.profile = profile
    return profile, Fingerprint(*(getattr(profile, f"fp_{name}") for name in Fingerprint._fields))


def history_key(
    name: str,
    *,
    user: AbstractBaseUser,
    fingerprint: Fingerprint,
    now: dt.datetime,
    zone: dt.tzinfo,
    context: tuple = (),
) -> str:
    """The cache key of a result built from the user's history, the content and the hour.

    The hour is the user's own, so "today" turns at their midnight; it also keeps figures that
    move with the clock, such as recall probability, at most an hour old. `context` holds
    whatever else the result depends on, such as profile settings.
    """
    state = repr((fingerprint, str(zone), now.astimezone(zone).strftime("%Y%m%d%H"), context))
    digest = hashlib.sha256(state.encode()).hexdigest()[:32]
    return f"history:{HISTORY_LAYOUT}:{name}:{user.pk}:{content_generation()}:{digest}"


def history_cached(name: str, build: Callable[[], T], **key_parts) -> T:
    """`build()` for this user, recomputed when their history, the content or the hour changes
    (see `history_key` for the parts)."""
    return cache.get_or_set(history_key(name, **key_parts), build, HISTORY_SECONDS)
