"""Sessions in the database, each marked with the user it is logged in as.

Set as SESSION_ENGINE. The class keeps Django's name, SessionStore, because the signature of
the stored data is salted with it: sessions written by Django's database engine stay readable.
"""

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import ValidationError

from mlcareer.models import UserSession


class SessionStore(DatabaseSessionStore):
    @classmethod
    def get_model_class(cls):
        return UserSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = session_user_id(data)
        return session


def session_user_id(data: dict):
    """The primary key of the user a session's data is logged in as, or None."""
    value = data.get(SESSION_KEY)
    if value is None:
        return None
    try:
        return get_user_model()._meta.pk.to_python(value)
    except ValidationError:
        return None
