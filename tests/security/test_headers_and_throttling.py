import pytest
from django.test import Client

from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _fail(client, username, password="wrong-password", url="/accounts/login/", **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_security_headers(client):
    response = client.get("/")

    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_fifth_failure_locks_that_username_from_that_address(db):
    make_user(username="alice")
    client = Client(REMOTE_ADDR="203.0.113.7")

    for _ in range(4):
        assert _fail(client, "alice").status_code == 200
    locked = _fail(client, "alice")

    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()
    # Even the right password is refused until the cool-off ends.
    assert _fail(client, "alice", DEFAULT_PASSWORD).status_code == 429


def test_lockout_is_per_username_and_address(db):
    make_user(username="alice")
    make_user(username="bob")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        _fail(attacker, "alice")

    bob_there = _fail(attacker, "bob", DEFAULT_PASSWORD)
    alice_elsewhere = _fail(Client(REMOTE_ADDR="198.51.100.2"), "alice", DEFAULT_PASSWORD)

    assert bob_there.status_code == 302
    assert alice_elsewhere.status_code == 302


def test_a_success_before_the_limit_resets_the_count(db):
    make_user(username="alice")
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(4):
        _fail(client, "alice")
    assert _fail(client, "alice", DEFAULT_PASSWORD).status_code == 302
    client.post("/accounts/logout/")

    for _ in range(4):
        assert _fail(client, "alice").status_code == 200


def test_admin_login_is_throttled_too(db):
    make_user(username="editor", is_staff=True)
    client = Client(REMOTE_ADDR="203.0.113.9")

    for _ in range(5):
        response = _fail(client, "editor", url="/admin/login/")

    assert response.status_code == 429


def test_behind_a_proxy_the_forwarded_address_is_the_client(settings, db):
    settings.BEHIND_PROXY = True
    make_user(username="alice")
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(5):
        _fail(proxy, "alice", HTTP_X_FORWARDED_FOR="198.51.100.20")

    other_client = _fail(proxy, "alice", DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.21")

    assert other_client.status_code == 302


def test_an_absurd_username_is_throttled_not_an_error(db):
    client = Client(REMOTE_ADDR="203.0.113.11")

    for _ in range(5):
        response = _fail(client, "x" * 5000)

    assert response.status_code == 429
