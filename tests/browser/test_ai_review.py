"""The AI judge's verdict arriving in the learner's browser (`make test-ai`: a local model)."""

import pytest
from playwright.sync_api import expect

from practice.models import AIReview, Attempt
from tests.ai import material
from tests.ai.workers import run_worker
from tests.browser.conftest import assert_accessible
from tests.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.ai, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_learner_grades_while_the_ai_review_runs_and_sees_the_verdict_arrive(
    page, live_server, learner, precision_question, ai_settings
):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(learner.username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/questions/{precision_question.pk}/")
    page.get_by_role("button", name="Practise this question now").click()
    page.get_by_label("Your answer").fill(material.STRONG_ANSWER)
    page.get_by_label("Your answer").press("Control+Enter")

    review_panel = page.locator(".ai-review")
    expect(review_panel).to_contain_text("AI review in progress")
    expect(review_panel).to_contain_text(f"at {AIReview.objects.get().host}")
    # The learner goes on grading while the judge works.
    first_point = material.KEY_POINTS[0][0]
    page.get_by_label(first_point, exact=False).first.check()
    page.get_by_text("3 · Correct and complete").click()

    run_worker()

    review = AIReview.objects.get()
    assert review.status == AIReview.Status.DONE, review.error
    # htmx polls every 2 s and swaps the verdict in, without a reload.
    expect(review_panel).to_contain_text(
        f"Suggested grade {review.suggested_grade} of 4", timeout=15_000
    )
    expect(page.get_by_label(first_point, exact=False).first).to_be_checked()
    assert_accessible(page)

    page.get_by_role("button", name="Save grade and continue").click()
    expect(page.get_by_role("heading", name="Practice summary")).to_be_visible()
    expect(page.locator("article").first).to_contain_text(
        f"AI judge suggested {review.suggested_grade}"
    )
    assert Attempt.objects.get().grade == 3  # the learner's grade stays the record
