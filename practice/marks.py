"""What a user attaches to a question: bookmarks, private notes and flags for editors."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from practice.models import Bookmark, Question, QuestionFlag, QuestionNote


def bookmark_set(*, user: AbstractBaseUser, question: Question, on: bool) -> bool:
    """Bookmark or un-bookmark; repeating the same request changes nothing. Returns the state."""
    if on:
        Bookmark.objects.get_or_create(user=user, question=question)
    else:
        Bookmark.objects.filter(user=user, question=question).delete()
    return on


def note_save(*, user: AbstractBaseUser, question: Question, text: str) -> QuestionNote | None:
    """Keep the user's note on a question; blank text deletes it. Returns the note or None."""
    text = text.strip()
    if not text:
        QuestionNote.objects.filter(user=user, question=question).delete()
        return None
    note, _ = QuestionNote.objects.update_or_create(
        user=user, question=question, defaults={"text": text}
    )
    return note


def flag_create(
    *, user: AbstractBaseUser, question: Question, reason: str, comment: str
) -> tuple[QuestionFlag, bool]:
    """File a flag for editors. An open flag with the same reason is reused, not duplicated.

    Returns the flag and whether it is new; a repeated flag gets the newer comment if given.
    """
    comment = comment.strip()
    existing = QuestionFlag.objects.filter(
        user=user, question=question, reason=reason, resolved_at__isnull=True
    ).first()
    if existing is None:
        try:
            with transaction.atomic():
                flag = QuestionFlag.objects.create(
                    user=user, question=question, reason=reason, comment=comment
                )
            return flag, True
        except IntegrityError:
            # A concurrent double submit created it first.
            existing = QuestionFlag.objects.get(
                user=user, question=question, reason=reason, resolved_at__isnull=True
            )
    if comment and comment != existing.comment:
        existing.comment = comment
        existing.save(update_fields=["comment"])
    return existing, False
