"""An editor imports real files of each format through the admin, in Chromium: the upload with
the file chooser, the defaults, the progress, the preview, the confirmation and the result;
then a learner opens an imported question, and the admin's CSV export of the bank imports back
as "No changes".

The files are those of tests/practice/import_files (make_files.py writes them with each
format's own program). The worker runs in this process (`run_worker`) when a job waits.
"""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from practice.images import image_store
from practice.models import Question, Topic
from tests.ai.workers import run_worker
from tests.factories import editors_group, make_skill, make_skill_area, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILES = Path(__file__).parent.parent / "practice" / "import_files"
# The skills the files name, and the one chosen as the default for rows that name none.
SKILLS = [
    "ml-algorithms",
    "model-selection",
    "feature-engineering",
    "python",
    "model-evaluation",
    "mathematics",
    "statistics-probability",
]
DEFAULT_SKILL = "model-evaluation"
TEMPLATE_ENDINGS = {
    "CSV": ".csv",
    "Excel (XLSX)": ".xlsx",
    "JSON": ".json",
    "Markdown": ".md",
    "Anki text export": ".txt",
    "Anki package": ".apkg",
    "ZIP of Markdown files with their images": ".zip",
}


def _session_cookie(page, live_server, user) -> None:
    """Log the page in as `user` (the login form has its own tests)."""
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def bank(db):
    """An editor, a learner, and the skills the files name; no topic (the files make them)."""
    editors = editors_group()
    editor = make_user(username="curator", is_staff=True)
    editor.groups.add(editors)
    area = make_skill_area()
    for slug in SKILLS:
        make_skill(area=area, slug=slug, name=slug.replace("-", " ").capitalize())
    return {"editor": editor, "learner": make_user(username="alice")}


@pytest.fixture
def editor_page(page, live_server, bank):
    _session_cookie(page, live_server, bank["editor"])
    return page


def _open(page, url):
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"


def _wait_for_the_worker(page) -> None:
    """The job page shows its progress; the worker runs; the page reloads by itself."""
    expect(page.locator("progress")).to_be_visible()
    run_worker()
    expect(page.locator("progress")).to_have_count(0, timeout=10_000)


def _upload(page, live_server, file: Path | dict, *, defaults: bool = True) -> None:
    """Choose the file and the defaults on the import page, upload, and wait for the check."""
    _open(page, live_server.url + reverse("admin:practice_question_import"))
    page.get_by_label("File to import").set_input_files(file)
    if defaults:
        page.get_by_label("Skills").select_option([DEFAULT_SKILL])
        page.get_by_label("Difficulty").select_option("medium")
        page.get_by_label("Kind").select_option("conceptual")
        page.get_by_label("Status").select_option("published")
        page.get_by_label("Create missing topics").check()
    page.get_by_role("button", name="Upload and check").click()
    _wait_for_the_worker(page)
    expect(page.get_by_role("heading", name="Rows")).to_be_visible()


def _totals(page) -> dict[str, int]:
    totals = page.locator(".import-totals > div")
    return {
        totals.nth(n).locator("dt").inner_text(): int(totals.nth(n).locator("dd").inner_text())
        for n in range(totals.count())
    }


def _import(page, live_server, file: Path, *, new: int) -> None:
    """Upload the file, read its preview (every row new), confirm, and see the result."""
    _upload(page, live_server, file)
    totals = _totals(page)
    del totals["With warnings"]  # a file's own wording may call for some
    assert totals == {"New": new, "Changed": 0, "Unchanged": 0, "With errors": 0}
    preview = page.locator("table.import-preview tbody tr")
    expect(preview).to_have_count(new)
    expect(page.locator("tr.import-row-new")).to_have_count(new)
    expect(page.locator(".import-errors")).to_have_count(0)
    expect(page.locator(".import-summary")).to_have_text(
        f"To import: {new} new, 0 changed, 0 unchanged."
    )
    page.get_by_role("button", name="Confirm import").click()
    _wait_for_the_worker(page)
    expect(page.locator(".import-done")).to_have_text(
        f"Imported: {new} new, 0 changed, 0 unchanged."
    )
    expect(page.get_by_role("link", name="See the new and changed questions")).to_be_visible()
    assert Question.objects.count() == new


def _export_and_import_again(page, live_server) -> None:
    """The admin's CSV export of the bank, uploaded as it came: nothing would change."""
    _open(page, live_server.url + reverse("admin:practice_question_export"))
    page.get_by_label("Format").select_option(label="csv")
    with page.expect_download() as download:
        page.get_by_role("button", name="Submit").click()
    exported = download.value.path().read_bytes()
    count = Question.objects.count()
    _upload(
        page,
        live_server,
        {"name": "export.csv", "mimeType": "text/csv", "buffer": exported},
        defaults=False,
    )
    expect(page.locator(".import-summary")).to_have_text(
        f"No changes: the {count} questions are as the file says."
    )
    expect(page.get_by_role("button", name="Confirm import")).to_have_count(0)


def _as_learner_open(page, live_server, bank, question: Question) -> None:
    _session_cookie(page, live_server, bank["learner"])
    _open(page, f"{live_server.url}/questions/{question.pk}/")
    expect(page.get_by_role("heading", name=question.title)).to_be_visible()


def _show_answer(page) -> None:
    page.get_by_text("Show the model answer and its key points").click()


def _assert_math_and_image_shown(page, image_name: str) -> None:
    expect(page.locator(".rendered .katex").first).to_be_visible()
    image = page.get_by_role("img", name=image_name)
    expect(image).to_be_visible()
    assert image.get_attribute("src").startswith("/images/")
    assert image.evaluate("element => element.complete && element.naturalWidth") > 0


def test_an_editor_imports_the_markdown_file_and_a_learner_sees_its_math_and_image(
    editor_page, live_server, bank
):
    page = editor_page
    # Uploaded to the bank before; the file shows it by its URL.
    image_store((FILES / "threshold.png").read_bytes(), name="threshold.png")

    _import(page, live_server, FILES / "interview_questions.md", new=4)
    expect(page.locator("table.import-preview")).to_contain_text(
        "Image “images/roc.png” is not one of our images"
    )
    assert set(Topic.objects.values_list("name", flat=True)) == {
        "Supervised machine learning",
        "Model evaluation",
    }
    _export_and_import_again(page, live_server)

    question = Question.objects.get(title="What is the trade-off between precision and recall?")
    assert (question.status, question.difficulty) == ("published", "hard")
    _as_learner_open(page, live_server, bank, question)
    _show_answer(page)
    _assert_math_and_image_shown(page, "Precision and recall as the threshold rises")


def test_an_editor_imports_the_csv_excel_wrote_with_bom_semicolons_and_crlf(
    editor_page, live_server, bank
):
    page = editor_page
    _import(page, live_server, FILES / "excel_semicolon.csv", new=3)
    expect(page.locator("table.import-preview")).to_contain_text(
        "Why scale features; a question with a semicolon?"
    )
    _export_and_import_again(page, live_server)

    question = Question.objects.get(slug="bias-variance")
    assert sorted(question.skills.values_list("slug", flat=True)) == [
        "ml-algorithms",
        "model-selection",
    ]
    _as_learner_open(page, live_server, bank, question)
    _show_answer(page)
    expect(page.locator(".rendered li")).to_have_text(
        ["Simple models: high bias", "Flexible models: high variance"]
    )


def test_an_editor_imports_the_workbook(editor_page, live_server, bank):
    page = editor_page
    _import(page, live_server, FILES / "questions.xlsx", new=3)
    _export_and_import_again(page, live_server)

    # The rows' own values win over the defaults: a number cell, a kind, a draft status.
    cafe = Question.objects.get(slug="naive-bayes-cafe")
    assert (cafe.kind, cafe.suggested_minutes, cafe.status) == ("coding", 10, "draft")
    question = Question.objects.get(slug="bias-variance")
    assert (question.suggested_minutes, question.status) == (5, "published")
    _as_learner_open(page, live_server, bank, question)
    _show_answer(page)
    expect(page.locator(".rendered li")).to_have_count(2)


def test_an_editor_imports_the_anki_package_with_its_image(editor_page, live_server, bank):
    page = editor_page
    _import(page, live_server, FILES / "deck.apkg", new=3)
    expect(page.locator(".import-file-notes")).to_contain_text(
        "Note 2: the sound “recall.mp3” was left out"
    )
    _export_and_import_again(page, live_server)

    question = Question.objects.get(title="What does precision measure?")
    assert question.difficulty == "medium"  # from the note's difficulty::medium tag
    _as_learner_open(page, live_server, bank, question)
    _show_answer(page)
    image = page.locator('.rendered img[src^="/images/"]')
    expect(image).to_be_visible()
    assert image.evaluate("element => element.complete && element.naturalWidth") == 8


def test_an_editor_imports_a_zip_with_images_and_a_learner_sees_its_math_and_image(
    editor_page, live_server, bank
):
    page = editor_page
    _import(page, live_server, FILES / "questions_with_images.zip", new=2)
    expect(page.locator(".import-file-notes")).to_contain_text("“bank/LICENSE” in the ZIP")
    _export_and_import_again(page, live_server)

    question = Question.objects.get(title="What does a convolution layer learn?")
    _as_learner_open(page, live_server, bank, question)
    _show_answer(page)
    _assert_math_and_image_shown(page, "A 3×3 filter sliding over an image")
    spinner = Question.objects.get(title="What does a loading spinner tell a user?")
    _open(page, f"{live_server.url}/questions/{spinner.pk}/")
    _show_answer(page)
    gif = page.get_by_role("img", name="Spinner")
    expect(gif).to_be_visible()
    assert gif.evaluate("element => element.complete && element.naturalWidth") == 1


def test_every_template_downloads_from_the_import_page_and_the_csv_one_previews_clean(
    editor_page, live_server, bank
):
    page = editor_page
    _open(page, live_server.url + reverse("admin:practice_question_import"))
    links = page.locator(".import-templates a")
    expect(links).to_have_count(len(TEMPLATE_ENDINGS))
    downloaded = {}
    for n in range(links.count()):
        label = links.nth(n).inner_text()
        with page.expect_download() as download:
            links.nth(n).click()
        name = download.value.suggested_filename
        assert name.endswith(TEMPLATE_ENDINGS[label]), (label, name)
        downloaded[label] = download.value.path().read_bytes()
        assert downloaded[label], f"the {label} template is empty"
    assert set(downloaded) == set(TEMPLATE_ENDINGS)
    for label in ("Excel (XLSX)", "Anki package", "ZIP of Markdown files with their images"):
        zipfile.ZipFile(io.BytesIO(downloaded[label])).testzip()

    _upload(
        page,
        live_server,
        {"name": "template.csv", "mimeType": "text/csv", "buffer": downloaded["CSV"]},
    )
    totals = _totals(page)
    assert totals["With errors"] == 0 and totals["New"] >= 1, totals
    expect(page.locator(".import-errors")).to_have_count(0)
    expect(page.get_by_role("button", name="Confirm import")).to_be_visible()
