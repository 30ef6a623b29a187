"""Creating accounts and reaching their profiles."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from mlcareer.models import Profile


@transaction.atomic
def account_create(*, username: str, email: str, password: str) -> AbstractBaseUser:
    """Create a user with a hashed password and their profile, both or neither."""
    user = get_user_model().objects.create_user(username=username, email=email, password=password)
    Profile.objects.create(user=user)
    return user


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
