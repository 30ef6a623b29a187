"""Practice sessions: picking the questions, answering, skipping, grading, finishing."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Avg, Exists, OuterRef, QuerySet
from django.utils import timezone

from assessments.pages import gaps_page
from mlcareer.accounts import profile_lock
from practice.ai_reviews import ai_available, request_review, request_reviews_for_session
from practice.feedback import grade_answer
from practice.models import Attempt, KeyPoint, PracticeSession, Question
from practice.scheduling import card_review, review_due

SESSION_MAX_QUESTIONS = 30
DEFAULT_QUESTIONS = 5
# Answers typed in the last seconds of a mock interview still count when they arrive late.
MOCK_GRACE_SECONDS = 30
MISSED_GRADE_MAX = 1
# "Practise this question now" pressed again this soon, with nothing answered yet, is the same
# press repeated (a double click, a resent post): it opens the session the first one started.
REPEAT_START_WINDOW = dt.timedelta(minutes=5)


class NoQuestionsError(Exception):
    """Nothing matches what the user asked for."""


@dataclass(frozen=True)
class SessionRequest:
    mode: str = PracticeSession.Mode.PRACTICE
    source: str = PracticeSession.Source.MIXED
    count: int = DEFAULT_QUESTIONS
    topics: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    difficulty: str = ""

    def as_filters(self) -> dict:
        return {
            "topics": list(self.topics),
            "skills": list(self.skills),
            "difficulty": self.difficulty,
        }


def _candidates(user: AbstractBaseUser, request: SessionRequest) -> QuerySet[Question]:
    questions = Question.objects.published()
    if request.topics:
        questions = questions.filter(topic__slug__in=request.topics)
    if request.skills:
        # A subquery, not a join: a question with two of the skills must come once, and
        # DISTINCT does not combine with the random order used below.
        with_skill = Question.objects.filter(skills__slug__in=request.skills).values("pk")
        questions = questions.filter(pk__in=with_skill)
    if request.difficulty:
        questions = questions.filter(difficulty=request.difficulty)
    return questions


def questions_pick(
    *, user: AbstractBaseUser, request: SessionRequest, now: dt.datetime
) -> list[Question]:
    """Choose the session's questions.

    Due: the user's cards due by the end of their day, most overdue first. New: questions
    never attempted, shuffled. Mixed: due ones first, then new ones, then the least recently
    practised.
    """
    candidates = _candidates(user, request)
    picked: list[Question] = []
    if request.source in (PracticeSession.Source.DUE, PracticeSession.Source.MIXED):
        # The same cards the review page lists: due by the end of the user's day.
        due_cards = review_due(user=user, now=now, zone=timezone.get_current_timezone())
        due_cards = due_cards.filter(question__in=candidates)
        picked += [card.question for card in due_cards[: request.count]]
    if request.source in (PracticeSession.Source.NEW, PracticeSession.Source.MIXED):
        attempted = Attempt.objects.filter(
            user=user,
            question=OuterRef("pk"),
            status__in=[Attempt.Status.ANSWERED, Attempt.Status.SKIPPED],
        )
        fresh = candidates.exclude(pk__in=[q.pk for q in picked]).filter(~Exists(attempted))
        picked += list(fresh.order_by("?")[: request.count - len(picked)])
    if request.source == PracticeSession.Source.MIXED and len(picked) < request.count:
        rest = candidates.exclude(pk__in=[q.pk for q in picked])
        picked += list(rest.order_by("?")[: request.count - len(picked)])
    return picked[: request.count]


@transaction.atomic
def session_start(
    *,
    user: AbstractBaseUser,
    request: SessionRequest,
    now: dt.datetime,
    questions: list[Question] | None = None,
) -> PracticeSession:
    """Create a session with its questions in order; raises NoQuestionsError if none fit.

    A mock interview gets the sum of the questions' suggested minutes as its time limit.
    """
    if questions is None:
        questions = questions_pick(user=user, request=request, now=now)
    if not questions:
        raise NoQuestionsError
    session = PracticeSession.objects.create(
        user=user,
        mode=request.mode,
        source=request.source,
        filters=request.as_filters(),
        time_limit_seconds=(
            sum(q.suggested_minutes for q in questions) * 60
            if request.mode == PracticeSession.Mode.MOCK
            else None
        ),
        started_at=now,
    )
    Attempt.objects.bulk_create(
        Attempt(session=session, user=user, question=question, position=position)
        for position, question in enumerate(questions, start=1)
    )
    return session


@transaction.atomic
def session_start_for_question(
    *, user: AbstractBaseUser, question: Question, now: dt.datetime
) -> PracticeSession:
    """A practice session of `question` alone: the one started for it in the last five
    minutes if nothing in it is answered yet, else a new one.

    The user's starts run one at a time, so presses sent together open a single session.
    """
    profile_lock(user)
    other_questions = Attempt.objects.filter(session=OuterRef("pk")).exclude(question=question)
    untouched = Attempt.objects.filter(
        session=OuterRef("pk"), question=question, status=Attempt.Status.PENDING
    )
    recent = (
        PracticeSession.objects.filter(
            user=user,
            mode=PracticeSession.Mode.PRACTICE,
            finished_at__isnull=True,
            started_at__gte=now - REPEAT_START_WINDOW,
        )
        .filter(Exists(untouched), ~Exists(other_questions))
        .order_by("-started_at")
        .first()
    )
    if recent is not None:
        return recent
    return session_start(user=user, request=SessionRequest(count=1), now=now, questions=[question])


def session_deadline(session: PracticeSession) -> dt.datetime | None:
    if session.time_limit_seconds is None:
        return None
    return session.started_at + dt.timedelta(seconds=session.time_limit_seconds)


def session_expire(session: PracticeSession, *, now: dt.datetime) -> bool:
    """End a mock interview whose time is up: unanswered questions become skipped."""
    deadline = session_deadline(session)
    if session.finished_at or deadline is None:
        return False
    if now <= deadline + dt.timedelta(seconds=MOCK_GRACE_SECONDS):
        return False
    with transaction.atomic():
        session.attempts.filter(status=Attempt.Status.PENDING).update(
            status=Attempt.Status.SKIPPED, submitted_at=deadline
        )
        session_finish_if_done(session, now=now)
    return True


def session_finish_if_done(session: PracticeSession, *, now: dt.datetime) -> bool:
    """Mark the session finished once no question is left to answer."""
    if session.finished_at:
        return True
    if session.attempts.filter(status=Attempt.Status.PENDING).exists():
        return False
    finished = PracticeSession.objects.filter(pk=session.pk, finished_at__isnull=True).update(
        finished_at=now
    )
    session.finished_at = now
    if finished and session.is_mock and ai_available():
        request_reviews_for_session(session, now=now)
    return True


def attempt_show(attempt: Attempt, *, now: dt.datetime) -> None:
    """Start the question's clock the first time it is shown."""
    if attempt.shown_at is None:
        Attempt.objects.filter(pk=attempt.pk, shown_at__isnull=True).update(shown_at=now)
        attempt.shown_at = now


def attempt_save_draft(attempt: Attempt, *, text: str) -> bool:
    """Keep what the user typed so far; ignored once the question is answered.

    NUL characters are dropped: no database text column can hold them, and no keyboard
    types them.
    """
    text = text.replace("\x00", "")
    return bool(
        Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.PENDING).update(draft=text)
    )


def _seconds_since(start: dt.datetime | None, now: dt.datetime) -> int | None:
    return None if start is None else max(0, round((now - start).total_seconds()))


def attempt_submit(attempt: Attempt, *, answer: str, now: dt.datetime) -> bool:
    """Record the answer with its time and the share of key points matching finds in it (a
    suggestion for the learner, not their record); False if already recorded.

    The update is conditional on the attempt still pending, so a double submit stores once.
    """
    points = list(KeyPoint.objects.filter(question_id=attempt.question_id).order_by("order"))
    coverage = grade_answer(attempt.question, answer, key_points=points).found_share
    done = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.PENDING).update(
        status=Attempt.Status.ANSWERED,
        answer=answer,
        draft=answer,
        submitted_at=now,
        seconds_taken=_seconds_since(attempt.shown_at, now),
        coverage=coverage,
    )
    if done:
        attempt.status, attempt.answer = Attempt.Status.ANSWERED, answer
        if not attempt.session.is_mock and ai_available():
            request_review(attempt, now=now)
        session_finish_if_done(attempt.session, now=now)
    return bool(done)


def attempt_skip(attempt: Attempt, *, now: dt.datetime) -> bool:
    """Record the question as skipped; False if it was already answered or skipped."""
    done = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.PENDING).update(
        status=Attempt.Status.SKIPPED,
        submitted_at=now,
        seconds_taken=_seconds_since(attempt.shown_at, now),
    )
    if done:
        session_finish_if_done(attempt.session, now=now)
    return bool(done)


def attempt_reveal(attempt: Attempt) -> None:
    """Show the model answer before answering (practice mode); it is remembered."""
    if attempt.session.is_mock:
        raise ValueError("A mock interview shows no answer before the end.")
    Attempt.objects.filter(pk=attempt.pk).update(revealed_early=True)
    attempt.revealed_early = True


def attempt_grade(
    attempt: Attempt, *, grade: int, ticked_key_points: list[int], now: dt.datetime
) -> bool:
    """Store the self-grade, the ticked key points and the share they make of the question's
    key points (None when it has none), and reschedule the question's review card.

    Only the first grade of an attempt counts, so a repeated submit changes nothing. Ids that
    are not the question's key points are ignored.
    """
    valid_ids = set(
        KeyPoint.objects.filter(question_id=attempt.question_id).values_list("pk", flat=True)
    )
    ticked = sorted(set(ticked_key_points) & valid_ids)
    ticked_share = len(ticked) / len(valid_ids) if valid_ids else None
    with transaction.atomic():
        done = Attempt.objects.filter(
            pk=attempt.pk, status=Attempt.Status.ANSWERED, grade__isnull=True
        ).update(grade=grade, ticked_key_points=ticked, ticked_share=ticked_share, graded_at=now)
        if done:
            attempt.grade, attempt.graded_at = grade, now
            attempt.ticked_key_points, attempt.ticked_share = ticked, ticked_share
            card_review(
                user=attempt.user,
                question=attempt.question,
                grade=grade,
                revealed_early=attempt.revealed_early,
                now=now,
            )
    return bool(done)


def session_retry_missed(session: PracticeSession, *, now: dt.datetime) -> PracticeSession:
    """A new practice session of the questions graded 0 or 1 in this one."""
    missed = [
        attempt.question
        for attempt in session.attempts.filter(grade__lte=MISSED_GRADE_MAX)
        .select_related("question")
        .order_by("position")
    ]
    request = SessionRequest(
        mode=PracticeSession.Mode.PRACTICE, source=PracticeSession.Source.MIXED, count=len(missed)
    )
    return session_start(user=session.user, request=request, now=now, questions=missed)


def weakest_skills(*, user: AbstractBaseUser, limit: int = 3) -> list[str]:
    """Slugs of the skills with the lowest average grade in the user's graded answers."""
    return list(
        Attempt.objects.filter(user=user, grade__isnull=False)
        .values("question__skills__slug")
        .annotate(mean=Avg("grade"))
        .filter(question__skills__slug__isnull=False)
        .order_by("mean", "question__skills__slug")
        .values_list("question__skills__slug", flat=True)[:limit]
    )


def quick_start_request(*, user: AbstractBaseUser, now: dt.datetime) -> SessionRequest:
    """Five mixed questions: on the interview plan's first skills when there is a plan, else
    on the skills with the weakest answers, else (a new user) a balanced mix."""
    plan = gaps_page(user=user, now=now)["plan"]
    if plan is not None and plan.first_skills:
        return SessionRequest(skills=tuple(plan.first_skills))
    return SessionRequest(skills=tuple(weakest_skills(user=user)))
