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
            status__in=Attempt.DONE_STATUSES,
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

    A mock interview gets the sum of the questions' suggested minutes as its time limit; its
    clock starts only when the learner presses Start (session_clock_start).
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


def session_waiting_to_start(session: PracticeSession) -> bool:
    """A mock interview whose learner has not pressed Start yet: its clock is not running."""
    return session.is_mock and session.clock_started_at is None and session.finished_at is None


def session_clock_start(session: PracticeSession, *, now: dt.datetime) -> bool:
    """Start a mock interview's clock (the learner pressed Start); False if it already runs.

    The session's start moves to the same moment, so its date is when it was taken.
    """
    started = PracticeSession.objects.filter(
        pk=session.pk, mode=PracticeSession.Mode.MOCK, clock_started_at__isnull=True
    ).update(clock_started_at=now, started_at=now)
    if started:
        session.clock_started_at = session.started_at = now
    return bool(started)


def session_deadline(session: PracticeSession) -> dt.datetime | None:
    """When a mock interview's time runs out: its time limit after Start. None in practice
    mode and before Start."""
    if session.time_limit_seconds is None or session.clock_started_at is None:
        return None
    return session.clock_started_at + dt.timedelta(seconds=session.time_limit_seconds)


def session_past_deadline(session: PracticeSession, *, now: dt.datetime) -> bool:
    deadline = session_deadline(session)
    return deadline is not None and now > deadline


def session_ms_left(session: PracticeSession, *, now: dt.datetime) -> int | None:
    """Milliseconds left before the deadline (0 once it has passed); None without one."""
    deadline = session_deadline(session)
    if deadline is None:
        return None
    return max(0, int((deadline - now).total_seconds() * 1000))


@dataclass(frozen=True)
class MockPacing:
    """A mock interview's plan: its questions, the time for all and about how long each."""

    questions: int
    total_seconds: int
    per_question_seconds: int

    def aim_left(self, position: int) -> int:
        """The time that should be left when question `position` is done, to keep pace."""
        return max(0, self.total_seconds - position * self.total_seconds // self.questions)


def mock_pacing(*, time_limit_seconds: int, questions: int) -> MockPacing:
    """The total split evenly, rounded as a person would say it: to the minute from two
    minutes a question, else to five seconds."""
    per_question = time_limit_seconds / max(1, questions)
    step = 60 if per_question >= 120 else 5
    return MockPacing(
        questions=questions,
        total_seconds=time_limit_seconds,
        per_question_seconds=max(step, round(per_question / step) * step),
    )


def session_expire(session: PracticeSession, *, now: dt.datetime) -> bool:
    """End a mock interview whose time ran out more than MOCK_GRACE_SECONDS ago, with the
    drafts as the server saved them (see session_time_up); False if it is not due.

    Within the grace the page itself sends the answer as it stands (it submits at 0:00).
    """
    deadline = session_deadline(session)
    if session.finished_at or deadline is None:
        return False
    if now <= deadline + dt.timedelta(seconds=MOCK_GRACE_SECONDS):
        return False
    return session_time_up(session, now=now)


def session_time_up(session: PracticeSession, *, now: dt.datetime) -> bool:
    """End a mock interview at its deadline: each question still open is recorded as it
    stood, its saved draft as an answer cut off at time-up, or as skipped when nothing was
    typed (a question never reached among them); False if it had already ended."""
    deadline = session_deadline(session)
    if deadline is None:
        raise ValueError("Only a mock interview whose clock runs has a time-up.")
    with transaction.atomic():
        if session.finished_at or session.timed_out:
            return False
        ended = PracticeSession.objects.filter(pk=session.pk, timed_out=False).update(
            timed_out=True
        )
        session.timed_out = True
        pending = list(
            session.attempts.filter(status=Attempt.Status.PENDING).select_related("question")
        )
        # Every open question's key points in one query, not one per question.
        points = {}
        for point in KeyPoint.objects.filter(
            question_id__in=[attempt.question_id for attempt in pending]
        ).order_by("order"):
            points.setdefault(point.question_id, []).append(point)
        for attempt in pending:
            if attempt.draft.strip():
                _record_answer(
                    attempt,
                    answer=attempt.draft,
                    end=deadline,
                    cut_off=True,
                    points=points.get(attempt.question_id, []),
                )
            else:
                _record_skip(attempt, end=deadline)
        session_finish_if_done(session, now=now)
    return bool(ended)


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


def seconds_since(start: dt.datetime | None, now: dt.datetime) -> int | None:
    """Whole seconds from `start` to `now` (never negative); None without a start."""
    return None if start is None else max(0, round((now - start).total_seconds()))


def active_seconds_sent(raw) -> int | None:
    """The active seconds a browser sent with an answer, as a whole number; None when it
    sent none or nothing readable (the page without JavaScript)."""
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return None


def clamp_active_seconds(active: int | None, *, wall: int | None) -> int | None:
    """The browser's count of the seconds the page was visible, kept between 0 and the
    wall time the server measured: a browser can hide time, never add it."""
    if active is None or wall is None:
        return None
    return min(max(0, active), wall)


def attempt_times(
    *, shown_at: dt.datetime | None, end: dt.datetime, active_seconds: int | None = None
) -> dict:
    """The time fields of an attempt recorded at `end`: wall time from first shown, active
    time as the browser measured it (clamped), and the time taken of record — the active time
    where there is one, else the wall time."""
    wall = seconds_since(shown_at, end)
    active = clamp_active_seconds(active_seconds, wall=wall)
    return {
        "wall_seconds": wall,
        "active_seconds": active,
        "seconds_taken": active if active is not None else wall,
    }


def _record_answer(
    attempt: Attempt,
    *,
    answer: str,
    end: dt.datetime,
    cut_off: bool,
    active_seconds: int | None = None,
    points: list[KeyPoint] | None = None,
) -> bool:
    if points is None:
        points = list(KeyPoint.objects.filter(question_id=attempt.question_id).order_by("order"))
    coverage = grade_answer(attempt.question, answer, key_points=points).found_share
    status = Attempt.Status.CUT_OFF if cut_off else Attempt.Status.ANSWERED
    times = attempt_times(shown_at=attempt.shown_at, end=end, active_seconds=active_seconds)
    done = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.PENDING).update(
        status=status, answer=answer, draft=answer, submitted_at=end, coverage=coverage, **times
    )
    if done:
        attempt.status, attempt.answer, attempt.draft = status, answer, answer
        attempt.submitted_at, attempt.coverage = end, coverage
        for field, value in times.items():
            setattr(attempt, field, value)
    return bool(done)


def _record_skip(attempt: Attempt, *, end: dt.datetime, active_seconds: int | None = None) -> bool:
    times = attempt_times(shown_at=attempt.shown_at, end=end, active_seconds=active_seconds)
    done = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.PENDING).update(
        status=Attempt.Status.SKIPPED, submitted_at=end, **times
    )
    if done:
        attempt.status, attempt.submitted_at = Attempt.Status.SKIPPED, end
        for field, value in times.items():
            setattr(attempt, field, value)
    return bool(done)


def attempt_submit(
    attempt: Attempt, *, answer: str, now: dt.datetime, active_seconds: int | None = None
) -> bool:
    """Record the answer with its times (see attempt_times) and the share of key points
    matching finds in it (a suggestion for the learner, not their record); False if already
    recorded.

    Past a mock interview's deadline the server holds the clock: the text is recorded as cut
    off at time-up (an empty one as skipped), its time counted to the deadline, and the
    interview ends. The update is conditional on the attempt still pending, so a double submit
    stores once.
    """
    session = attempt.session
    if session_past_deadline(session, now=now):
        deadline = session_deadline(session)
        if answer.strip():
            done = _record_answer(
                attempt, answer=answer, end=deadline, cut_off=True, active_seconds=active_seconds
            )
        else:
            done = _record_skip(attempt, end=deadline, active_seconds=active_seconds)
        session_time_up(session, now=now)
        return done
    done = _record_answer(
        attempt, answer=answer, end=now, cut_off=False, active_seconds=active_seconds
    )
    if done:
        if not session.is_mock and ai_available():
            request_review(attempt, now=now)
        session_finish_if_done(session, now=now)
    return done


def attempt_skip(attempt: Attempt, *, now: dt.datetime, active_seconds: int | None = None) -> bool:
    """Record the question as skipped; False if it was already answered or skipped.

    Past a mock interview's deadline the skip is dated at the deadline and the interview ends.
    """
    if session_past_deadline(attempt.session, now=now):
        end = session_deadline(attempt.session)
        done = _record_skip(attempt, end=end, active_seconds=active_seconds)
        session_time_up(attempt.session, now=now)
        return done
    done = _record_skip(attempt, end=now, active_seconds=active_seconds)
    if done:
        session_finish_if_done(attempt.session, now=now)
    return done


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
            pk=attempt.pk, status__in=Attempt.GRADABLE_STATUSES, grade__isnull=True
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
