"""Journey 0: a visitor answers a real question on the landing page at once, with the timer,
the model answer and the feedback, and signing up keeps that answer."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from mlcareer.content import content_load
from practice.models import Attempt
from practice.trials import starter_questions
from tests.browser.conftest import assert_accessible, assert_fits_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWER = (
    "Supervised learning trains on labelled examples, so every input has a known target: "
    "regression predicts a number, such as a house price, and classification predicts a class, "
    "such as spam or not spam. Unsupervised learning has no labels and finds structure on its "
    "own, for example k-means clustering to segment customers or PCA to reduce dimensions."
)
# The first answer must take fewer steps than this: open, type, submit is the whole of it.
FIRST_ANSWER_MAX_ACTIONS = 10


class Counted:
    """The page, with every action the visitor takes counted (navigations, fills, clicks)."""

    def __init__(self, page):
        self.page = page
        self.actions = 0

    def goto(self, url):
        self.actions += 1
        self.page.goto(url)

    def fill(self, locator, text):
        self.actions += 1
        locator.fill(text)

    def click(self, locator):
        self.actions += 1
        locator.click()


def test_a_visitor_answers_a_real_question_then_signs_up_and_finds_it_as_their_first(
    page, live_server
):
    content_load()
    question = starter_questions()[0]
    visitor = Counted(page)

    visitor.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="Try a real interview question now")).to_be_visible()
    expect(page.get_by_role("heading", name=question.title)).to_be_visible()
    expect(page.get_by_role("timer")).to_contain_text("suggested")
    # The page is read from its headline: nothing has taken the focus.
    assert page.evaluate("document.activeElement === document.body")
    assert_accessible(page)
    visitor.fill(page.get_by_label("Your answer"), ANSWER)
    visitor.click(page.get_by_role("button", name="Submit answer"))

    expect(page.get_by_role("heading", name=f"Your answer to “{question.title}”")).to_be_focused()
    feedback = page.get_by_role("region", name="What matching found in your text")
    expect(feedback).to_contain_text("key points mentioned")
    expect(feedback.get_by_text("found", exact=True).first).to_be_visible()
    expect(page.get_by_role("heading", name="Model answer")).to_be_visible()
    assert visitor.actions < FIRST_ANSWER_MAX_ACTIONS, f"{visitor.actions} actions"
    assert_accessible(page)

    visitor.click(page.get_by_role("link", name="Create a free account to keep this answer"))
    kept_note = page.get_by_text(f"Your answer to “{question.title}” becomes your first")
    expect(kept_note).to_be_visible()
    visitor.fill(page.get_by_label("Username"), "nia")
    visitor.fill(page.get_by_label("Email"), "nia@example.com")
    visitor.fill(page.get_by_label("Password*", exact=True), "a-long-and-unusual-passphrase")
    visitor.fill(page.get_by_label("Password confirmation"), "a-long-and-unusual-passphrase")
    visitor.click(page.get_by_role("button", name="Sign up"))

    expect(page.get_by_text("Your account is ready")).to_be_visible()
    expect(page.get_by_text("is kept as your first")).to_be_visible()
    expect(page.get_by_role("region", name="Your answer", exact=True)).to_contain_text(
        "k-means clustering"
    )
    assert_accessible(page)
    visitor.click(page.get_by_label("2 · Partly right"))
    visitor.click(page.get_by_role("button", name="Save grade and continue"))
    expect(page.get_by_role("heading", name="Practice summary")).to_be_visible()

    visitor.goto(live_server.url + f"/questions/{question.pk}/")
    expect(page.get_by_text("k-means clustering").first).to_be_visible()
    user = get_user_model().objects.get(username="nia")
    first = Attempt.objects.get(user=user)
    assert (first.answer, first.status, first.grade) == (ANSWER, "answered", 2)
    assert first.seconds_taken is not None


def test_on_a_phone_the_question_and_its_feedback_fit_the_screen(phone_page, live_server):
    content_load()
    phone_page.goto(live_server.url + "/")
    assert_fits_width(phone_page)
    assert_accessible(phone_page)

    phone_page.get_by_label("Your answer").fill(ANSWER)
    phone_page.get_by_role("button", name="Submit answer").click()

    expect(
        phone_page.get_by_role("link", name="Create a free account to keep this answer")
    ).to_be_visible()
    expect(phone_page.get_by_text("key points mentioned")).to_be_visible()
    assert_fits_width(phone_page)
    assert_accessible(phone_page)


def test_without_javascript_the_answer_is_posted_and_a_refused_one_keeps_its_text(
    browser, live_server
):
    content_load()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(5_000)
    page.goto(live_server.url + "/")

    page.get_by_label("Your answer").fill("   ")
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_text("Write your answer first")).to_be_visible()

    page.get_by_label("Your answer").fill(ANSWER)
    page.get_by_role("button", name="Submit answer").click()
    expect(page.get_by_text("key points mentioned")).to_be_visible()
    context.close()


def test_a_different_question_can_be_tried_instead(page, live_server):
    content_load()
    first, second = starter_questions()[:2]
    page.goto(live_server.url + "/")

    page.get_by_role("link", name="Try a different question").click()

    expect(page.get_by_role("heading", name=second.title)).to_be_visible()
    expect(page.get_by_role("heading", name=first.title)).to_have_count(0)
