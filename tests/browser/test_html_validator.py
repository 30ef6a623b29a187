"""The HTML validator check that runs over every page the browser tests load cannot pass
silently: it finds the errors it is there to find, in the HTML the server sent, and it is
handed every page a browser navigates to and nothing else."""

import gzip
import os

import pytest
from playwright.sync_api import expect

from tests.browser.html_validator import (
    PageCollector,
    capture_documents,
    validate_html,
    validator_missing_reason,
)
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.browser

FORM_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Bookmark</title></head>
<body>
<form method="post" action="/questions/1/bookmark/" {attributes}>
  <button type="submit">Bookmark</button>
</form>
</body>
</html>
"""


@pytest.fixture(autouse=True)
def _validator_present():
    reason = validator_missing_reason()
    if reason is not None:
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(f"E2E_REQUIRED=1 but the HTML validator cannot run: {reason}")
        pytest.skip(reason)


def test_htmx_attributes_without_the_data_prefix_are_errors_with_their_line(tmp_path):
    html = FORM_PAGE.format(attributes='hx-post="/questions/1/bookmark/" hx-swap="outerHTML"')

    errors = validate_html(html, tmp_path, url="http://testserver/questions/1/")

    assert [error.message for error in errors] == [
        "Attribute “hx-post” not allowed on element “form” at this point.",
        "Attribute “hx-swap” not allowed on element “form” at this point.",
    ]
    assert {(error.url, error.line) for error in errors} == {("http://testserver/questions/1/", 5)}
    assert "line 5" in str(errors[0])


def test_htmx_attributes_with_the_data_prefix_are_valid(tmp_path):
    html = FORM_PAGE.format(
        attributes='data-hx-post="/questions/1/bookmark/" data-hx-swap="outerHTML"'
    )

    assert validate_html(html, tmp_path) == []


def _serve(body: bytes, status="200 OK", content_type="text/html; charset=utf-8"):
    def app(environ, start_response):
        start_response(status, [("Content-Type", content_type)])
        return [body]

    return app


def _get(app, path, **headers):
    environ = {
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "testserver",
        **{f"HTTP_{name.upper()}": value for name, value in headers.items()},
    }
    return b"".join(app(environ, lambda status, headers, exc_info=None: None))


def test_a_page_the_browser_navigates_to_is_kept_as_sent_and_its_errors_name_its_url(tmp_path):
    bad = FORM_PAGE.format(attributes='hx-post="/questions/1/bookmark/"').encode()
    collector = PageCollector(tmp_path)
    app = capture_documents(_serve(bad), collector)

    assert _get(app, "/questions/1/", sec_fetch_dest="document") == bad

    assert [path.read_bytes() for path in collector.pages] == [bad]
    assert [(error.url, error.line, error.message) for error in collector.validate()] == [
        (
            "http://testserver/questions/1/",
            5,
            "Attribute “hx-post” not allowed on element “form” at this point.",
        )
    ]


def test_a_compressed_page_is_kept_uncompressed(tmp_path):
    page = FORM_PAGE.format(attributes="").encode()
    collector = PageCollector(tmp_path)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
        return [gzip.compress(page)]

    _get(capture_documents(app, collector), "/", sec_fetch_dest="document")

    assert [path.read_bytes() for path in collector.pages] == [page]


def test_htmx_requests_redirects_downloads_and_admin_pages_are_left_out(tmp_path):
    collector = PageCollector(tmp_path)
    page = FORM_PAGE.format(attributes="").encode()

    _get(capture_documents(_serve(page), collector), "/questions/1/", sec_fetch_dest="empty")
    _get(capture_documents(_serve(page), collector), "/questions/", sec_fetch_dest="script")
    _get(capture_documents(_serve(page), collector), "/admin/", sec_fetch_dest="document")
    _get(
        capture_documents(_serve(b"", status="302 Found"), collector),
        "/accounts/login/",
        sec_fetch_dest="document",
    )
    _get(
        capture_documents(_serve(b"{}", content_type="application/json"), collector),
        "/accounts/export/",
        sec_fetch_dest="document",
    )

    assert collector.pages == {}


@pytest.mark.django_db(transaction=True)
def test_the_live_server_hands_over_each_page_the_browser_loads_byte_for_byte(
    page, live_server, tmp_path
):
    make_user(username="alice")
    mine = PageCollector(tmp_path)
    httpd = live_server.thread.httpd
    served = httpd.get_app()
    httpd.set_app(capture_documents(served, mine))
    try:
        login = page.goto(live_server.url + "/accounts/login/").body()
        page.get_by_label("Username").fill("alice")
        page.get_by_label("Password").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(live_server.url + "/dashboard/")
        page.evaluate("fetch('/healthz').then((response) => response.text())")
    finally:
        httpd.set_app(served)

    assert list(mine.pages.values()) == [
        live_server.url + "/accounts/login/",
        live_server.url + "/dashboard/",
    ]
    assert next(iter(mine.pages)).read_bytes() == login
    assert mine.validate() == []
