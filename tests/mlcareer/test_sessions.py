import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoDatabaseStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mlcareer.models import UserSession
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

user_sessions_migration = importlib.import_module("mlcareer.migrations.0003_user_sessions")


def test_a_log_in_stores_the_session_with_its_user(client, alice):
    client.post("/accounts/login/", {"username": "alice", "password": DEFAULT_PASSWORD})

    stored = UserSession.objects.get(
        session_key=client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    assert stored.user == alice
    assert str(stored.session_key) not in str(stored)


def test_a_visitors_session_has_no_user(client):
    session = client.session
    session["visitor"] = "first answer"
    session.save()

    assert UserSession.objects.get(session_key=session.session_key).user is None


def test_clearsessions_removes_expired_sessions_only(alice):
    live, expired = Client(), Client()
    live.force_login(alice)
    expired.force_login(alice)
    UserSession.objects.filter(session_key=expired.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )

    call_command("clearsessions")

    assert list(UserSession.objects.values_list("session_key", flat=True)) == [
        live.session.session_key
    ]
    assert live.get("/dashboard/").status_code == 200


def _old_session(data, *, expires_in=dt.timedelta(days=1)):
    """A session as Django's own database engine stored it before this release."""
    store = DjangoDatabaseStore()
    return Session.objects.create(
        session_key=store._get_new_session_key(),
        session_data=store.encode(data),
        expire_date=timezone.now() + expires_in,
    )


def test_the_release_keeps_live_sessions_logged_in_and_drops_the_rest(alice):
    logged_in = _old_session(
        {
            SESSION_KEY: str(alice.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: alice.get_session_auth_hash(),
        }
    )
    visitor = _old_session({"visitor": "first answer"})
    _old_session({SESSION_KEY: "987654"})  # a user deleted since
    _old_session({SESSION_KEY: str(alice.pk)}, expires_in=-dt.timedelta(seconds=1))

    user_sessions_migration.sessions_move_in(apps, None)

    moved = dict(UserSession.objects.values_list("session_key", "user_id"))
    assert moved == {logged_in.session_key: alice.pk, visitor.session_key: None}
    assert not Session.objects.exists()
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = logged_in.session_key
    assert browser.get("/dashboard/").status_code == 200


def test_going_back_puts_live_sessions_back(alice):
    browser = Client()
    browser.force_login(alice)

    user_sessions_migration.sessions_move_out(apps, None)

    assert Session.objects.get(session_key=browser.session.session_key).get_decoded()[
        SESSION_KEY
    ] == str(alice.pk)
