import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from mlcareer.content import content_load
from tests.browser.conftest import assert_accessible, assert_fits_width
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_up(page, username):
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password*", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Password confirmation").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Sign up").click()


def test_newcomer_signs_up_and_saves_their_profile(page, live_server):
    page.goto(live_server.url + "/")
    assert_accessible(page)
    page.get_by_role("link", name="Create a free account").click()

    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    assert_accessible(page)
    _sign_up(page, "newcomer")

    expect(page).to_have_url(live_server.url + "/dashboard/")
    expect(page.get_by_text("Your account is ready")).to_be_visible()
    expect(page.get_by_role("heading", name="Hello, newcomer")).to_be_visible()
    assert_accessible(page)

    expect(page.get_by_text("Welcome! Getting started: 0 of 4 done")).to_be_visible()
    page.get_by_role("listitem").filter(has_text="Check your daily goal").get_by_role(
        "link", name="Go"
    ).click()
    assert_accessible(page)
    page.get_by_label("Display name").fill("Nia")
    page.get_by_label("Daily practice goal").fill("8")
    page.get_by_label("Time zone").select_option("Europe/Paris")
    page.get_by_role("button", name="Save settings").click()

    expect(page.get_by_text("Your settings are saved.")).to_be_visible()
    expect(page.get_by_label("Daily practice goal")).to_have_value("8")
    profile = get_user_model().objects.get(username="newcomer").profile
    assert (profile.display_name, profile.daily_goal, profile.time_zone) == (
        "Nia",
        8,
        "Europe/Paris",
    )


def test_a_new_account_starts_in_the_browsers_time_zone(browser, live_server):
    context = browser.new_context(timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/signup/")
    _sign_up(page, "tokyo")

    expect(page).to_have_url(live_server.url + "/dashboard/")
    assert get_user_model().objects.get(username="tokyo").profile.time_zone == "Asia/Tokyo"
    context.close()


def test_wrong_password_gets_a_clear_error_then_login_works(page, live_server):
    make_user(username="alice")
    page.goto(live_server.url + "/accounts/login/")

    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not-her-password")
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_text("Please enter a correct username and password")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value("alice")
    assert_accessible(page)

    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + "/dashboard/")

    page.get_by_role("button", name="alice").click()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    ).to_be_visible()


def test_role_guide_renders_the_salary_table_in_local_currencies(page, live_server):
    content_load()
    page.goto(live_server.url + "/role/")

    table = page.locator("#salary-table")
    expect(table.locator("tbody tr")).to_have_count(10)
    expect(table.get_by_role("row", name="Germany")).to_contain_text("75,000")
    expect(
        page.get_by_role("heading", name="Common challenges and how to overcome them")
    ).to_be_visible()
    expect(table.get_by_role("row", name="Nigeria")).to_contain_text("6,000,000")
    expect(page.get_by_text("The source states no exchange rates")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("path", ["/", "/role/", "/accounts/signup/", "/accounts/login/"])
def test_public_pages_fit_a_phone_screen(phone_page, live_server, path):
    if path == "/role/":
        content_load()
    phone_page.goto(live_server.url + path)

    assert_fits_width(phone_page)
    assert_accessible(phone_page)


def test_signed_in_pages_fit_a_phone_and_menu_opens(phone_page, live_server):
    make_user(username="alice")
    phone_page.goto(live_server.url + "/accounts/login/")
    phone_page.get_by_label("Username").fill("alice")
    phone_page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    phone_page.get_by_role("button", name="Log in").click()
    expect(phone_page).to_have_url(live_server.url + "/dashboard/")
    assert_fits_width(phone_page)

    phone_page.get_by_role("button", name="Show the menu").click()
    expect(phone_page.get_by_role("link", name="Role guide").first).to_be_visible()
    assert_accessible(phone_page)

    phone_page.goto(live_server.url + "/accounts/profile/")
    assert_fits_width(phone_page)
    assert_accessible(phone_page)
