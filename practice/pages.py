"""What the practice pages show, assembled from the domain functions in a few queries."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch
from django.utils import timezone

from practice.ai_reviews import ai_available, review_for_page
from practice.feedback import Feedback, answer_feedback
from practice.forms import AnswerForm, GradeForm
from practice.grade_notes import grade_note
from practice.models import GRADE_DESCRIPTORS, Attempt, CommonMistake, KeyPoint, PracticeSession
from practice.scheduling import review_due, review_forecast
from practice.sessions import MISSED_GRADE_MAX, attempt_show, session_deadline

RECENT_SESSIONS = 5
REVIEW_LIST_LIMIT = 30


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
            (a for a in attempts if a.status == Attempt.Status.ANSWERED and a.grade is None), None
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
    }
    if step == "answer":
        attempt_show(current, now=now)
        context["answer_form"] = answer_form or AnswerForm(initial={"answer": current.draft})
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


def session_summary(session: PracticeSession, *, grade_data: dict | None = None) -> dict:
    """Per question: time, grade, key points ticked, feedback, the grade note and common
    mistakes; totals (the mean share of key points ticked, and matching's mean finding beside it
    as a suggestion); what to review next."""
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
    rows = []
    for attempt in attempts:
        key_points = list(attempt.question.key_points.all())
        feedback = (
            answer_feedback(attempt.answer, key_points, question=attempt.question)
            if attempt.status == Attempt.Status.ANSWERED
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
            }
        )
    answered = [a for a in attempts if a.status == Attempt.Status.ANSWERED]
    graded = [a.grade for a in answered if a.grade is not None]
    return {
        "session": session,
        "rows": rows,
        "answered": len(answered),
        "skipped": sum(a.status == Attempt.Status.SKIPPED for a in attempts),
        "total_seconds": sum(a.seconds_taken or 0 for a in attempts),
        "mean_grade": sum(graded) / len(graded) if graded else None,
        # The learner's ticks are the figure; matching's finding is shown as its suggestion.
        "mean_ticked": _mean_percent([a.ticked_share for a in answered]),
        "mean_found": _mean_percent([a.coverage for a in answered]),
        "has_ai_reviews": any(hasattr(a, "ai_review") for a in answered),
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
