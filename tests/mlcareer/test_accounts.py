import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mlcareer.accounts import AccountTaken, account_create
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


@pytest.mark.parametrize(
    ("sent", "kept"), [("Asia/Tokyo", "Asia/Tokyo"), ("Mars/Olympus", "UTC"), ("", "UTC")]
)
def test_signup_starts_the_profile_in_the_time_zone_the_browser_reports(client, sent, kept):
    client.post("/accounts/signup/", {**SIGNUP, "time_zone": sent})

    assert Profile.objects.get(user__username="carol").time_zone == kept


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


RACE = """
import json, threading, django
django.setup()
from django.conf import settings
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
from django.core.management import call_command
from django.db import connection
from django.test import Client
if connection.vendor == "sqlite":
    call_command("migrate", verbosity=0)
start = threading.Barrier(20)
results = [None] * 20

def sign_up(n):
    try:
        browser = Client(REMOTE_ADDR=f"198.51.100.{n + 1}")
        email = "Racer@Example.com".upper() if n % 2 else "racer@example.com"
        data = {"username": f"racer{n}", "email": email,
                "password1": SIGNUP_PASSWORD, "password2": SIGNUP_PASSWORD}
        start.wait()
        response = browser.post("/accounts/signup/", data)
        results[n] = [response.status_code, response.content.decode()]
    except Exception as exc:
        results[n] = [500, repr(exc)]
    finally:
        connection.close()

threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(20)]
for thread in threads: thread.start()
for thread in threads: thread.join()
from django.contrib.auth import get_user_model
accounts = get_user_model().objects.filter(email__iexact="racer@example.com").count()
print(json.dumps({"accounts": accounts, "results": results}))
"""


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_signups_with_one_email_make_one_account(tmp_path):
    """Twenty sign-ups with one e-mail, in four cases, sent at once from twenty threads, each
    with its own database connection: in a separate process, so that SQLite runs on a file as
    in production (the test database is in memory); on PostgreSQL, in the test database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="mlcareer.settings",
        DJANGO_DEBUG="1",
        DJANGO_ALLOWED_HOSTS="testserver",
        SQLITE_PATH=str(tmp_path / "race.sqlite3"),
    )
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
    code = RACE.replace("SIGNUP_PASSWORD", repr(SIGNUP["password1"]))

    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    assert run.returncode == 0, run.stderr[-3000:]
    outcome = json.loads(run.stdout.splitlines()[-1])
    assert outcome["accounts"] == 1, [page[:300] for _, page in outcome["results"]]
    statuses = sorted(status for status, _ in outcome["results"])
    assert statuses == [200] * 19 + [302], [page[:300] for _, page in outcome["results"]]
    for status, page in outcome["results"]:
        if status == 200:
            assert "e-mail address" in page and "username was just taken" not in page


def test_account_create_refuses_an_email_taken_in_another_case(alice):
    with pytest.raises(AccountTaken) as taken:
        account_create(username="carol", email="ALICE@example.com", password=DEFAULT_PASSWORD)

    assert taken.value.field == "email"
    assert not get_user_model().objects.filter(username="carol").exists()


def test_account_create_refuses_a_taken_username(alice):
    with pytest.raises(AccountTaken) as taken:
        account_create(username="alice", email="other@example.com", password=DEFAULT_PASSWORD)

    assert taken.value.field == "username"


def test_accounts_without_an_email_do_not_clash(db):
    account_create(username="carol", email="", password=DEFAULT_PASSWORD)
    account_create(username="dave", email="", password=DEFAULT_PASSWORD)

    assert get_user_model().objects.filter(email="").count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_email_migration_names_the_accounts_that_share_an_address():
    """Accounts made before the database refused duplicates stop the migration with a list."""
    call_command("migrate", "mlcareer", "0003", verbosity=0)
    try:
        # Made as the code of that time would: the profile table has only its columns then.
        old_users = (
            MigrationExecutor(connection)
            .loader.project_state(("mlcareer", "0003_user_sessions"))
            .apps.get_model("auth", "User")
        )
        for username, email in [
            ("carol", "Carol@Example.com"),
            ("caroline", "carol@example.COM"),
            ("dave", "dave@example.com"),
            ("nomail1", ""),
            ("nomail2", ""),
        ]:
            old_users.objects.create(username=username, email=email)

        with pytest.raises(Exception, match="These accounts share an e-mail address") as refused:
            call_command("migrate", "mlcareer", verbosity=0)

        message = str(refused.value)
        assert "carol@example.com: carol (id " in message and "caroline (id " in message
        assert "dave" not in message and "nomail" not in message
        assert "change or merge them" in message and "then migrate again" in message
        get_user_model().objects.filter(username="caroline").update(email="caro@example.com")
        call_command("migrate", "mlcareer", verbosity=0)
        with pytest.raises(AccountTaken):
            account_create(username="eve", email="CARO@example.com", password=DEFAULT_PASSWORD)
    finally:
        get_user_model().objects.all().delete()
        call_command("migrate", "mlcareer", verbosity=0)
