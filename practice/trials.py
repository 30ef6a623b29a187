"""One question answered on the landing page before signing up, kept for the new account.

A visitor gets one of a few approachable starter questions with its timer. The page carries a
signed ticket naming the question and when it was shown, so that nothing is stored for a
visitor who only looks. Their answer is stored as a `TrialAttempt`, named by a random token
that their browser session keeps; it gets the same feedback a learner's answer gets. Signing
up (or logging in) in that browser makes it the account's first answer: a finished practice
session of that one question, answered, waiting for the learner's grade. Trial answers are
limited per client address and expire after a day.
"""

import datetime as dt
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef

from mlcareer.accounts import account_create
from mlcareer.ratelimits import TRIAL_ANSWER, ip_limit_hit
from practice.models import Attempt, KeyPoint, Question, TrialAttempt
from practice.sessions import (
    SessionRequest,
    attempt_show,
    attempt_submit,
    attempt_times,
    session_start,
)

# Where the browser session keeps the token of the visitor's latest trial answer.
SESSION_KEY = "trial_attempt"
TRIAL_LIFETIME = dt.timedelta(hours=24)
STARTER_COUNT = 5
_TICKET_SALT = "practice.trials.ticket"

LIMIT_MESSAGE = (
    "That is a lot of answers from your network in the last hour, so this one was not "
    "checked. Your text is still here: create a free account to keep practising, or try again "
    "in an hour."
)


class TrialLimitReached(Exception):
    """Too many trial answers came from this client address in the last hour."""


def starter_questions() -> list[Question]:
    """The questions a visitor may try: published, easy and conceptual, with key points for
    the feedback to look for; the shortest of each topic first (topics in their order), then
    the others, up to STARTER_COUNT. The same content always gives the same list."""
    with_points = KeyPoint.objects.filter(question=OuterRef("pk"))
    candidates = list(
        Question.objects.published()
        .filter(difficulty=Question.Difficulty.EASY, kind=Question.Kind.CONCEPTUAL)
        .filter(Exists(with_points))
        .select_related("topic")
        .order_by("topic__order", "topic__name", "suggested_minutes", "pk")
    )
    firsts, seen_topics = [], set()
    for question in candidates:
        if question.topic_id not in seen_topics:
            seen_topics.add(question.topic_id)
            firsts.append(question)
    rest = [question for question in candidates if question not in firsts]
    return (firsts + rest)[:STARTER_COUNT]


def starter_after(starters: list[Question], question: Question) -> Question | None:
    """The starter to offer next after `question`, round the list; None when there is no
    other one."""
    others = [q for q in starters if q.pk != question.pk]
    if not others:
        return None
    position = next((i for i, q in enumerate(starters) if q.pk == question.pk), -1)
    return starters[(position + 1) % len(starters)] if position >= 0 else others[0]


def ticket_for(question: Question, *, now: dt.datetime) -> str:
    """A signed note of which question was shown and when, carried by the answer form."""
    return signing.dumps({"q": question.pk, "t": round(now.timestamp())}, salt=_TICKET_SALT)


def ticket_read(ticket: str) -> tuple[int, dt.datetime] | None:
    """The question id and the time a ticket was issued at, or None if it is not one of ours."""
    try:
        data = signing.loads(ticket, salt=_TICKET_SALT)
        return int(data["q"]), dt.datetime.fromtimestamp(int(data["t"]), tz=dt.UTC)
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        return None


def trial_submit(
    *,
    question: Question,
    answer: str,
    shown_at: dt.datetime | None,
    ip: str,
    now: dt.datetime,
    replaces: str = "",
    active_seconds: int | None = None,
) -> TrialAttempt:
    """Store a visitor's answer for a day; it takes the place of their earlier one (the one
    named by `replaces`, the token their session holds).

    The same answer to the same question sent again (a double submit) is the earlier one,
    neither stored twice nor counted. Raises TrialLimitReached when this client address has
    sent more than TRIAL_ANSWER allows this hour.
    """
    answer = answer.replace("\x00", "")
    if replaces:
        previous = TrialAttempt.objects.filter(token=replaces, expires_at__gt=now).first()
        if previous and previous.question_id == question.pk and previous.answer == answer:
            return previous
    if ip_limit_hit(TRIAL_ANSWER, ip=ip):
        raise TrialLimitReached
    with transaction.atomic():
        trial = TrialAttempt.objects.create(
            token=secrets.token_urlsafe(32),
            question=question,
            answer=answer,
            shown_at=shown_at,
            submitted_at=now,
            seconds_taken=attempt_times(shown_at=shown_at, end=now, active_seconds=active_seconds)[
                "seconds_taken"
            ],
            created=now,
            expires_at=now + TRIAL_LIFETIME,
        )
        if replaces:
            TrialAttempt.objects.filter(token=replaces).delete()
    return trial


def trial_pending(token: str | None, *, now: dt.datetime) -> TrialAttempt | None:
    """The unexpired trial answer a session's token names, with its question and topic."""
    if not token:
        return None
    return (
        TrialAttempt.objects.select_related("question__topic")
        .filter(token=token, expires_at__gt=now)
        .first()
    )


@transaction.atomic
def trial_attach(*, user: AbstractBaseUser, token: str | None, now: dt.datetime) -> Attempt | None:
    """Make the unexpired trial answer named by `token` the user's own: a finished practice
    session of its question, answered when the visitor answered it, with its time and what
    matching found, as a learner's submit records it; ready to grade. The trial row is
    deleted. None when there is nothing to attach (no token, expired, already attached)."""
    trial = trial_pending(token, now=now)
    if trial is None:
        return None
    # Whoever deletes the row attaches it: two requests at once attach it once.
    deleted, _ = TrialAttempt.objects.filter(pk=trial.pk).delete()
    if not deleted:
        return None
    session = session_start(
        user=user,
        request=SessionRequest(count=1),
        now=trial.shown_at or trial.submitted_at,
        questions=[trial.question],
    )
    attempt = session.attempts.select_related("question").get()
    attempt.session = session
    if trial.shown_at is not None:
        attempt_show(attempt, now=trial.shown_at)
    attempt_submit(
        attempt, answer=trial.answer, now=trial.submitted_at, active_seconds=trial.seconds_taken
    )
    return attempt


def account_create_keeping_trial(
    *, token: str | None, now: dt.datetime, **account
) -> tuple[AbstractBaseUser, Attempt | None]:
    """`mlcareer.accounts.account_create`, with the trial answer of the sign-up's browser
    session attached to the new account in the same transaction: both or neither."""
    with transaction.atomic():
        user = account_create(**account)
        return user, trial_attach(user=user, token=token, now=now)


def trials_expire(*, now: dt.datetime) -> int:
    """Delete the trial answers past their time; how many went."""
    deleted, _ = TrialAttempt.objects.filter(expires_at__lte=now).delete()
    return deleted
