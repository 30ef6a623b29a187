import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from mlcareer.models import Profile
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.django_db

SIGNUP = {
    "username": "carol",
    "email": "carol@example.com",
    "password1": "a-long-and-unusual-passphrase",
    "password2": "a-long-and-unusual-passphrase",
}


def test_signup_creates_account_with_profile_and_logs_in(client):
    response = client.post("/accounts/signup/", SIGNUP, follow=True)

    assert response.redirect_chain == [("/dashboard/", 302)]
    user = get_user_model().objects.get(username="carol")
    assert user.email == "carol@example.com"
    assert user.check_password(SIGNUP["password1"])
    assert Profile.objects.filter(user=user, daily_goal=5, time_zone="UTC").exists()
    assert response.context["user"] == user
    assert "Your account is ready" in response.content.decode()


def test_signup_rejects_weak_password_and_keeps_input(client):
    data = {**SIGNUP, "password1": "12345678", "password2": "12345678"}

    response = client.post("/accounts/signup/", data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "This password is too common" in page
    assert 'value="carol@example.com"' in page
    assert 'value="carol"' in page
    assert not get_user_model().objects.filter(username="carol").exists()


def test_signup_rejects_an_email_already_in_use_whatever_its_case(client):
    make_user(username="dave", email="Carol@Example.com")

    response = client.post("/accounts/signup/", SIGNUP)

    assert "An account with this e-mail address already exists" in response.content.decode()
    assert not get_user_model().objects.filter(username="carol").exists()


def test_signup_rejects_a_taken_username_whatever_its_case(client):
    make_user(username="Carol")

    response = client.post("/accounts/signup/", SIGNUP)

    assert "A user with that username already exists" in response.content.decode()
    assert get_user_model().objects.count() == 1


def test_signup_requires_csrf_token(alice):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accounts/signup/", SIGNUP)

    assert response.status_code == 403


def test_signed_in_user_is_sent_from_signup_to_dashboard(alice_client):
    assert alice_client.get("/accounts/signup/").url == "/dashboard/"


def test_login_with_wrong_password_shows_a_clear_error(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_goes_to_the_dashboard(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": DEFAULT_PASSWORD})

    assert response.url == "/dashboard/"
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_logout_refuses_get(alice_client):
    response = alice_client.get("/accounts/logout/")

    assert response.status_code == 405
    assert "_auth_user_id" in alice_client.session


def test_logout_by_post_ends_the_session(alice_client):
    response = alice_client.post("/accounts/logout/")

    assert response.url == "/"
    assert "_auth_user_id" not in alice_client.session


def test_password_change_keeps_user_logged_in(alice_client, alice):
    response = alice_client.post(
        "/accounts/password_change/",
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "another-long-passphrase-42",
            "new_password2": "another-long-passphrase-42",
        },
        follow=True,
    )

    assert "Password changed" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password("another-long-passphrase-42")
    assert alice_client.get("/dashboard/").status_code == 200


def test_password_reset_mails_a_working_link(client, alice):
    response = client.post("/accounts/password_reset/", {"email": "alice@example.com"})

    assert response.url == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Reset your MLCareer password"
    assert message.to == ["alice@example.com"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "fresh-passphrase-for-alice",
            "new_password2": "fresh-passphrase-for-alice",
        },
    )
    assert done.url == "/accounts/reset/done/"
    alice.refresh_from_db()
    assert alice.check_password("fresh-passphrase-for-alice")


def test_password_reset_for_unknown_address_sends_nothing_and_reveals_nothing(client, alice):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})

    assert response.url == "/accounts/password_reset/done/"
    assert mail.outbox == []


def test_used_reset_link_says_it_no_longer_works(client, alice):
    response = client.get("/accounts/reset/MQ/invalid-token/")

    assert "This link no longer works" in response.content.decode()
