"""A user's own data: download all of it, reset practice progress, or delete the account."""

import csv
import io
import json
import zipfile
from dataclasses import dataclass

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import router, transaction
from django.db.models import Exists, F, OuterRef, Q, TextField
from django.db.models.deletion import Collector
from django.db.models.functions import Cast

from assessments.models import Assessment, Rating
from mlcareer.models import Profile
from mlcareer.spreadsheets import spreadsheet_safe
from practice.models import (
    AIReview,
    Attempt,
    Bookmark,
    PracticeSession,
    QuestionFlag,
    QuestionNote,
    ReviewCard,
    Topic,
)

README = """Your MLCareer data

Each table is here twice: as JSON (exact, for programs) and as CSV (for spreadsheets).
In the CSV files, text starting with = + - @ or a tab has an apostrophe in front, so that a
spreadsheet shows it as text instead of running it as a formula.
Times are in UTC (ISO 8601). Questions are named by their title and slug.

profile            your settings (ai_reviews: whether your answers go to the AI judge)
practice_sessions  every practice session and mock interview (clock_started_at: when you
                   pressed Start on a mock interview; timed_out: it ended when its time ran out)
attempts           every question you were given, with your answer, status (cut_off: a mock
                   interview's time ran out while you wrote it), time, grade, the key points
                   you ticked (ticked_key_points, and ticked_share: their share of the
                   question's key points) and the share automatic matching found (coverage).
                   Times in seconds: active_seconds while the page was visible, wall_seconds
                   from the question shown to the answer sent, seconds_taken the time taken
                   as the app shows it (the active time, or the wall time where the browser
                   did not measure it)
ai_reviews         the AI judge's review of each answer sent to it (session_id and position
                   name the attempt): the model asked and where it runs (host), where the
                   review stands (status; error: why it failed), its verdict per key point
                   with quotes and on the statements it found wrong, its suggested grade,
                   when it was asked for and finished, and whether it copied an earlier
                   verdict on the same text (from_cache)
review_cards       the spaced-repetition memory state of each question you practised
bookmarks, notes, flags
assessments        your self-assessment snapshots (status "complete"), and the one in progress
                   (status "draft", completed_at empty), which no statistic reads yet
ratings            your level and evidence per skill in each of them; a quick start rates only
                   a few skills, and a draft may hold evidence before its level (level empty)
logins             your log-ins: when, from which IP address and browser, and when you logged out
"""


def _tables(user: AbstractBaseUser) -> dict[str, list[dict]]:
    return {
        "profile": [
            {"username": user.get_username(), "email": user.email, "date_joined": user.date_joined}
            | (
                Profile.objects.filter(user=user)
                .values(
                    "display_name",
                    "daily_goal",
                    "time_zone",
                    "target_role__name",
                    "interview_date",
                    "ai_reviews",
                )
                .first()
                or {}
            )
        ],
        "practice_sessions": list(
            PracticeSession.objects.filter(user=user)
            .order_by("started_at")
            .values(
                "id",
                "mode",
                "source",
                "filters",
                "time_limit_seconds",
                "started_at",
                "clock_started_at",
                "finished_at",
                "timed_out",
            )
        ),
        "attempts": list(
            Attempt.objects.filter(user=user)
            .order_by("session_id", "position")
            .values(
                "session_id",
                "position",
                "question__slug",
                "question__title",
                "status",
                "answer",
                "draft",
                "shown_at",
                "submitted_at",
                "seconds_taken",
                "active_seconds",
                "wall_seconds",
                "revealed_early",
                "coverage",
                "ticked_key_points",
                "ticked_share",
                "grade",
                "graded_at",
            )  # fmt: skip
        ),
        "ai_reviews": list(
            AIReview.objects.filter(user=user)
            .order_by("attempt__session_id", "attempt__position")
            .annotate(
                # Named as in the attempts table, whose rows they are the reviews of.
                session_id=F("attempt__session_id"),
                position=F("attempt__position"),
                **{
                    "question__slug": F("attempt__question__slug"),
                    "question__title": F("attempt__question__title"),
                },
            )
            .values(
                "session_id",
                "position",
                "question__slug",
                "question__title",
                "status",
                "model",
                "host",
                "verdict",
                "suggested_grade",
                "error",
                "from_cache",
                "requested_at",
                "finished_at",
            )
        ),
        "review_cards": list(
            ReviewCard.objects.filter(user=user)
            .order_by("due")
            .values(
                "question__slug",
                "question__title",
                "state",
                "stability",
                "difficulty",
                "due",
                "last_review",
                "reviews",
            )
        ),
        "bookmarks": list(
            Bookmark.objects.filter(user=user).values(
                "question__slug", "question__title", "created"
            )
        ),
        "notes": list(
            QuestionNote.objects.filter(user=user).values(
                "question__slug", "question__title", "text", "updated"
            )
        ),
        "flags": list(
            QuestionFlag.objects.filter(user=user).values(
                "question__slug", "question__title", "reason", "comment", "created", "resolved_at"
            )
        ),
        "assessments": list(
            Assessment.objects.filter(user=user)
            .order_by("created")
            .values(
                "id",
                "status",
                "role_profile__name",
                "note",
                "created",
                "completed_at",
                "calibration_gap",
            )
        ),
        "ratings": list(
            Rating.objects.filter(assessment__user=user)
            .order_by("assessment_id", "skill__order")
            .values("assessment_id", "skill__slug", "skill__name", "level", "evidence")
        ),
        "logins": list(
            AccessLog.objects.filter(username=user.get_username())
            .order_by("attempt_time")
            .values("attempt_time", "ip_address", "user_agent", "logout_time")
        ),
    }


def _csv_cell(value):
    """A value as a CSV cell: structures as JSON, and text that a spreadsheet would run as a
    formula marked as text (the JSON files keep it exactly as written)."""
    if isinstance(value, dict | list):
        value = json.dumps(value)
    return spreadsheet_safe(value)


def user_export(user: AbstractBaseUser) -> bytes:
    """A ZIP holding every table of the user's own data as JSON and CSV, and a README."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        for name, rows in _tables(user).items():
            archive.writestr(
                f"{name}.json",
                json.dumps(rows, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
            )
            text = io.StringIO()
            columns = list(rows[0]) if rows else []
            writer = csv.DictWriter(text, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({column: _csv_cell(value) for column, value in row.items()})
            archive.writestr(f"{name}.csv", text.getvalue())
    return buffer.getvalue()


@dataclass(frozen=True)
class ResetReport:
    attempts: int
    cards: int
    sessions: int


@transaction.atomic
def progress_reset(*, user: AbstractBaseUser, topic: Topic | None) -> ResetReport:
    """Forget practice on one topic (or all of it): attempts and review cards, and sessions
    left empty. Self-assessments, notes, bookmarks and flags are kept."""
    attempts = Attempt.objects.filter(user=user)
    cards = ReviewCard.objects.filter(user=user)
    if topic is not None:
        attempts = attempts.filter(question__topic=topic)
        cards = cards.filter(question__topic=topic)
    attempt_count, _ = attempts.delete()
    card_count, _ = cards.delete()
    empty = PracticeSession.objects.filter(user=user).exclude(
        Exists(Attempt.objects.filter(session=OuterRef("pk")))
    )
    session_count, _ = empty.delete()
    return ResetReport(attempts=attempt_count, cards=card_count, sessions=session_count)


@transaction.atomic
def account_delete(user: AbstractBaseUser) -> None:
    """Delete the user, everything they own and every row that names them.

    Besides their own rows: their sessions on every device (mlcareer.sessions), their log-in
    history and the failed log-ins under their username or e-mail (django-axes), and the admin
    log's entries about any row deleted here, whose descriptions name the user. Shared content
    they touched stays.
    """
    # The collector is what `user.delete()` uses; running it here tells which rows go.
    collector = Collector(using=router.db_for_write(type(user)), origin=user)
    collector.collect([user])
    _admin_log_forget(collector)
    _login_records_naming(user)
    collector.delete()


ADMIN_LOG_BATCH = 500


def _admin_log_forget(collector: Collector) -> None:
    """Delete the admin log's entries about the rows the collector is about to delete."""
    for model, rows in collector.data.items():
        content_type = ContentType.objects.get_for_model(model)
        keys = [str(row.pk) for row in rows]
        for start in range(0, len(keys), ADMIN_LOG_BATCH):
            LogEntry.objects.filter(
                content_type=content_type, object_id__in=keys[start : start + ADMIN_LOG_BATCH]
            ).delete()
    for rows in collector.fast_deletes:
        # Rows deleted in bulk are not loaded: they are matched in the database, by their key
        # written as text as the log keeps it.
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(rows.model),
            object_id__in=rows.annotate(key=Cast("pk", TextField())).values("key"),
        ).delete()


def _login_records_naming(user: AbstractBaseUser) -> None:
    """Delete django-axes' records of the user's log-ins and of failed log-ins typed with their
    username or e-mail, in any case (each holds an IP address and a browser)."""
    typed = Q(username__iexact=user.get_username())
    if user.email:
        typed |= Q(username__iexact=user.email)
    AccessLog.objects.filter(username=user.get_username()).delete()
    AccessAttempt.objects.filter(typed).delete()
    AccessFailureLog.objects.filter(typed).delete()
