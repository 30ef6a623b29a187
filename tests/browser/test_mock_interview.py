"""A mock interview against the clock, and the practice timer that counts visible time only.

The browser's clock is Playwright's fake one, moved on by the test; where the server must see
time pass too, the session's start (or the question's first showing) is moved back instead.
"""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from practice.models import Attempt, PracticeSession, ReviewCard
from practice.sessions import SessionRequest, session_start
from tests.browser.conftest import assert_accessible, assert_fits_width, log_in
from tests.factories import make_question, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HALF_TYPED = "Precision is the share of flagged items that are right, while recall is"


@pytest.fixture
def alice(db):
    return make_user(username="alice")


def _questions(n):
    return [
        make_question(
            title=f"Question {k}",
            key_points=[("Defines precision", "precision"), ("Defines recall", "recall")],
            suggested_minutes=1,
        )
        for k in range(n)
    ]


def _short_mock(user, *, seconds):
    session = session_start(
        user=user,
        request=SessionRequest(mode=PracticeSession.Mode.MOCK, count=2),
        now=timezone.now(),
        questions=_questions(2),
    )
    PracticeSession.objects.filter(pk=session.pk).update(time_limit_seconds=seconds)
    return session


def _move_clock_back(session, seconds):
    """The server's view of the time passing: the interview started that much earlier."""
    session.refresh_from_db()
    PracticeSession.objects.filter(pk=session.pk).update(
        clock_started_at=session.clock_started_at - dt.timedelta(seconds=seconds)
    )


def test_a_mock_interview_warns_at_one_minute_and_records_the_half_typed_answer_as_cut_off(
    page, live_server, alice
):
    session = _short_mock(alice, seconds=70)
    page.clock.install()
    log_in(page, live_server)
    page.goto(f"{live_server.url}/practice/sessions/{session.pk}/")

    expect(page.get_by_role("heading", name="Ready when you are")).to_be_visible()
    expect(
        page.get_by_text("2 questions, 1 minute 10 seconds: about 35 seconds each.")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start the interview").click()

    expect(page.get_by_text("Question 1 of 2 · about 35 seconds each")).to_be_visible()
    expect(page.get_by_role("timer")).to_contain_text("Time left: 1:")
    warnings = page.locator("#time-warning[aria-live=assertive]")
    page.get_by_label("Your answer").fill(HALF_TYPED)

    page.clock.fast_forward(15_000)
    expect(warnings).to_contain_text("Less than 1 minute left")
    expect(warnings.get_by_text("Less than 1 minute left")).to_be_visible()
    assert_accessible(page)

    # The server's deadline passes a few seconds before the page reaches 0:00 and submits.
    _move_clock_back(session, 75)
    page.clock.fast_forward(60_000)

    expect(page.get_by_role("heading", name="Time is up", level=1)).to_be_visible()
    recorded = page.locator("#time-up")
    expect(recorded).to_contain_text("Question 0 — cut off at time-up: recorded as it stood")
    expect(recorded).to_contain_text("Question 1 — not reached: recorded as skipped")
    expect(page.locator("article").first.get_by_text("Cut off at time-up")).to_be_visible()
    assert_accessible(page)
    first = Attempt.objects.get(session=session, position=1)
    assert (first.status, first.answer) == (Attempt.Status.CUT_OFF, HALF_TYPED)

    # A cut-off answer is graded like the others, beside its model answer.
    article = page.locator("article").first
    expect(article.locator(".answer-text")).to_contain_text("Precision is the share of flagged")
    expect(article.locator(".rendered").first).to_be_visible()
    article.get_by_text("1 · Recalls terms only").click()
    article.get_by_role("button", name="Save grade").click()
    expect(page.locator("article").first).to_contain_text("grade 1")
    assert ReviewCard.objects.filter(user=alice).count() == 1


@pytest.mark.parametrize("width", [1280, 360])
def test_the_ready_screen_and_a_running_mock_fit_the_screen(browser, live_server, alice, width):
    session = _short_mock(alice, seconds=280)
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(5_000)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/practice/sessions/{session.pk}/")
    assert_fits_width(page)
    page.get_by_role("button", name="Start the interview").click()

    expect(page.locator("#time-warning")).to_contain_text("Less than 5 minutes left")
    assert_fits_width(page)
    assert_accessible(page)
    context.close()


HIDE = """hidden => {
  Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
  Object.defineProperty(document, "visibilityState", {
    configurable: true, get: () => (hidden ? "hidden" : "visible"),
  });
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def test_the_practice_timer_stops_while_the_page_is_hidden(page, live_server, alice):
    [question] = _questions(1)
    page.clock.install()
    log_in(page, live_server)
    page.goto(live_server.url + "/practice/")
    page.get_by_role("button", name="Start five questions").click()
    expect(page.get_by_role("timer")).to_contain_text("Time: 0:0")

    page.evaluate(HIDE, True)
    page.clock.fast_forward("05:00")
    page.evaluate(HIDE, False)
    page.clock.fast_forward(2_000)

    # The visible clock did not count the five minutes away.
    expect(page.get_by_role("timer")).to_contain_text("Time: 0:0")
    # The server saw them pass (its clock is not the browser's fake one).
    attempt = Attempt.objects.get(question=question)
    Attempt.objects.filter(pk=attempt.pk).update(
        shown_at=attempt.shown_at - dt.timedelta(minutes=5)
    )
    page.get_by_label("Your answer").fill("Precision counts how many flagged items are right.")
    page.get_by_role("button", name="Submit answer").click()

    expect(page.get_by_text("You took 0:0")).to_contain_text("(5:0")
    expect(page.get_by_text("You took 0:0")).to_contain_text("on the page)")
    attempt.refresh_from_db()
    assert attempt.active_seconds < 60 <= 300 <= attempt.wall_seconds
    assert attempt.seconds_taken == attempt.active_seconds
