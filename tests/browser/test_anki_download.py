import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from practice.models import ReviewCard
from tests.browser.conftest import assert_accessible, assert_fits_width, log_in
from tests.factories import make_question, make_topic, make_user
from tests.practice.test_anki_export import read_package

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots-anki")


@pytest.fixture
def bank(db):
    """Alice, a bank of two topics, and one of her questions due for review."""
    alice = make_user(username="alice")
    evaluation = make_topic(name="Model evaluation", slug="model-evaluation")
    titles = ["When is recall more important than precision?", "What does ROC AUC measure?"]
    for title in titles:
        make_question(
            title=title,
            topic=evaluation,
            prompt="Answer with an example; the loss is $L = -\\sum_i y_i \\log p_i$.",
        )
    other = make_topic(name="Deployment", slug="deployment")
    for n in range(3):
        make_question(title=f"Deployment question {n}", topic=other)
    ReviewCard.objects.create(
        user=alice, question=make_question(title="Due: explain overfitting", topic=other),
        state=2, stability=2.0, difficulty=5.0, due=timezone.now() - dt.timedelta(hours=1),
        last_review=timezone.now() - dt.timedelta(days=3), reviews=1,
    )  # fmt: skip
    return titles


def test_the_bank_downloads_its_filtered_questions_as_an_anki_deck(page, live_server, bank):
    log_in(page, live_server)
    page.goto(live_server.url + "/questions/")
    page.get_by_label("Topic").select_option(label="Model evaluation")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("2 questions match your search")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / "bank-1280.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as an Anki deck").click()
    download = download_info.value

    assert download.suggested_filename == "mlcareer-questions-model-evaluation.apkg"
    package = read_package(Path(download.path()).read_bytes())
    assert {note["fields"][0] for note in package["notes"]} == set(bank)
    assert all(r"\(L = -\sum_i y_i \log p_i\)" in n["fields"][1] for n in package["notes"])


def test_the_download_buttons_fit_a_phone(phone_page, live_server, bank):
    log_in(phone_page, live_server)
    phone_page.goto(live_server.url + "/questions/?topic=model-evaluation")
    expect(phone_page.get_by_role("link", name="Download as an Anki deck")).to_be_visible()
    assert_fits_width(phone_page)
    assert_accessible(phone_page)
    phone_page.screenshot(path=str(SHOTS / "bank-360.png"), full_page=True)

    phone_page.goto(live_server.url + "/practice/review/")
    expect(phone_page.get_by_role("link", name="Download as an Anki deck")).to_be_visible()
    expect(phone_page.get_by_text("open the file with File → Import")).to_be_visible()
    assert_fits_width(phone_page)
    assert_accessible(phone_page)
    phone_page.screenshot(path=str(SHOTS / "review-360.png"), full_page=True)
    phone_page.set_viewport_size({"width": 1280, "height": 900})
    phone_page.screenshot(path=str(SHOTS / "review-1280.png"), full_page=True)
