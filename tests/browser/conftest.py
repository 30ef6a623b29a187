"""Browser tests drive the machine's own Chromium through Playwright.

Set CHROMIUM_PATH to use another binary. Without Chromium these tests skip, unless
E2E_REQUIRED=1 (as in CI), when they fail instead.

Every page the tests load (admin aside) is checked with the W3C HTML validator once the
session ends (see html_validator.py); without Java or the validator's jar that check is
skipped with its reason, or fails under E2E_REQUIRED=1.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.browser.html_validator import (
    PageCollector,
    capture_documents,
    validator_missing_reason,
)

AXE_SCRIPT = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
AXE_PATH = "/__browser-tests__/axe.min.js"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls in these
# tests are synchronous on purpose.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = _chromium_path()
    if path is None:
        reason = "Chromium not found: install it (apt-get install chromium) or set CHROMIUM_PATH"
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(f"E2E_REQUIRED=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_FLAGS}


def _required() -> bool:
    return os.environ.get("E2E_REQUIRED") == "1"


# What the validator did, for the closing summary of the run.
VALIDATOR_SUMMARY: list[str] = []


@pytest.fixture(scope="session")
def html_pages(tmp_path_factory):
    """Collects the HTML of every page the browser tests load, and validates it all at the
    end of the session, failing with the URL, line and message of each error."""
    reason = validator_missing_reason()
    if reason is not None:
        if _required():
            pytest.fail(f"E2E_REQUIRED=1 but the HTML validator cannot run: {reason}")
        VALIDATOR_SUMMARY.append(f"HTML validator skipped: {reason}")
        yield None
        return
    collector = PageCollector(tmp_path_factory.mktemp("pages"))
    yield collector
    errors = collector.validate()
    VALIDATOR_SUMMARY.append(
        f"HTML validator: {collector.visits} page loads, {len(collector.pages)} distinct "
        f"pages validated, {len(errors)} errors"
    )
    VALIDATOR_SUMMARY.extend(f"HTML validator could not read {p}" for p in collector.unreadable)
    if errors:
        pytest.fail(
            f"The W3C HTML validator found {len(errors)} errors in the pages the browser "
            "tests loaded:\n" + "\n".join(str(error) for error in errors),
            pytrace=False,
        )


def pytest_terminal_summary(terminalreporter):
    for line in VALIDATOR_SUMMARY:
        terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def _validate_the_pages_of_browser_tests(request):
    """The live server hands every page a browser test loads to the validator, named after
    the test that loaded it, so that an error can be traced back."""
    if "browser" not in request.keywords:
        yield
        return
    collector = request.getfixturevalue("html_pages")
    if collector is not None:
        collector.test_name = request.node.nodeid
        if "live_server" in request.fixturenames:
            httpd = request.getfixturevalue("live_server").thread.httpd
            if getattr(httpd.get_app(), "collector", None) is not collector:
                httpd.set_app(capture_documents(httpd.get_app(), collector))
    yield


def _watch_for_errors(page) -> list[str]:
    """Collect script errors and content-security-policy refusals seen while the test runs."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    return problems


@pytest.fixture
def page(page):
    page.set_default_timeout(5_000)
    problems = _watch_for_errors(page)
    yield page
    assert problems == [], "\n".join(problems)


@pytest.fixture
def phone_page(browser):
    """A page the width of a small phone (360 px)."""
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(5_000)
    problems = _watch_for_errors(page)
    yield page
    context.close()
    assert problems == [], "\n".join(problems)


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now: each violation's id, impact, help and targets."""
    page.wait_for_load_state()
    # Served as if from the site itself, so that the page's strict content security policy
    # (scripts from 'self' only) lets it run unchanged.
    origin = "/".join(page.url.split("/")[:3])
    axe_url = f"{origin}{AXE_PATH}"
    page.route(
        axe_url,
        lambda route: route.fulfill(path=str(AXE_SCRIPT), content_type="text/javascript"),
    )
    page.add_script_tag(url=axe_url)
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in result["violations"]
    ]


def assert_accessible(page) -> None:
    """Run axe-core on the page as it is now; fail listing every violation found."""
    violations = axe_violations(page)
    assert not violations, f"axe found violations on {page.url}:\n" + json.dumps(
        violations, indent=2
    )


def assert_fits_width(page) -> None:
    """Nothing on the page forces sideways scrolling."""
    page.wait_for_load_state()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def log_in(page, live_server, username="alice", password=None):
    """Log in through the form as a learner, who lands on the dashboard."""
    from playwright.sync_api import expect

    from tests.factories import DEFAULT_PASSWORD

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password or DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(live_server.url + "/dashboard/")
