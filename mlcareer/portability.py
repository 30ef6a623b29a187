"""A user's own data: download all of it, reset practice progress, or delete the account."""

import csv
import io
import json
import zipfile
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, OuterRef

from assessments.models import Assessment, Rating
from mlcareer.models import Profile
from mlcareer.spreadsheets import spreadsheet_safe
from practice.models import (
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

profile            your settings
practice_sessions  every practice session and mock interview
attempts           every question you were given, with your answer, time, grade and coverage
review_cards       the spaced-repetition memory state of each question you practised
bookmarks, notes, flags
assessments        your self-assessment snapshots
ratings            your level and evidence per skill in each snapshot
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
                "finished_at",
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
                "revealed_early",
                "coverage",
                "ticked_key_points",
                "grade",
                "graded_at",
            )  # fmt: skip
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
    """Delete the user and everything they own; shared content they touched stays."""
    user.delete()
