import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/role/",
        "/healthz",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password_reset/",
    ],
)
def test_public_pages_open_without_login(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url", ["/dashboard/", "/accounts/profile/", "/accounts/password_change/"]
)
def test_private_pages_send_anonymous_visitors_to_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={url}"


def test_home_offers_signup_to_visitors_and_dashboard_to_members(client, alice):
    assert "Create a free account" in client.get("/").content.decode()
    client.force_login(alice)
    assert "Go to your dashboard" in client.get("/").content.decode()


def test_dashboard_greets_user_and_says_what_to_do_first(alice_client):
    page = alice_client.get("/dashboard/").content.decode()

    assert "Hello, alice" in page
    assert "Answer your first questions" in page
    assert "Read the role guide" in page


def test_navbar_shows_user_menu_with_post_logout(alice_client):
    page = alice_client.get("/dashboard/").content.decode()

    assert 'action="/accounts/logout/"' in page
    assert "Content admin" not in page


def test_staff_see_the_admin_link(client, editor):
    client.force_login(editor)
    assert "Content admin" in client.get("/dashboard/").content.decode()


def test_healthz_answers_ok_when_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_database_fails(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)

    response = client.get("/healthz")

    assert response.status_code == 503


def test_unknown_page_gets_friendly_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()


def test_server_error_page_is_friendly():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_static_assets_come_from_this_site_only(client):
    page = client.get("/role/").content.decode()

    assert "/static/vendor/bootstrap-5.3.9/css/bootstrap.min.css" in page
    assert "cdn" not in page.lower()
    assert "https://" not in page


@pytest.mark.parametrize("url", ["/", "/role/", "/healthz"])
def test_head_requests_are_answered(client, url):
    assert client.head(url).status_code == 200


@pytest.mark.django_db
def test_pages_are_sent_compressed_to_browsers_that_accept_it(client):
    import gzip

    from mlcareer.content import content_load

    content_load()
    plain = client.get("/role/")
    compressed = client.get("/role/", headers={"accept-encoding": "gzip, br"})

    assert "Content-Encoding" not in plain.headers
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 3
