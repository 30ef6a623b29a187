import pytest
from playwright.sync_api import expect

from assessments.models import Assessment
from practice.models import PracticeSession
from tests.browser.conftest import assert_accessible, assert_fits_width
from tests.factories import DEFAULT_PASSWORD, make_catalogue, make_question, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_first_assessment_then_gaps_then_practice_the_top_gap(page, live_server):
    skills, role = make_catalogue(size=3, target=3)
    question = make_question(title="A question on the weakest skill", skills=[skills[1]])
    make_user(username="alice")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Skills").click()
    page.get_by_role("link", name="Take my first self-assessment").click()
    expect(page.get_by_role("heading", name="Rate yourself on each skill")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Target role").select_option(label=role.name)
    for skill, level in zip(skills, (3, 0, 2), strict=True):
        page.get_by_role("group", name=skill.name).get_by_text(f"{level} · Level {level}").click()
    page.get_by_role("button", name="Finish and see my gaps").click()

    expect(page).to_have_url(live_server.url + "/assessments/gaps/")
    expect(page.get_by_text("Self-assessment saved")).to_be_visible()
    first_gap = page.locator("article").first
    expect(first_gap).to_contain_text(f"1. {skills[1].name}")
    expect(first_gap).to_contain_text("gap 3")
    assert_accessible(page)

    first_gap.get_by_role("button", name=f"Practise {skills[1].name} now").click()
    expect(page.get_by_role("heading", name=question.title)).to_be_visible()
    assert [a.question for a in PracticeSession.objects.get().attempts.all()] == [question]
    assert Assessment.objects.get().status == "complete"


def test_assessment_form_fits_a_phone(phone_page, live_server):
    make_catalogue(size=2)
    make_user(username="alice")
    phone_page.goto(live_server.url + "/accounts/login/")
    phone_page.get_by_label("Username").fill("alice")
    phone_page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    phone_page.get_by_role("button", name="Log in").click()
    phone_page.goto(live_server.url + "/assessments/new/")

    assert_fits_width(phone_page)
    assert_accessible(phone_page)
