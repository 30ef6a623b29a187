"""Every admin page works under the site's content security policy.

The models come from the admin site's registry, so a newly registered admin is visited without
editing this file; it only needs a row in the `content` fixture (in `learner_rows` for what
learners' practice leaves).
"""

import csv
import io
from html.parser import HTMLParser
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from playwright.sync_api import expect

from practice.images import image_store
from practice.models import Attempt, Question, QuestionFlag, Term
from practice.resources import QuestionResource
from practice.tasks import review_answer
from tests.ai.workers import run_worker
from tests.browser.conftest import assert_fits_width
from tests.factories import (
    DEFAULT_PASSWORD,
    editors_group,
    make_ai_review,
    make_catalogue,
    make_guide_item,
    make_history,
    make_png,
    make_question,
    make_salary,
    make_topic,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class _InlineCode(HTMLParser):
    """Finds what a strict policy refuses in markup: handlers, style attributes, inline code."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._open_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f'<{tag} {name}="{value}">')
        attributes = dict(attrs)
        if tag == "style":
            self.found.append("<style> element")
        # Data islands (json_script) are not run, so the policy lets them be.
        self._open_script = (
            tag == "script"
            and "src" not in attributes
            and attributes.get("type") != "application/json"
        )

    def handle_data(self, data):
        if self._open_script and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:60]}")

    def handle_endtag(self, tag):
        self._open_script = False


def inline_code(html: str) -> list[str]:
    parser = _InlineCode()
    parser.feed(html)
    return parser.found


def _watch_console(page, problems: list[str], *, refusals_too: bool) -> None:
    """Record console errors; the shared `page` fixture already takes the policy's refusals."""
    page.on(
        "console",
        lambda message: (
            problems.append(f"console on {page.url}: {message.text} {message.location['url']}")
            if message.type == "error"
            and (refusals_too or "Content Security Policy" not in message.text)
            else None
        ),
    )


def _read_each_html_page(context, problems: list[str]) -> None:
    """Read every HTML page the server sends, as sent, before the browser runs any of it."""

    def check(route):
        if route.request.resource_type != "document":
            route.fallback()
            return
        response = route.fetch(max_redirects=0)
        if response.status >= 400:
            problems.append(f"{response.status} for {route.request.url}")
        if "text/html" in response.headers.get("content-type", ""):
            problems.extend(
                f"{route.request.url}: {found}" for found in inline_code(response.text())
            )
        route.fulfill(response=response)

    context.route("**/*", check)


@pytest.fixture
def console_problems(page):
    """Console errors on the page and its popups; the test fails if there were any."""
    found: list[str] = []
    _watch_console(page, found, refusals_too=False)
    page.context.on("page", lambda popup: _watch_console(popup, found, refusals_too=True))
    yield found
    assert found == [], "\n".join(found)


@pytest.fixture
def problems(page, console_problems):
    """Console errors, and inline code or an error status in any HTML page served."""
    _read_each_html_page(page.context, console_problems)
    return console_problems


@pytest.fixture
def content(db):
    """A row of every model that has an admin, and the two kinds of staff who use it."""
    editors = editors_group()
    make_user(username="root", is_staff=True, is_superuser=True)
    curator = make_user(username="curator", is_staff=True)
    curator.groups.add(editors)
    alice = make_user(username="alice")
    skills, _ = make_catalogue(size=2)
    question = make_question(
        title="When does recall matter more than precision?",
        slug="recall-over-precision",
        topic=make_topic(name="Evaluation", slug="evaluation"),
        skills=skills[:1],
        key_points=[("Defines recall", "recall, sensitivity"), ("Gives an example", "cancer")],
        mistakes=[("Recall is the share of flagged items that are right.", "That is precision.")],
    )
    Term.objects.create(
        slug="recall", phrase="recall", equivalents="sensitivity, true positive rate"
    )
    QuestionFlag.objects.create(
        user=alice, question=question, reason=QuestionFlag.Reason.UNCLEAR, comment="Which one?"
    )
    image = image_store(make_png(), name="dots.png")
    image.question = question
    image.save()
    make_guide_item()
    make_salary()
    visit = {
        "user_agent": "Chromium",
        "ip_address": "127.0.0.1",
        "username": "alice",
        "http_accept": "text/html",
        "path_info": "/accounts/login/",
    }
    AccessAttempt.objects.create(**visit, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**visit)
    AccessLog.objects.create(**visit)
    return question


@pytest.fixture
def learner_rows(content):
    """What a learner's practice leaves for the admin's eyes: an AI review and its task.

    Kept out of `content`: an answer protects its question, which other tests delete.
    """
    make_history(user=get_user_model().objects.get(username="alice"), questions=[content])
    review = make_ai_review(Attempt.objects.get(question=content), grade=3)
    review_answer.enqueue(review.pk)


def _log_in(page, live_server, username):
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def _staff_request(username):
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(username=username)
    return request


def _open(page, url):
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"


def _visit_model_pages(page, live_server, model, model_admin, request):
    """The changelist (filtered, then searched), add, change, history and delete pages."""
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    _open(page, live_server.url + reverse(f"{name}_changelist"))
    filter_choices = page.locator("#changelist-filter li:not(.selected) a")
    if filter_choices.count():
        filter_choices.first.click()
        expect(page.locator("#changelist-filter li.selected").first).to_be_visible()
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"add a {opts.label} row to the content fixture"
    if page.locator("#searchbar").count():
        page.locator("#searchbar").fill(str(obj)[:4])
        page.locator("#searchbar").press("Enter")
        expect(page.locator("#changelist-search")).to_be_visible()
    if model_admin.has_add_permission(request):
        _open(page, live_server.url + reverse(f"{name}_add"))
    _open(page, live_server.url + reverse(f"{name}_change", args=[obj.pk]))
    _open(page, live_server.url + reverse(f"{name}_history", args=[obj.pk]))
    if model_admin.has_delete_permission(request, obj):
        _open(page, live_server.url + reverse(f"{name}_delete", args=[obj.pk]))
        expect(page.get_by_role("navigation", name="Breadcrumbs")).to_contain_text("Delete")


@pytest.mark.parametrize("username", ["root", "curator"])
def test_every_admin_page_runs_under_the_policy(
    page, live_server, content, learner_rows, problems, username
):
    """Superuser and editor alike: each page they may open, with no refusal or script error."""
    _log_in(page, live_server, username)
    request = _staff_request(username)
    visited = []
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        _visit_model_pages(page, live_server, model, model_admin, request)
        visited.append(model._meta.label)
    assert "practice.Question" in visited
    if username == "root":
        assert "auth.User" in visited
        _open(
            page,
            live_server.url + reverse("admin:auth_user_password_change", args=[request.user.pk]),
        )
    for app_label in {label.split(".")[0] for label in visited}:
        _open(page, live_server.url + reverse("admin:app_list", args=[app_label]))
    _open(page, live_server.url + reverse("admin:practice_question_statistics"))
    expect(page.get_by_role("heading", name="Most flagged")).to_be_visible()
    _open(page, live_server.url + reverse("admin:practice_question_import"))
    _open(page, live_server.url + reverse("admin:password_change"))
    expect(page.get_by_label("Old password")).to_be_visible()
    _open(page, live_server.url + "/admin/")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()


def test_admin_pages_ask_for_no_missing_file(page, live_server, content, console_problems):
    """Apart from the HTML check: its interception keeps Chromium from asking for the icon."""
    _log_in(page, live_server, "curator")
    _open(page, live_server.url + reverse("admin:practice_question_change", args=[content.pk]))
    expect(page.locator(".field-skills .select2-selection")).to_be_visible()


def test_delete_selected_asks_before_deleting(page, live_server, content, problems):
    _log_in(page, live_server, "curator")
    _open(page, live_server.url + reverse("admin:practice_question_changelist"))
    page.get_by_role("checkbox", name="Select this object for an action").first.check()
    page.get_by_role("combobox", name="Action").select_option(label="Delete selected questions")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("button", name="Yes, delete 1 question")).to_be_visible()
    assert Question.objects.count() == 1


def test_deleting_all_of_thousands_of_selected_questions_shows_a_summary(
    page, live_server, content, problems
):
    """Past a thousand rows Django's own confirmation posted back more fields than a request
    may hold: "Bad Request (400)"."""
    Question.objects.bulk_create(
        Question(
            title=f"Bulk question {n:04}", slug=f"bulk-{n}", prompt="p", model_answer="a",
            topic=content.topic, difficulty="easy", kind="conceptual",
        )
        for n in range(1_200)
    )  # fmt: skip
    _log_in(page, live_server, "curator")
    _open(page, live_server.url + reverse("admin:practice_question_changelist"))
    page.locator("#action-toggle").check()
    page.get_by_role("button", name="Select all 1201 questions").click()
    page.get_by_role("combobox", name="Action").select_option(label="Delete selected questions")
    page.get_by_role("button", name="Go").click()

    expect(page.get_by_role("heading", name="Delete 1,201 questions?")).to_be_visible()
    expect(page.get_by_text("2 key points")).to_be_visible()
    expect(page.get_by_text("… and 1,191 more.")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path="/tmp/shots-anki/admin-delete-1280.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path="/tmp/shots-anki/admin-delete-360.png", full_page=True)
    assert_fits_width(page)
    page.get_by_role("button", name="Yes, delete 1,201 questions").click()

    expect(page.get_by_text("Deleted 1,201 questions, with")).to_be_visible()
    assert not Question.objects.exists()


def _field_boxes(page):
    return page.locator('.selectable-field-export-row input[type="checkbox"]:not(.select-toggle)')


def test_export_select_all_toggles_every_field(page, live_server, content, problems):
    _log_in(page, live_server, "curator")
    _open(page, live_server.url + reverse("admin:practice_question_export"))
    boxes = _field_boxes(page)
    expect(boxes.first).to_be_visible()
    assert boxes.count() == len(QuestionResource().get_export_headers())
    page.screenshot(path="/tmp/admin_export.png", full_page=True)

    page.get_by_label("Select all").uncheck()
    for n in range(boxes.count()):
        expect(boxes.nth(n)).not_to_be_checked()
    page.get_by_label("Select all").check()
    for n in range(boxes.count()):
        expect(boxes.nth(n)).to_be_checked()


SHOTS = Path("/tmp/shots-imports")


def _shoot(page, name: str) -> None:
    """The page at a desktop's width and a phone's, for a look at both."""
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        if width == 360:
            assert_fits_width(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def _exported_csv(page, live_server) -> list[dict]:
    _open(page, live_server.url + reverse("admin:practice_question_export"))
    page.get_by_label("Format").select_option(label="csv")
    with page.expect_download() as download:
        page.get_by_role("button", name="Submit").click()
    return list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))


def _csv_bytes(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _upload_and_wait(page, live_server, content: bytes, *, shoot: str = "") -> None:
    """Upload through the import page, let the worker check the file, see the preview."""
    _open(page, live_server.url + reverse("admin:practice_question_import"))
    page.get_by_label("File to import").set_input_files(
        files=[{"name": "questions.csv", "mimeType": "text/csv", "buffer": content}]
    )
    if shoot:
        _shoot(page, shoot)
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("progress")).to_be_visible()
    run_worker()
    # htmx polls the progress every second and reloads the page once the check is done.
    expect(page.get_by_role("heading", name="Rows")).to_be_visible(timeout=10_000)


def test_an_editor_imports_a_changed_export_and_reimporting_it_changes_nothing(
    page, live_server, content, problems
):
    _log_in(page, live_server, "curator")
    rows = _exported_csv(page, live_server)
    assert [row["slug"] for row in rows] == ["recall-over-precision"]
    rows[0]["title"] = "When does recall matter more than accuracy?"
    broken = {**rows[0], "slug": "broken-row", "topic": "nlp-basics"}

    _upload_and_wait(page, live_server, _csv_bytes([*rows, broken]), shoot="upload")
    preview = page.locator("table.import-preview")
    expect(preview).to_contain_text("there is no topic “nlp-basics”; the topics are: evaluation.")
    expect(preview.locator("tr").nth(1)).to_contain_text("row 3 (line 4 in a text editor)")
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)
    _shoot(page, "preview-with-error")

    _upload_and_wait(page, live_server, _csv_bytes(rows))
    expect(preview.locator("ins")).to_contain_text(["accuracy"])
    expect(preview.locator("del")).to_contain_text(["precision"])
    page.get_by_role("button", name="Confirm import").click()
    expect(page.locator("progress")).to_be_visible()
    run_worker()
    expect(page.get_by_text("Imported: 0 new, 1 changed, 0 unchanged.")).to_be_visible(
        timeout=10_000
    )
    _shoot(page, "result")
    assert Question.objects.get().title == "When does recall matter more than accuracy?"
    page.get_by_role("link", name="See the new and changed questions").click()
    expect(page.locator("#result_list")).to_contain_text("more than accuracy")

    _upload_and_wait(page, live_server, _csv_bytes(_exported_csv(page, live_server)))
    expect(page.get_by_text("No changes: the 1 question is as the file says.")).to_be_visible()
    _shoot(page, "no-changes")


def test_question_page_widgets_work(page, live_server, content, problems):
    """The skills autocomplete and the add-a-topic popup, both driven by admin scripts."""
    skill_names = list(content.skills.values_list("name", flat=True))
    _log_in(page, live_server, "curator")
    _open(page, live_server.url + reverse("admin:practice_question_change", args=[content.pk]))

    page.locator(".field-skills .select2-selection").click()
    page.locator(".select2-search__field").fill("Skill")
    options = page.locator(".select2-results__option")
    expect(options).to_have_count(2)
    options.filter(has_not_text=skill_names[0]).click()
    expect(page.locator(".field-skills .select2-selection__choice")).to_have_count(2)

    with page.expect_popup() as popup_info:
        page.locator("#add_id_topic").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    popup.get_by_label("Name").fill("Deployment")
    # The admin's script fills the slug in from the name when the field changes (on leaving
    # it); a save without a slug would keep the popup open with an error.
    popup.get_by_label("Name").press("Tab")
    expect(popup.get_by_label("Slug")).to_have_value("deployment")
    popup.get_by_role("button", name="Save", exact=True).click()
    popup.wait_for_event("close")
    expect(page.locator("#id_topic option:checked")).to_have_text("Deployment")


def test_the_statistics_page_fits_a_phone(phone_page, live_server, content):
    learner = get_user_model().objects.get(username="alice")
    make_history(user=learner, questions=[content], attempts_per_question=3)
    _log_in(phone_page, live_server, "curator")

    _open(phone_page, live_server.url + reverse("admin:practice_question_statistics"))

    expect(phone_page.get_by_role("link", name=content.title).first).to_be_visible()
    assert_fits_width(phone_page)
