import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from practice.models import Attempt, ReviewCard
from tests.browser.conftest import assert_accessible, assert_fits_width, log_in
from tests.factories import make_history, make_question, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_due(db):
    """Alice, with two questions she answered three days ago now due for review."""
    alice = make_user(username="alice")
    questions = [
        make_question(
            title=title,
            prompt=f"{title}: explain it as you would to an interviewer.",
            model_answer="Precision is the share of flagged items that are right; recall is "
            "the share of real positives caught.",
            key_points=[("Defines precision", "precision"), ("Defines recall", "recall")],
        )
        for title in ("Precision versus recall", "Choosing a threshold")
    ]
    earlier = timezone.now() - dt.timedelta(days=3)
    make_history(user=alice, questions=questions, start=earlier)
    for question in questions:
        ReviewCard.objects.create(
            user=alice, question=question, state=2, stability=2.0, difficulty=5.0,
            due=timezone.now() - dt.timedelta(hours=1), last_review=earlier, reviews=1,
        )  # fmt: skip
    return questions


def _start_review(page, live_server):
    page.goto(live_server.url + "/practice/review/")
    page.get_by_role("button", name="Review them now").click()
    expect(page.get_by_text("Question 1 of 2")).to_be_visible()


def test_the_review_goes_card_to_card_without_reloading_the_page(page, live_server, two_due):
    log_in(page, live_server)
    _start_review(page, live_server)
    session_url = page.url
    due = page.locator("#due-count")
    expect(due).to_have_text("2 reviews due today")
    expect(page.get_by_label("Your answer")).to_be_focused()
    assert_accessible(page)
    # A page load would forget this.
    page.evaluate("window.reviewMarker = 'still the same page'")

    page.keyboard.type("Precision is the share of flagged items that are right.")
    page.keyboard.press("Control+Enter")

    expect(page.get_by_role("heading", name="What matching found in your text")).to_be_focused()
    assert page.evaluate("window.reviewMarker") == "still the same page"
    expect(due).to_have_text("2 reviews due today")  # answered, not graded yet
    assert_accessible(page)
    page.keyboard.press("3")
    expect(page.get_by_label("3 · Correct and complete")).to_be_checked()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Question 2 of 2")).to_be_visible()
    expect(page.get_by_role("heading", name="Choosing a threshold")).to_be_visible()
    expect(due).to_have_text("1 review due today")
    expect(page.get_by_label("Your answer")).to_be_focused()
    expect(page).to_have_title("Review · question 2 of 2 · MLCareer")
    assert page.evaluate("window.reviewMarker") == "still the same page"
    assert page.url == session_url
    assert Attempt.objects.get(position=1, session__source="due").grade == 3
    assert_accessible(page)

    # The timer of the swapped-in card runs, and the second card is graded by keyboard too.
    expect(page.get_by_role("timer")).to_contain_text("suggested")
    page.keyboard.type("A threshold trades precision against recall.")
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_role("heading", name="What matching found in your text")).to_be_focused()
    assert page.evaluate("window.reviewMarker") == "still the same page"
    page.keyboard.press("4")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Review summary")).to_be_visible()
    assert Attempt.objects.get(position=2, session__source="due").grade == 4


def test_skipping_a_card_swaps_in_the_next_one(page, live_server, two_due):
    log_in(page, live_server)
    _start_review(page, live_server)
    page.evaluate("window.reviewMarker = 'still the same page'")

    page.get_by_role("button", name="Skip this question").click()

    expect(page.get_by_text("Question 2 of 2")).to_be_visible()
    expect(page.locator("#due-count")).to_have_text("2 reviews due today")
    assert page.evaluate("window.reviewMarker") == "still the same page"


def test_without_javascript_the_review_works_by_plain_posts(browser, live_server, two_due):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(5_000)
    log_in(page, live_server)
    _start_review(page, live_server)

    page.get_by_label("Your answer").fill("Precision is the share of flagged items that are right")
    page.get_by_role("button", name="Submit answer").click()
    page.get_by_text("3 · Correct and complete").click()
    page.get_by_role("button", name="Save grade and continue").click()

    expect(page.get_by_text("Question 2 of 2")).to_be_visible()
    expect(page.locator("#due-count")).to_have_text("1 review due today")
    context.close()


def test_the_review_fits_a_phone(phone_page, live_server, two_due):
    log_in(phone_page, live_server)
    _start_review(phone_page, live_server)
    phone_page.get_by_label("Your answer").fill("Precision counts flagged items that are right")
    phone_page.get_by_role("button", name="Submit answer").click()

    expect(phone_page.get_by_text("How good was your answer?")).to_be_visible()
    assert_fits_width(phone_page)
    phone_page.get_by_text("2 · Partly right").click()
    phone_page.get_by_role("button", name="Save grade and continue").click()
    expect(phone_page.get_by_text("Question 2 of 2")).to_be_visible()
    assert_fits_width(phone_page)
