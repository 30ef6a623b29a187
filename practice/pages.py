"""What the practice pages show, assembled from the domain functions in a few queries."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch
from django.utils import timezone

from practice.ai_reviews import ai_available, review_for_page
from practice.feedback import Feedback, answer_feedback
from practice.forms import AnswerForm, GradeForm, TrialAnswerForm
from practice.grade_notes import grade_note
from practice.models import GRADE_DESCRIPTORS, Attempt, CommonMistake, KeyPoint, PracticeSession
from practice.scheduling import review_due, review_forecast
from practice.sessions import (
    MISSED_GRADE_MAX,
    attempt_show,
    mock_pacing,
    seconds_since,
    session_deadline,
    session_ms_left,
)
from practice.trials import (
    TRIAL_LIFETIME,
    starter_after,
    starter_questions,
    ticket_for,
    trial_pending,
)

RECENT_SESSIONS = 5
REVIEW_LIST_LIMIT = 30
# A mock interview warns when this many seconds are left.
TIME_WARNINGS = (300, 60)


def _grade_form(
    key_points: list[KeyPoint], feedback: Feedback, data=None, *, auto_id: str = "id_%s"
) -> GradeForm:
    """The grading form, the points matching found labelled as its suggestion; none is
    ticked in advance, so what gets stored is the learner's own judgement. With `data` (a
    refused grade sent back), the form shows what was sent and why it was refused. A page
    with several of them gives each its own `auto_id`, so that no two inputs share an id."""
    found = frozenset(
        point.pk
        for point, result in zip(key_points, feedback.points, strict=True)
        if result.covered
    )
    return GradeForm(data, key_points=key_points, suggested=found, auto_id=auto_id)


def _mean_percent(shares: list[float | None]) -> int | None:
    known = [share for share in shares if share is not None]
    return round(100 * sum(known) / len(known)) if known else None


def ready_page(session: PracticeSession) -> dict:
    """The "ready?" screen of a mock interview before its clock starts: how many questions,
    the time for all of them and about how long each."""
    questions = session.attempts.count()
    return {
        "session": session,
        "pacing": mock_pacing(time_limit_seconds=session.time_limit_seconds, questions=questions),
    }


def time_warning(ms_left: int | None) -> int | None:
    """The warning a mock interview shows with this much time left: 5 (minutes), 1, or None."""
    if ms_left is None:
        return None
    passed = [seconds // 60 for seconds in TIME_WARNINGS if ms_left <= seconds * 1000]
    return passed[-1] if passed else None


def steps_swap(session: PracticeSession) -> bool:
    """Whether the session's page goes from step to step in place (by htmx, when the browser
    runs scripts): a review of due questions does, card after card; a mock interview never."""
    return session.source == PracticeSession.Source.DUE and not session.is_mock


def session_page(
    session: PracticeSession,
    *,
    now: dt.datetime,
    answer_form: AnswerForm | None = None,
    grade_data=None,
) -> dict | None:
    """The step the session is at: answer the next question, or (in practice mode) grade the
    last answer. None when nothing is left, i.e. time for the summary."""
    attempts = list(session.attempts.select_related("question__topic").order_by("position"))
    current = None
    step = "answer"
    if not session.is_mock:
        current = next(
            (a for a in attempts if a.status in Attempt.GRADABLE_STATUSES and a.grade is None),
            None,
        )
        step = "grade" if current else step
    if current is None:
        current = next((a for a in attempts if a.status == Attempt.Status.PENDING), None)
    if current is None:
        return None
    key_points = list(KeyPoint.objects.filter(question_id=current.question_id).order_by("order"))
    context = {
        "session": session,
        "attempt": current,
        "question": current.question,
        "step": step,
        "position": current.position,
        "total": len(attempts),
        "done": sum(a.status != Attempt.Status.PENDING for a in attempts),
        "key_points": key_points,
        "deadline": session_deadline(session),
        "grade_descriptors": {grade.value: text for grade, text in GRADE_DESCRIPTORS.items()},
        "swaps": steps_swap(session),
    }
    if context["swaps"]:
        # The user's id, not the user: the session's user is not loaded.
        due = review_due(user=session.user_id, now=now, zone=timezone.get_current_timezone())
        context["due_count"] = due.count()
    if step == "answer":
        attempt_show(current, now=now)
        context["answer_form"] = answer_form or AnswerForm(initial={"answer": current.draft})
        context["elapsed_seconds"] = seconds_since(current.shown_at, now)
        if context["deadline"] is not None:
            ms_left = session_ms_left(session, now=now)
            pacing = mock_pacing(
                time_limit_seconds=session.time_limit_seconds, questions=len(attempts)
            )
            context.update(
                ms_left=ms_left,
                time_warning=time_warning(ms_left),
                pacing=pacing,
                aim_left=pacing.aim_left(current.position),
                behind_pace=(
                    current.position < len(attempts)
                    and ms_left < pacing.aim_left(current.position) * 1000
                ),
            )
    else:
        feedback = answer_feedback(current.answer, key_points, question=current.question)
        context["feedback"] = feedback
        # Only once the answer is in: listed earlier, they would give the answer away.
        context["common_mistakes"] = list(
            CommonMistake.objects.filter(question_id=current.question_id).order_by("order")
        )
        context["grade_form"] = _grade_form(key_points, feedback, grade_data)
        if ai_available():
            context["ai_review"] = review_for_page(current, now=now)
    return context


def time_up_note(attempt: Attempt, *, deadline: dt.datetime | None) -> str:
    """How a question of a mock interview that ran out of time was recorded."""
    if attempt.status == Attempt.Status.CUT_OFF:
        return "cut off at time-up: recorded as it stood"
    if attempt.status == Attempt.Status.ANSWERED:
        return "answered in time"
    if attempt.shown_at is None:
        return "not reached: recorded as skipped"
    at_time_up = deadline is not None and attempt.submitted_at is not None
    if at_time_up and attempt.submitted_at >= deadline:
        return "nothing typed at time-up: recorded as skipped"
    return "skipped"


def session_summary(session: PracticeSession, *, grade_data: dict | None = None) -> dict:
    """Per question: time, grade, key points ticked, feedback, the grade note and common
    mistakes; totals (the mean grade and the mean share of key points ticked once every answer
    is graded, matching's mean finding beside it as a suggestion); what to review next; and,
    for a mock interview that ran out of time, how each question was recorded."""
    attempts = list(
        session.attempts.select_related("question__topic", "ai_review")
        .prefetch_related(
            Prefetch("question__key_points", queryset=KeyPoint.objects.order_by("order")),
            Prefetch(
                "question__common_mistakes", queryset=CommonMistake.objects.order_by("order")
            ),
        )
        .order_by("position")
    )
    grade_data = grade_data or {}
    deadline = session_deadline(session)
    rows = []
    for attempt in attempts:
        key_points = list(attempt.question.key_points.all())
        feedback = (
            answer_feedback(attempt.answer, key_points, question=attempt.question)
            if attempt.status in Attempt.GRADABLE_STATUSES
            else None
        )
        needs_grade = feedback is not None and attempt.grade is None
        rows.append(
            {
                "attempt": attempt,
                "feedback": feedback,
                "grade_note": (
                    grade_note(
                        grade=attempt.grade,
                        ticked=len(attempt.ticked_key_points),
                        total=len(key_points),
                    )
                    if feedback and attempt.grade is not None
                    else ""
                ),
                "grade_form": (
                    _grade_form(
                        key_points,
                        feedback,
                        grade_data.get(attempt.pk),
                        auto_id=f"id_attempt{attempt.pk}_%s",
                    )
                    if needs_grade
                    else None
                ),
                "time_up_note": (
                    time_up_note(attempt, deadline=deadline) if session.timed_out else ""
                ),
            }
        )
    gradable = [a for a in attempts if a.status in Attempt.GRADABLE_STATUSES]
    graded = [a.grade for a in gradable if a.grade is not None]
    all_graded = bool(gradable) and len(graded) == len(gradable)
    return {
        "session": session,
        "rows": rows,
        "deadline": deadline,
        "answered": sum(a.status == Attempt.Status.ANSWERED for a in attempts),
        # Cut off by the clock: gradable, but counted apart from the answers finished in time.
        "cut_off": sum(a.status == Attempt.Status.CUT_OFF for a in attempts),
        "skipped": sum(a.status == Attempt.Status.SKIPPED for a in attempts),
        "total_seconds": sum(a.seconds_taken or 0 for a in attempts),
        "gradable_count": len(gradable),
        "graded_count": len(graded),
        # No average of part of the answers: it would change as the rest are graded.
        "mean_grade": sum(graded) / len(graded) if all_graded else None,
        # The learner's ticks are the figure; matching's finding is shown as its suggestion.
        "mean_ticked": _mean_percent([a.ticked_share for a in gradable]) if all_graded else None,
        "mean_found": _mean_percent([a.coverage for a in gradable]),
        "has_ai_reviews": any(hasattr(a, "ai_review") for a in gradable),
        "ungraded": sum(1 for row in rows if row["grade_form"] is not None),
        "review_next": [
            a
            for a in attempts
            if a.status == Attempt.Status.SKIPPED
            or a.revealed_early
            or (a.grade is not None and a.grade <= MISSED_GRADE_MAX)
        ],
        "missed": sum(1 for grade in graded if grade <= MISSED_GRADE_MAX),
        "grade_descriptors": {grade.value: text for grade, text in GRADE_DESCRIPTORS.items()},
    }


def start_page(*, user: AbstractBaseUser) -> dict:
    """Unfinished sessions to resume, recent finished ones, and today's review count."""
    sessions = PracticeSession.objects.filter(user=user).order_by("-started_at")
    now = timezone.now()
    return {
        "unfinished": list(sessions.filter(finished_at__isnull=True)[:RECENT_SESSIONS]),
        "recent": list(sessions.filter(finished_at__isnull=False)[:RECENT_SESSIONS]),
        "due_count": review_due(user=user, now=now, zone=timezone.get_current_timezone()).count(),
    }


def forecast_chart_data(forecast: list[tuple[dt.date, int]]) -> list[dict]:
    """The review forecast as the forecast chart reads it."""
    return [{"day": day.isoformat(), "count": count} for day, count in forecast]


def review_page(*, user: AbstractBaseUser, now: dt.datetime) -> dict:
    """Today's due questions and the next 30 days' forecast, in the user's time zone."""
    zone = timezone.get_current_timezone()
    due = review_due(user=user, now=now, zone=zone)
    forecast = review_forecast(user=user, now=now, zone=zone)
    return {
        # Overdue cards count for today in the forecast: exactly the set listed.
        "due_count": forecast[0][1],
        "due": list(due[:REVIEW_LIST_LIMIT]),
        "forecast": forecast,
        "forecast_total": sum(count for _, count in forecast),
        "forecast_chart": forecast_chart_data(forecast),
    }


def landing_trial(
    *,
    token: str | None,
    now: dt.datetime,
    slug: str = "",
    form: TrialAnswerForm | None = None,
    starters: list | None = None,
) -> dict:
    """The landing page's try-it box for a visitor: the starter question named by `slug` (the
    first by default) with its answer form and timer; or, once they have answered and ask for
    no other question, their answer with the same feedback, model answer and common mistakes
    a learner's grading step shows. With `form` (a refused submit) the form comes back with
    its errors and the text sent. Empty when no question can be offered."""
    starters = starter_questions() if starters is None else starters
    if not starters:
        return {}
    pending = trial_pending(token, now=now)
    hours = round(TRIAL_LIFETIME.total_seconds() / 3600)
    if form is None and not slug and pending is not None:
        question = pending.question
        key_points = list(KeyPoint.objects.filter(question_id=question.pk).order_by("order"))
        return {
            "trial": pending,
            "trial_question": question,
            "trial_hours": hours,
            "feedback": answer_feedback(pending.answer, key_points, question=question),
            "common_mistakes": list(
                CommonMistake.objects.filter(question_id=question.pk).order_by("order")
            ),
            "trial_next": starter_after(starters, question),
        }
    if form is not None:
        question, shown_at = form.question or starters[0], form.shown_at or now
    else:
        question = next((q for q in starters if q.slug == slug), starters[0])
        shown_at = now
        form = TrialAnswerForm(questions=starters)
    return {
        "trial_form": form,
        "trial_question": question,
        "trial_ticket": ticket_for(question, now=shown_at),
        "trial_shown_at": shown_at,
        "trial_hours": hours,
        "trial_kept": pending,
        "trial_next": starter_after(starters, question),
    }
