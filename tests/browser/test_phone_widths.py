"""Every main page at the width of a small phone (360 px): nothing scrolls sideways, and axe
finds nothing to fault. Each page is visited by a learner with weeks of history, and the public
ones by a visitor too."""

import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from assessments.models import Assessment
from mlcareer.content import content_load
from mlcareer.demo import demo_create
from practice.models import PracticeSession, Question
from tests.browser.conftest import assert_accessible, axe_violations, log_in
from tests.factories import (
    make_assessment,
    make_catalogue,
    make_session,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password_reset/",
    "/role/",
]

# The data export (/accounts/export/) is a download, not a page.
SIGNED_IN_PAGES = [
    "/",
    "/accounts/profile/",
    "/accounts/password_change/",
    "/accounts/reset/",
    "/accounts/delete/",
    "/dashboard/",
    "/questions/",
    "/questions/{question}/",
    "/practice/",
    "/practice/sessions/{running}/",
    "/practice/sessions/{finished}/summary/",
    "/practice/review/",
    "/assessments/",
    "/assessments/new/",
    "/assessments/{assessment}/",
    "/assessments/gaps/",
    "/role/",
]


# The elements that stick out past the window's right edge, outside any box that scrolls or
# clips them itself (those do not widen the page).
WIDEST_ELEMENTS = """() => {
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  return [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && !clipped(el))
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
}"""


def _problems_at_phone_width(page, live_server, paths) -> list[str]:
    """Visit each path; say which pages scroll sideways and which axe faults."""
    problems = []
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.ok, f"{path} answered {response.status}"
        page.wait_for_load_state("load")
        widths = page.evaluate(
            "({page: document.documentElement.scrollWidth, window: window.innerWidth})"
        )
        if widths["page"] > widths["window"]:
            wide = page.evaluate(WIDEST_ELEMENTS)
            problems.append(
                f"{path} scrolls sideways: {widths['page']}px wide in a {widths['window']}px "
                f"window (widest: {', '.join(wide)})"
            )
        violations = axe_violations(page)
        if violations:
            problems.append(f"{path} fails axe: {json.dumps(violations)}")
    return problems


@pytest.fixture
def learner(db):
    """The demo learner, with a fortnight of practice, three self-assessments, one session
    still running; and the addresses of their own pages."""
    content_load()
    demo_create(username="demo", password="demo-password-2026", now=timezone.now(), days=14)
    questions = list(Question.objects.published().order_by("pk")[:2])
    user = Assessment.objects.first().user
    running = make_session(user=user, questions=questions)
    finished = PracticeSession.objects.filter(user=user, finished_at__isnull=False).latest(
        "started_at"
    )
    ids = {
        "question": questions[0].pk,
        "running": running.pk,
        "finished": finished.pk,
        "assessment": Assessment.objects.filter(user=user).latest("completed_at").pk,
    }
    return [path.format(**ids) for path in SIGNED_IN_PAGES]


def test_no_public_page_scrolls_sideways_on_a_phone_or_fails_axe(phone_page, live_server):
    content_load()

    problems = _problems_at_phone_width(phone_page, live_server, PUBLIC_PAGES)

    assert not problems, "\n".join(problems)


def test_no_page_of_a_learner_with_history_scrolls_sideways_on_a_phone_or_fails_axe(
    phone_page, live_server, learner
):
    log_in(phone_page, live_server, "demo", "demo-password-2026")

    problems = _problems_at_phone_width(phone_page, live_server, learner)

    assert not problems, "\n".join(problems)


def test_the_gaps_page_without_a_target_role_says_where_to_choose_one(page, live_server):
    skills, _role = make_catalogue(size=2)
    alice = make_user(username="alice")
    make_assessment(user=alice, levels={skills[0]: 1, skills[1]: 2})
    log_in(page, live_server, "alice")

    page.goto(live_server.url + "/assessments/gaps/")

    alert = page.locator(".alert", has_text="Choose a target role")
    expect(alert).to_be_visible()
    expect(alert.get_by_role("link", name="your settings")).to_have_attribute(
        "href", "/accounts/profile/"
    )
    assert_accessible(page)


def test_a_question_tagged_with_the_longest_skill_name_fits_a_phone(phone_page, live_server):
    """Skill badges wrap onto a second line rather than push the page sideways."""
    content_load()
    make_user(username="alice")
    question = max(
        Question.objects.published().prefetch_related("skills"),
        key=lambda q: max(len(skill.name) for skill in q.skills.all()),
    )
    log_in(phone_page, live_server, "alice")

    problems = _problems_at_phone_width(phone_page, live_server, [f"/questions/{question.pk}/"])

    assert not problems, "\n".join(problems)
