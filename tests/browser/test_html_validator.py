"""The HTML validator check that runs over every page the browser tests load cannot pass
silently: it finds the errors it is there to find, in the HTML the server sent."""

import os

import pytest

from tests.browser.html_validator import PageCollector, validate_html, validator_missing_reason

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


def test_the_browser_keeps_the_html_the_server_sent_not_the_page_after_its_scripts(
    browser, html_pages, tmp_path
):
    """A script that removes the faulty attribute does not hide it, and admin pages are
    left out."""
    bad = FORM_PAGE.format(attributes='hx-post="/questions/1/bookmark/"').replace(
        "</body>", "<script>document.forms[0].removeAttribute('hx-post')</script></body>"
    )
    collector = PageCollector(tmp_path)
    context = browser.new_context()
    if html_pages is not None:
        html_pages.unwatch(context)  # This page is wrong on purpose.
    collector.watch(context)
    context.route(
        "http://validator.test/**",
        lambda route: route.fulfill(body=bad, content_type="text/html; charset=utf-8"),
    )
    page = context.new_page()

    page.goto("http://validator.test/questions/1/")
    assert page.locator("form[hx-post]").count() == 0
    page.goto("http://validator.test/admin/practice/question/")
    context.close()

    errors = collector.validate()
    assert [(error.url, error.line, error.message) for error in errors] == [
        (
            "http://validator.test/questions/1/",
            5,
            "Attribute “hx-post” not allowed on element “form” at this point.",
        )
    ]
