"""A question written as editors write it (math, code, a wide table, an uploaded image) shows
as meant in a real browser, on a desktop and on a phone, and in the admin's preview."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from practice.images import image_store
from tests.browser.conftest import assert_accessible, assert_fits_width, log_in
from tests.factories import DEFAULT_PASSWORD, make_png, make_question, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-markdown")


@pytest.fixture
def question(db):
    image = image_store(make_png(width=600, height=300, colour=(40, 110, 180)), name="dots.png")
    wide_row = "| " + " | ".join(f"column {n}" for n in range(12)) + " |"
    question = make_question(
        title="What does a support vector machine maximise?",
        status="published",
        prompt=(
            "A linear classifier predicts $\\hat y = \\operatorname{sign}(w^\\top x + b)$. "
            "What does an SVM choose $w$ for? It costs $5 and $10 to train, by the way."
        ),
        model_answer=(
            "The margin. With labels $y_i \\in \\{-1, 1\\}$ it solves\n\n"
            "$$\n\\min_{w, b} \\tfrac12 \\lVert w \\rVert^2 \\quad \\text{s.t.} \\quad "
            "y_i (w^\\top x_i + b) \\ge 1\n$$\n\n"
            f"![Two classes of dots split by a line]({image.url})\n\n"
            "A broken formula stays as written: $\\frac{1}{$.\n\n"
            "```python\nfrom sklearn.svm import SVC\nmodel = SVC(kernel='linear', C=1.0)\n```\n\n"
            + wide_row
            + "\n|"
            + "---|" * 12
            + "\n"
            + wide_row.replace("column", "value")
        ),
    )
    image.question = question
    image.save()
    return question


def _open_answer(page):
    page.get_by_text("Show the model answer and its key points").click()
    expect(page.locator(".math-display .katex-display")).to_be_visible()


def test_a_question_shows_typeset_math_its_image_code_and_table(page, live_server, question):
    make_user(username="alice")
    log_in(page, live_server, "alice")

    page.goto(f"{live_server.url}/questions/{question.pk}/")
    expect(page.locator(".math-inline .katex").first).to_be_visible()
    _open_answer(page)

    assert page.locator(".rendered .katex").count() == 4
    expect(page.get_by_text("It costs $5 and $10 to train")).to_be_visible()
    broken = page.locator(".math-error")
    expect(broken).to_have_text("\\frac{1}{")
    image = page.get_by_role("img", name="Two classes of dots split by a line")
    expect(image).to_be_visible()
    assert image.evaluate("element => element.complete && element.naturalWidth") == 600
    expect(page.locator("pre code .kn").first).to_have_text("from")
    expect(page.locator(".table-responsive > table.table")).to_be_visible()
    assert_accessible(page)
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=SHOTS / "question-1280.png", full_page=True)


def test_on_a_phone_the_wide_table_scrolls_inside_the_page(phone_page, live_server, question):
    make_user(username="alice")
    log_in(phone_page, live_server, "alice")

    phone_page.goto(f"{live_server.url}/questions/{question.pk}/")
    _open_answer(phone_page)

    assert_fits_width(phone_page)
    table = phone_page.locator(".table-responsive")
    assert table.evaluate("element => element.scrollWidth > element.clientWidth")
    image_width = phone_page.get_by_role("img", name="Two classes of dots").bounding_box()["width"]
    assert image_width < 360
    assert_accessible(phone_page)
    SHOTS.mkdir(exist_ok=True)
    phone_page.screenshot(path=SHOTS / "question-360.png", full_page=True)


def test_the_admin_preview_typesets_math_and_names_an_image_from_elsewhere(
    page, live_server, question
):
    question.prompt += "\n\n![a plot](https://example.org/plot.png)"
    question.save()
    # A superuser: the database of a browser test starts without the Editors group.
    make_user(username="root", is_staff=True, is_superuser=True)

    page.goto(
        f"{live_server.url}/admin/login/?next=/admin/practice/question/{question.pk}/change/"
    )
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()

    preview = page.locator(".question-preview")
    expect(preview.locator(".katex").first).to_be_visible()
    expect(page.get_by_text("1 image links to other sites")).to_be_visible()
    expect(preview.get_by_role("link", name="Image: a plot")).to_be_visible()
    expect(page.get_by_text(f"![alt text]({question.images.get().url})")).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    preview.screenshot(path=SHOTS / "admin-preview.png")
