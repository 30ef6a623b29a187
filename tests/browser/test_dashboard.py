import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mlcareer.content import content_load
from mlcareer.demo import demo_create
from tests.browser.conftest import assert_accessible, assert_fits_width, log_in
from tests.factories import DEFAULT_PASSWORD, make_question, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "demo-password-2026"
CLOSED_SECTIONS = ("Reviews ahead and retention", "Topic mastery", "Do your ratings match")


def _demo(live_server, page, days=60):
    content_load()
    demo_create(username="demo", password=DEMO_PASSWORD, now=timezone.now(), days=days)
    log_in(page, live_server, "demo", DEMO_PASSWORD)


def _section(page, heading):
    return page.locator("details.dash-section").filter(
        has=page.get_by_role("heading", name=heading)
    )


def _open(page, heading):
    page.locator("details.dash-section > summary").filter(has_text=heading).click()
    expect(_section(page, heading)).to_have_attribute("open", "")


def _wait_for_chart(page, chart_id):
    page.wait_for_function(
        f"typeof Chart !== 'undefined' && Chart.getChart('{chart_id}') !== undefined"
    )


def _fits_viewport(page, selector):
    """The element's box lies within the window's width."""
    box = page.locator(selector).bounding_box()
    width = page.evaluate("innerWidth")
    assert box is not None and box["width"] > 0, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box, width)


def test_demo_learner_dashboard_draws_every_chart(page, live_server):
    _demo(live_server, page)

    expect(page.get_by_role("heading", name="Hello, Demo learner")).to_be_visible()
    expect(page.get_by_text("Interview in 21 days")).to_be_visible()
    glance = page.locator(".glance")
    for label in ("Due today", "Streak", "Readiness"):
        expect(glance.get_by_text(label, exact=True)).to_be_visible()
    expect(glance).to_contain_text("% of target")
    expect(page.get_by_role("img", name="questions practised on")).to_be_visible()
    # The sections that open by default draw their charts at once, the others when opened.
    _wait_for_chart(page, "trend-chart")
    _wait_for_chart(page, "radar-chart")
    assert page.evaluate("Chart.getChart('forecast-chart')") is None
    for heading in CLOSED_SECTIONS:
        _open(page, heading)
    _wait_for_chart(page, "forecast-chart")
    _wait_for_chart(page, "retention-chart")
    # At full width the radar names its skills, a long name broken over lines.
    labels = page.evaluate("Chart.getChart('radar-chart').data.labels")
    assert all(isinstance(label, list) for label in labels)
    assert any(len(label) > 1 for label in labels)
    expect(page.get_by_role("heading", name="Topic mastery")).to_be_visible()
    assert_accessible(page)


def test_dashboard_fits_a_phone_charts_included(phone_page, live_server):
    page = phone_page
    _demo(live_server, page, days=120)

    _wait_for_chart(page, "trend-chart")
    _wait_for_chart(page, "radar-chart")
    assert_fits_width(page)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    _fits_viewport(page, "#radar-chart")
    _fits_viewport(page, "#trend-chart")
    # The radar numbers its skills on a phone; the table under it names them.
    labels = page.evaluate("Chart.getChart('radar-chart').data.labels")
    assert labels[:3] == ["1", "2", "3"]
    expect(page.get_by_text("On a narrow screen the skills are numbered")).to_be_visible()
    # The trend draws five topics, with no legend taking the plot's height.
    trend = "Chart.getChart('trend-chart')"
    assert page.evaluate(f"{trend}.options.plugins.legend.display") is False
    assert page.evaluate(f"{trend}.chartArea.height") >= 150
    shown = f"{trend}.data.datasets.filter((d, i) => {trend}.isDatasetVisible(i)).length"
    assert page.evaluate(shown) == 5
    topics = _section(page, "Grade trend by topic")
    topics.get_by_text("Show another topic").click()
    another = topics.locator(".trend-topics details input[type=checkbox]").first
    another.check()
    assert page.evaluate(shown) == 6
    # The calendar is wider than the phone and opens on its latest week.
    calendar = page.locator(".heatmap-scroll")
    assert calendar.evaluate("el => el.scrollWidth > el.clientWidth")
    last_week = calendar.evaluate(
        """el => {
            const box = el.getBoundingClientRect();
            const week = el.querySelector('.heatmap-week:last-child').getBoundingClientRect();
            return week.left >= box.left - 1 && week.right <= box.right + 1;
        }"""
    )
    assert last_week, "the latest week of the calendar is scrolled out of view"
    assert_accessible(page)


def test_sections_open_and_close_by_keyboard_and_stay_so_after_reload(page, live_server):
    _demo(live_server, page, days=20)

    calendar = _section(page, "Streak and practice calendar")
    mastery = _section(page, "Topic mastery")
    expect(calendar).to_have_attribute("open", "")
    expect(mastery).not_to_have_attribute("open", "")
    calendar.locator("summary").first.focus()
    page.keyboard.press("Enter")
    mastery.locator("summary").first.focus()
    page.keyboard.press("Space")
    expect(calendar).not_to_have_attribute("open", "")
    expect(mastery).to_have_attribute("open", "")
    expect(mastery.get_by_role("table")).to_be_visible()

    page.reload()

    expect(_section(page, "Topic mastery")).to_have_attribute("open", "")
    expect(_section(page, "Streak and practice calendar")).not_to_have_attribute("open", "")
    expect(page.get_by_role("img", name="questions practised on")).to_be_hidden()
    assert_accessible(page)


def _empty_states_are_plain_blocks(page):
    """Each empty state is one block of text: no part of the sentence is laid out apart."""
    layouts = page.evaluate(
        """() => [...document.querySelectorAll('.empty-state')].map(el => [
            getComputedStyle(el).display,
            [...el.children].filter(c => getComputedStyle(c).display !== 'inline').length,
        ])"""
    )
    assert layouts and all(layout == ["block", 0] for layout in layouts), layouts


def test_new_user_dashboard_says_what_to_do(page, live_server):
    make_user(username="alice")

    log_in(page, live_server, "alice", DEFAULT_PASSWORD)

    expect(page.get_by_role("heading", name="Answer your first questions")).to_be_visible()
    welcome = page.get_by_role("heading", name="Welcome! Getting started: 0 of 4 done")
    expect(welcome).to_be_visible()
    steps = page.locator(".checklist-steps > li")
    expect(steps).to_have_count(4)
    expect(steps.first).to_contain_text("Answer your first questions")
    assert page.locator("canvas").count() == 0
    _empty_states_are_plain_blocks(page)
    assert_accessible(page)
    page.get_by_role("link", name="Go: rate the five skills your role needs most").click()
    expect(page).to_have_url(live_server.url + "/assessments/new/")


def test_new_user_dashboard_fits_a_phone(phone_page, live_server):
    make_user(username="alice")
    for _ in range(5):
        make_question()

    log_in(phone_page, live_server, "alice", DEFAULT_PASSWORD)

    assert_fits_width(phone_page)
    _empty_states_are_plain_blocks(phone_page)
    # The sentence with a link keeps its words around the link on the same lines.
    empty = phone_page.locator(".empty-state").filter(has_text="to compare your level")
    link_top, text_top = empty.evaluate(
        """el => [el.querySelector('a').getBoundingClientRect().top,
                  el.getBoundingClientRect().top]"""
    )
    assert link_top - text_top < 30, "the link starts a line of its own"
    assert_accessible(phone_page)
    phone_page.get_by_role("button", name="Start: answer your first questions").click()
    # The first step starts a session at once.
    expect(phone_page).to_have_url(re.compile(r".*/practice/sessions/\d+/$"))
