import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mlcareer.content import content_load
from mlcareer.demo import demo_create
from tests.browser.conftest import assert_accessible, assert_fits_width
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, username, password):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + "/dashboard/")


def test_demo_learner_dashboard_draws_every_chart(page, live_server):
    content_load()
    demo_create(username="demo", password="demo-password-2026", now=timezone.now(), days=60)

    _log_in(page, live_server, "demo", "demo-password-2026")

    expect(page.get_by_role("heading", name="Hello, Demo learner")).to_be_visible()
    expect(page.get_by_text("Interview in 21 days")).to_be_visible()
    expect(page.get_by_role("img", name="questions practised on")).to_be_visible()
    for chart in ("forecast-chart", "retention-chart", "trend-chart", "radar-chart"):
        page.wait_for_function(f"Chart.getChart('{chart}') !== undefined")
    expect(page.get_by_role("heading", name="Topic mastery")).to_be_visible()
    assert_accessible(page)


def test_new_user_dashboard_says_what_to_do(page, live_server):
    make_user(username="alice")

    _log_in(page, live_server, "alice", DEFAULT_PASSWORD)

    expect(page.get_by_text("Welcome! Three steps get you going")).to_be_visible()
    assert page.locator("canvas").count() == 0
    assert_accessible(page)
    page.get_by_role("link", name="Go").nth(1).click()
    expect(page.get_by_role("heading", name="Rate yourself on each skill")).to_be_visible()


def test_dashboard_fits_a_phone(phone_page, live_server):
    content_load()
    demo_create(username="demo", password="demo-password-2026", now=timezone.now(), days=30)

    _log_in(phone_page, live_server, "demo", "demo-password-2026")

    assert_fits_width(phone_page)
    assert_accessible(phone_page)
