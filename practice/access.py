"""Fetching what a user owns: anything else is a 404, never someone else's data."""

from django.contrib.auth.models import AbstractBaseUser
from django.shortcuts import get_object_or_404

from practice.models import Attempt, PracticeSession


def session_for_user(*, user: AbstractBaseUser, pk: int) -> PracticeSession:
    return get_object_or_404(PracticeSession, pk=pk, user=user)


def attempt_for_user(*, user: AbstractBaseUser, session_pk: int, pk: int) -> Attempt:
    return get_object_or_404(
        Attempt.objects.select_related("session", "question", "user"),
        pk=pk,
        session_id=session_pk,
        user=user,
    )
