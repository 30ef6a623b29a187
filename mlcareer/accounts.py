"""Creating accounts and reaching their profiles."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from mlcareer.models import Profile


class AccountTaken(Exception):
    """Another account has this username or e-mail (`field` says which), whatever the case."""

    def __init__(self, field: str):
        super().__init__(f"An account with this {field} already exists.")
        self.field = field


def account_create(
    *, username: str, email: str, password: str, time_zone: str = ""
) -> AbstractBaseUser:
    """Create a user with a hashed password and their profile, both or neither; the profile
    takes `time_zone` when one is given (a valid IANA name), else the default.

    Raises AccountTaken when the username or the e-mail is in use, including by an account
    created by a concurrent sign-up after the form checked: the database's unique indexes
    decide (the e-mail's ignores case, see migration 0004).
    """
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                username=username, email=email, password=password
            )
            Profile.objects.create(user=user, **({"time_zone": time_zone} if time_zone else {}))
    except IntegrityError:
        field = _taken_field(username=username, email=email)
        if field is None:
            raise
        raise AccountTaken(field) from None
    return user


def _taken_field(*, username: str, email: str) -> str | None:
    """Which of the username and the e-mail another account already has, if either."""
    users = get_user_model().objects
    if users.filter(username__iexact=username).exists():
        return "username"
    if email and users.filter(email__iexact=email).exists():
        return "email"
    return None


def profile_for(user: AbstractBaseUser) -> Profile:
    """The user's profile, created on first use for accounts made outside sign-up.

    Read through the user's cached relation, so a page asking several times pays one query.
    """
    try:
        return user.profile
    except Profile.DoesNotExist:
        profile, _ = Profile.objects.get_or_create(user=user)
        user.profile = profile
        return profile


def profile_lock(user: AbstractBaseUser) -> Profile:
    """Lock the user's profile row until the transaction ends, and return it.

    Writes that must not run side by side for one user (the same form sent twice at once)
    take it first, so the second waits and then sees what the first did. On SQLite the
    transaction already holds the database's write lock; this serialises them on PostgreSQL.
    """
    profile_for(user)
    user.profile = Profile.objects.select_for_update().get(user=user)
    return user.profile
