import re

import pytest
from playwright.sync_api import expect

from practice.models import Attempt, PracticeSession, ReviewCard
from tests.browser.conftest import assert_accessible, assert_fits_width, log_in
from tests.factories import make_question, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bank(db):
    make_user(username="alice")
    return [
        make_question(
            title=f"Question {n}",
            prompt=f"Explain the **two** usual measures of a classifier, case {n}.",
            model_answer=(
                "Precision is the share of flagged items that are right. Recall is the share "
                "of the real positives that the model catches."
            ),
            key_points=[("Defines precision", "precision"), ("Defines recall", "recall")],
            suggested_minutes=3,
        )
        for n in range(3)
    ]


def test_a_full_practice_session(page, live_server, bank):
    log_in(page, live_server)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Practice").click()
    assert_accessible(page)

    page.get_by_label("Number of questions").fill("2")
    page.get_by_role("button", name="Start the session").click()
    expect(page.get_by_text("Question 1 of 2")).to_be_visible()
    expect(page.get_by_role("timer")).to_contain_text("of 3:00 suggested")
    assert_accessible(page)

    answer = page.get_by_label("Your answer")
    answer.fill("Precision counts how many flagged items are right.")
    expect(page.get_by_text("Draft saved at")).to_be_visible(timeout=6_000)
    page.reload()
    expect(page.get_by_label("Your answer")).to_have_value(
        "Precision counts how many flagged items are right."
    )
    page.get_by_label("Your answer").press("Control+Enter")

    expect(page.get_by_text("Found 1 of 2 key points mentioned.")).to_be_visible()
    # The sentence that mentions the point is marked in the learner's own answer.
    expect(page.locator("mark.evidence")).to_have_text(
        "Precision counts how many flagged items are right.1"
    )
    # Matching's finding is a labelled suggestion; the learner ticks what they judge made.
    suggested = page.get_by_label("Defines precision (matching found this in your text)")
    expect(suggested).not_to_be_checked()
    expect(page.get_by_label("Defines recall", exact=True)).not_to_be_checked()
    assert_accessible(page)
    suggested.check()
    page.get_by_text("2 · Partly right").click()
    page.get_by_role("button", name="Save grade and continue").click()

    expect(page.get_by_text("Question 2 of 2")).to_be_visible()
    page.get_by_role("button", name="Show the model answer first").click()
    expect(page.get_by_text("you looked at it")).to_be_visible()
    page.get_by_role("button", name="Skip this question").click()

    expect(page.get_by_role("heading", name="Practice summary")).to_be_visible()
    expect(page.get_by_role("heading", name="Review next")).to_be_visible()
    expect(page.locator("article").nth(1)).to_contain_text("Skipped")
    expect(page.locator("article").nth(1)).to_contain_text("looked at the answer")
    assert_accessible(page)
    session = PracticeSession.objects.get()
    statuses = list(session.attempts.order_by("position").values_list("status", "grade"))
    assert statuses == [("answered", 2), ("skipped", None)]
    assert session.attempts.get(position=1).ticked_share == 0.5
    assert ReviewCard.objects.count() == 1


def test_a_mock_interview_grades_at_the_end(page, live_server, bank):
    log_in(page, live_server)
    page.goto(live_server.url + "/practice/")
    page.get_by_label("Mock interview").check()
    page.get_by_label("Number of questions").fill("2")
    page.get_by_role("button", name="Start the session").click()

    # The clock waits for the learner: the plan first, then Start.
    expect(page.get_by_text("2 questions, 6 minutes: about 3 minutes each.")).to_be_visible()
    expect(page.get_by_role("button", name="Start the interview")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Question 1 of 2 · about 3 minutes each")).to_be_visible()
    expect(page.get_by_role("timer")).to_contain_text("Time left: 5:")
    expect(page.get_by_role("button", name="Show the model answer first")).to_have_count(0)
    for text in ("Precision and recall both matter.", "I do not remember."):
        page.get_by_label("Your answer").fill(text)
        page.get_by_role("button", name="Submit answer").click()

    expect(page.get_by_role("heading", name="Mock interview summary")).to_be_visible()
    expect(page.get_by_text("Grade your 2 answers below")).to_be_visible()
    assert_accessible(page)
    first = page.locator("article").first
    # The model answer is open beside the grade, not folded away.
    expect(
        first.get_by_text("Precision is the share of flagged items that are right.")
    ).to_be_visible()
    first.get_by_text("3 · Correct and complete").click()
    first.get_by_role("button", name="Save grade").click()
    expect(page.get_by_text("Grade your 1 answer below")).to_be_visible()
    # No average of half the answers: the count of those graded instead.
    expect(page.get_by_text("1 of 2 graded")).to_be_visible()
    expect(page.get_by_text("3.0 / 4")).to_have_count(0)
    assert Attempt.objects.filter(grade=3).count() == 1


def test_practice_pages_fit_a_phone(phone_page, live_server, bank):
    log_in(phone_page, live_server)
    phone_page.goto(live_server.url + "/practice/")
    assert_fits_width(phone_page)
    phone_page.get_by_role("button", name="Start five questions").click()
    expect(phone_page.get_by_text("Question 1 of 3")).to_be_visible()
    assert_fits_width(phone_page)
    assert_accessible(phone_page)
    phone_page.goto(live_server.url + "/practice/review/")
    assert_fits_width(phone_page)
    assert_accessible(phone_page)


MISTAKES = [
    ("Precision is the share of real positives the model finds.", "That is recall."),
    ("F1 suits every imbalanced problem.", "Weigh the costs of each error instead."),
]


@pytest.mark.parametrize("width", [1280, 360])
def test_grading_step_lists_common_mistakes_to_check(browser, live_server, width):
    make_user(username="alice")
    make_question(title="Precision", key_points=[("Defines it", "precision")], mistakes=MISTAKES)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, live_server)
    page.goto(live_server.url + "/practice/")
    page.get_by_role("button", name="Start five questions").click()
    expect(page.get_by_text(MISTAKES[0][0])).to_have_count(0)

    page.get_by_label("Your answer").fill("Precision is the share of real positives found.")
    page.get_by_role("button", name="Submit answer").click()

    section = page.get_by_role("region", name="Check your answer for these common mistakes")
    expect(section).to_be_visible()
    expect(section.get_by_text(MISTAKES[0][0])).to_be_visible()
    expect(section.get_by_text("That is recall.")).to_be_hidden()
    section.get_by_text(MISTAKES[0][0]).click()
    expect(section.get_by_text("That is recall.")).to_be_visible()
    assert_fits_width(page)
    assert_accessible(page)
    context.close()


def test_the_practice_loop_runs_by_keyboard_alone(page, live_server, bank):
    log_in(page, live_server)
    page.goto(live_server.url + "/practice/")
    page.get_by_label("Number of questions").fill("2")
    page.get_by_role("button", name="Start the session").click()

    expect(page.get_by_label("Your answer")).to_be_focused()
    # The box has focus before the page's script runs; the running clock says it is there.
    expect(page.locator("#timer")).to_have_text(re.compile(r"^Time: \d+:\d\d of"))
    page.keyboard.type("Precision counts how many flagged items are right.")
    page.keyboard.press("Control+Enter")

    expect(page.get_by_role("heading", name="What matching found in your text")).to_be_focused()
    page.keyboard.press("3")
    expect(page.get_by_label("3 · Correct and complete")).to_be_checked()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Question 2 of 2")).to_be_visible()
    expect(page.get_by_label("Your answer")).to_be_focused()
    graded = Attempt.objects.get(position=1, session__user__username="alice")
    assert graded.grade == 3
