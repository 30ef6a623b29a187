import pytest
from django.utils import timezone
from playwright.sync_api import expect

from practice.models import Bookmark, Question, QuestionNote, ReviewCard
from tests.browser.conftest import assert_accessible, assert_fits_width, log_in
from tests.factories import (
    make_history,
    make_question,
    make_skill,
    make_topic,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bank(db):
    evaluation = make_topic(name="Model evaluation", slug="model-evaluation")
    metrics = make_skill(name="Model evaluation and metrics", slug="metrics")
    # The longest shipped skill name: its badge must wrap on a phone.
    tuning = make_skill(name="Hyperparameter tuning and training efficiency", slug="tuning")
    make_question(
        title="When is recall more important than precision?",
        prompt="Give an example where **missing a positive** costs more.",
        model_answer="In cancer screening a missed case is worse than a false alarm.",
        topic=evaluation,
        skills=[metrics, tuning],
        # A long source with a link and a licence: the line must wrap on a phone.
        source_name="Open Notes on Machine Learning Interviews, second edition",
        source_url="https://example.org/open-notes/evaluation/recall-versus-precision",
        source_licence="CC BY 4.0",
        key_points=[
            ("Defines recall", "recall, sensitivity"),
            ("Gives a costly-miss example", "cancer"),
        ],
    )
    for n in range(25):
        make_question(title=f"Other question {n:02}", topic=make_topic())


def test_search_then_bookmark_and_note_a_question(page, live_server, bank):
    alice = make_user(username="alice")
    log_in(page, live_server, "alice")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Questions").click()
    expect(page.get_by_text("26 questions")).to_be_visible()
    expect(page.get_by_role("link", name="Next")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("searchbox", name="Search").fill("recall")
    page.get_by_label("Topic").select_option(label="Model evaluation")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 question matches your search")).to_be_visible()
    page.get_by_role("link", name="When is recall more important than precision?").click()

    expect(page.get_by_role("heading", name="When is recall more important")).to_be_visible()
    answer = page.get_by_text("In cancer screening a missed case")
    expect(answer).to_be_hidden()
    source = page.get_by_role("link", name="Open Notes on Machine Learning Interviews")
    expect(source).to_be_visible()
    expect(source).to_have_attribute("rel", "noopener")
    expect(page.locator(".question-source")).to_contain_text("· CC BY 4.0")
    assert_accessible(page)
    page.get_by_text("Show the model answer and its key points").click()
    expect(answer).to_be_visible()
    expect(page.get_by_text("Gives a costly-miss example")).to_be_visible()

    page.get_by_role("button", name="☆ Bookmark").click()
    expect(page.get_by_role("button", name="★ Bookmarked")).to_be_visible()
    assert Bookmark.objects.filter(user=alice).count() == 1

    page.get_by_label("My private note").fill("Lead with the screening example.")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Note saved.")).to_be_visible()
    expect(page.get_by_label("My private note")).to_have_value("Lead with the screening example.")
    assert QuestionNote.objects.get(user=alice).text == "Lead with the screening example."
    assert_accessible(page)

    page.goto(live_server.url + "/questions/?bookmarked=on")
    expect(page.get_by_text("1 question matches your search")).to_be_visible()


def test_question_pages_fit_a_phone(phone_page, live_server, bank):
    make_user(username="alice")
    log_in(phone_page, live_server, "alice")

    phone_page.goto(live_server.url + "/questions/")
    assert_fits_width(phone_page)
    assert_accessible(phone_page)
    phone_page.get_by_role("link", name="When is recall more important than precision?").click()
    expect(phone_page.get_by_role("heading", name="When is recall more important")).to_be_visible()
    assert_fits_width(phone_page)
    assert_accessible(phone_page)


@pytest.mark.parametrize("width", [1280, 360])
def test_the_bank_shows_my_progress_on_each_row_in_words(browser, live_server, bank, width):
    alice = make_user(username="alice")
    question = Question.objects.get(title="When is recall more important than precision?")
    make_history(user=alice, questions=[question], attempts_per_question=2, grade=3)
    ReviewCard.objects.create(user=alice, question=question, state=2, due=timezone.now())
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.set_default_timeout(5_000)
    log_in(page, live_server, "alice")

    page.goto(live_server.url + "/questions/")

    row = page.get_by_role("listitem").filter(has_text="When is recall more important")
    progress = row.get_by_role("list", name="Your progress")
    expect(progress).to_contain_text("Answered 2 times")
    expect(progress).to_contain_text("Last grade: 3 · Correct and complete")
    expect(progress).to_contain_text("Review due today")
    other = page.get_by_role("listitem").filter(has_text="Other question 00")
    expect(other.get_by_role("list", name="Your progress")).to_have_text("Not practised yet")
    assert_fits_width(page)
    assert_accessible(page)
    page.get_by_label("Due for review").check()
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("1 question matches your search")).to_be_visible()
    context.close()
