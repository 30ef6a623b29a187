"""Sign-ups and password resets are limited per client address and per e-mail address."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from mlcareer import ratelimits
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSPHRASE = "a-long-and-unusual-passphrase"
SIGNUPS_REFUSED = "Too many sign-ups from your network. Try again in about an hour."
RESETS_FOR_ADDRESS_REFUSED = (
    "Too many password-reset requests for this address. Try again in about an hour."
)
RESETS_FROM_NETWORK_REFUSED = (
    "Too many password-reset requests from your network. Try again in about an hour."
)


def _sign_up(n, *, ip, email=None, password=PASSPHRASE):
    # A new browser each time: a signed-up browser is logged in and sent to its dashboard.
    return Client(REMOTE_ADDR=ip).post(
        "/accounts/signup/",
        {
            "username": f"newcomer{n}",
            "email": email or f"newcomer{n}@example.com",
            "password1": password,
            "password2": password,
        },
    )


def _reset(email, *, ip="203.0.113.30"):
    return Client(REMOTE_ADDR=ip).post("/accounts/password_reset/", {"email": email})


def test_sign_ups_from_one_address_stop_after_the_limit_and_keep_the_input():
    for n in range(ratelimits.SIGNUP.per_ip):
        assert _sign_up(n, ip="203.0.113.20").status_code == 302

    refused = _sign_up(99, ip="203.0.113.20")

    page = refused.content.decode()
    assert refused.status_code == 200
    assert SIGNUPS_REFUSED in page
    assert 'value="newcomer99@example.com"' in page
    assert not get_user_model().objects.filter(username="newcomer99").exists()
    assert get_user_model().objects.count() == ratelimits.SIGNUP.per_ip
    assert _sign_up(100, ip="198.51.100.20").status_code == 302


def test_sign_ups_for_one_email_stop_after_the_limit_whatever_the_case():
    for n in range(ratelimits.SIGNUP.per_email):
        weak = _sign_up(n, ip=f"198.51.100.{n + 1}", email="Target@example.com", password="1234")
        assert "This password is too short" in weak.content.decode()

    refused = _sign_up(99, ip="198.51.100.99", email="target@EXAMPLE.com")

    assert (
        "Too many sign-ups for this e-mail address. Try again in about an hour."
        in refused.content.decode()
    )
    assert not get_user_model().objects.filter(email__iexact="target@example.com").exists()


def test_sign_ups_from_one_ipv6_network_share_a_count():
    """A /64 is what one IPv6 customer gets: its addresses are one client."""
    for n in range(ratelimits.SIGNUP.per_ip):
        assert _sign_up(n, ip=f"2001:db8:1:1::{n + 1:x}").status_code == 302

    assert SIGNUPS_REFUSED in _sign_up(99, ip="2001:db8:1:1:ffff::1").content.decode()
    assert _sign_up(100, ip="2001:db8:1:2::1").status_code == 302


def test_password_resets_for_one_address_stop_after_the_limit(alice):
    for _ in range(ratelimits.PASSWORD_RESET.per_email):
        assert _reset("alice@example.com").url == "/accounts/password_reset/done/"

    refused = _reset("ALICE@example.com", ip="198.51.100.30")

    assert refused.status_code == 200
    assert RESETS_FOR_ADDRESS_REFUSED in refused.content.decode()
    assert len(mail.outbox) == ratelimits.PASSWORD_RESET.per_email
    make_user(username="bob")
    assert _reset("bob@example.com").url == "/accounts/password_reset/done/"
    assert len(mail.outbox) == ratelimits.PASSWORD_RESET.per_email + 1


def test_the_password_reset_limit_does_not_tell_whether_an_address_has_an_account(alice):
    pages = {}
    for email in ("alice@example.com", "nobody@example.com"):
        responses = [_reset(email) for _ in range(ratelimits.PASSWORD_RESET.per_email + 1)]
        assert [r.status_code for r in responses] == [302] * (len(responses) - 1) + [200]
        page = responses[-1].content.decode().replace(email, "ADDRESS")
        pages[email] = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", page)

    assert RESETS_FOR_ADDRESS_REFUSED in pages["nobody@example.com"]
    assert pages["alice@example.com"] == pages["nobody@example.com"]


def test_password_resets_from_one_network_stop_after_the_limit(alice):
    for n in range(ratelimits.PASSWORD_RESET.per_ip):
        assert _reset(f"someone{n}@example.com", ip="203.0.113.31").status_code == 302

    refused = _reset("alice@example.com", ip="203.0.113.31")

    assert RESETS_FROM_NETWORK_REFUSED in refused.content.decode()
    assert mail.outbox == []
    assert _reset("alice@example.com", ip="203.0.113.32").status_code == 302
    assert len(mail.outbox) == 1


def test_the_reset_page_keeps_its_address_and_name(client):
    assert reverse("password_reset") == "/accounts/password_reset/"
    assert "Reset your password" in client.get("/accounts/password_reset/").content.decode()
