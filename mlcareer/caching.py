"""Two caches that keep the busiest pages from recomputing what has not changed.

Content (topics, skills, targets, question counts) changes only when an editor edits it. Each
entry is keyed by a content generation that every change moves on, so an edit shows at once
where the cache is shared (Redis); with the per-process memory cache of a server without Redis,
other processes see it when their copy expires, after CONTENT_SECONDS at most.

A learner's history (answers, grades, self-assessments) changes only when they practise. Pages
built from it are keyed by a fingerprint of that history read in one indexed query, so the
first view after any change recomputes and every later view is served from the cache, in every
process, with no bookkeeping at the places that write.
"""

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

T = TypeVar("T")

CONTENT_SECONDS = 60
HISTORY_SECONDS = 60 * 60
GENERATION_KEY = "content:generation"


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


def _aggregate(queryset, **aggregates) -> Subquery:
    """One scalar subquery row of `aggregates` over the user's rows of `queryset`."""
    name, expression = next(iter(aggregates.items()))
    return Subquery(
        queryset.filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(**{name: expression})
        .values(name)
    )


FINGERPRINT_FIELDS = (
    "fp_submitted",
    "fp_last_submitted",
    "fp_last_graded",
    "fp_assessments",
    "fp_last_assessed",
)


def _fingerprint_annotations() -> dict:
    from assessments.models import Assessment
    from practice.models import Attempt

    complete = Assessment.objects.filter(status=Assessment.Status.COMPLETE)
    return {
        "fp_submitted": Coalesce(_aggregate(Attempt.objects, n=Count("submitted_at")), 0),
        "fp_last_submitted": _aggregate(Attempt.objects, m=Max("submitted_at")),
        "fp_last_graded": _aggregate(Attempt.objects, m=Max("graded_at")),
        "fp_assessments": Coalesce(_aggregate(complete, n=Count("pk")), 0),
        "fp_last_assessed": _aggregate(complete, m=Max("completed_at")),
    }


def history_fingerprint(user: AbstractBaseUser) -> tuple:
    """What changes whenever the user's practice or self-assessment history changes.

    Answers and skips move the count of submitted answers and its latest time, grades the
    latest grading time (a review card is rescheduled only by a grade), finished
    self-assessments their count and latest time; a progress reset empties them all.
    """
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(**_fingerprint_annotations())
        .values_list(*FINGERPRINT_FIELDS)
        .get()
    )


def profile_and_fingerprint(user: AbstractBaseUser) -> tuple:
    """The user's profile and `history_fingerprint`, in one query; the profile is kept on the
    user so that later reads of it in the request cost nothing."""
    from mlcareer.accounts import profile_for
    from mlcareer.models import Profile

    profile = Profile.objects.annotate(**_fingerprint_annotations()).filter(user=user).first()
    if profile is None:  # an account made outside sign-up: its profile is made on first use
        return profile_for(user), history_fingerprint(user)
    user.profile = profile
    return profile, tuple(getattr(profile, name) for name in FINGERPRINT_FIELDS)


def history_key(
    name: str,
    *,
    user: AbstractBaseUser,
    fingerprint: tuple,
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
    return f"history:{name}:{user.pk}:{content_generation()}:{digest}"


def cached(key: str, build: Callable[[], T]) -> T:
    return cache.get_or_set(key, build, HISTORY_SECONDS)


def history_cached(name: str, build: Callable[[], T], **key_parts) -> T:
    """`build()` for this user, recomputed when their history, the content or the hour changes
    (see `history_key` for the parts)."""
    return cached(history_key(name, **key_parts), build)
