"""The "Download as an Anki deck" links of the question bank and the review page."""

import datetime as dt

import pytest
from django.utils import timezone

from practice.anki_export import ANKI_DECK_MAX_QUESTIONS
from practice.images import image_store
from practice.models import Question, ReviewCard
from tests.factories import make_png, make_question, make_skill, make_topic
from tests.practice.test_anki_export import read_package

pytestmark = pytest.mark.django_db


def titles(response) -> set[str]:
    return {note["fields"][0] for note in read_package(response.content)["notes"]}


def make_due(user, question, *, hours_ago=2):
    now = timezone.now()
    return ReviewCard.objects.create(
        user=user, question=question, state=2, stability=2.0, difficulty=5.0,
        due=now - dt.timedelta(hours=hours_ago), last_review=now - dt.timedelta(days=3),
        reviews=1,
    )  # fmt: skip


def bulk_questions(count, *, topic, status=Question.Status.PUBLISHED):
    Question.objects.bulk_create(
        Question(
            title=f"Bulk {n:05}", slug=f"bulk-{topic.slug}-{n}", prompt=f"Prompt **{n}**",
            model_answer=f"Answer {n}", topic=topic, difficulty="easy", kind="conceptual",
            status=status,
        )
        for n in range(count)
    )  # fmt: skip


def test_the_bank_download_holds_the_questions_of_the_search_as_an_attachment(alice_client):
    evaluation = make_topic(slug="model-evaluation", name="Model evaluation")
    make_question(title="Recall or precision?", topic=evaluation, difficulty="easy")
    make_question(title="Hard evaluation one", topic=evaluation, difficulty="hard")
    make_question(title="Other topic", difficulty="easy")
    make_question(title="Draft one", topic=evaluation, status=Question.Status.DRAFT)

    response = alice_client.get("/questions/anki.apkg?topic=model-evaluation&difficulty=easy")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/apkg"
    assert response["Content-Disposition"] == (
        'attachment; filename="mlcareer-questions-model-evaluation.apkg"'
    )
    assert titles(response) == {"Recall or precision?"}


def test_the_bank_download_without_filters_holds_every_published_question(alice_client):
    make_question(title="One")
    make_question(title="Two")
    make_question(title="Retired", status=Question.Status.RETIRED)

    response = alice_client.get("/questions/anki.apkg")

    assert response["Content-Disposition"] == 'attachment; filename="mlcareer-questions.apkg"'
    assert titles(response) == {"One", "Two"}


def test_the_bank_page_links_the_download_with_its_current_filters(alice_client):
    skill = make_skill(slug="metrics")
    make_question(title="Recall", skills=[skill])

    page = alice_client.get("/questions/?q=Recall&skill=metrics&page=1").content.decode()

    assert 'href="/questions/anki.apkg?q=Recall&amp;skill=metrics"' in page
    assert "Download as an Anki deck" in page
    assert "File → Import" in page


def test_past_the_cap_the_link_is_disabled_and_says_to_narrow_the_search(alice_client):
    topic = make_topic(slug="big")
    bulk_questions(ANKI_DECK_MAX_QUESTIONS + 1, topic=topic)

    page = alice_client.get("/questions/").content.decode()
    response = alice_client.get("/questions/anki.apkg?topic=big")

    assert "disabled" in page and "questions/anki.apkg" not in page
    assert "holds at most 1,000 questions and 1,001 match" in page
    assert response.status_code == 302 and response.url == "/questions/?topic=big"
    message = alice_client.get(response.url).content.decode()
    assert "1,001 questions match; an Anki deck holds at most 1,000. Narrow the search" in message


def test_a_search_matching_nothing_downloads_nothing_and_says_so(alice_client):
    make_question(title="Something")
    response = alice_client.get("/questions/anki.apkg?q=nowhere", follow=True)
    assert response.redirect_chain == [("/questions/?q=nowhere", 302)]
    assert "nothing to download" in response.content.decode()


def test_the_review_download_holds_my_due_questions_only(alice_client, alice, bob):
    mine = make_question(title="Mine, due")
    later = make_question(title="Mine, due next week")
    bobs = make_question(title="Bob's, due")
    make_due(alice, mine)
    make_due(alice, later, hours_ago=-24 * 7)
    make_due(bob, bobs)
    make_due(alice, make_question(title="Retired", status=Question.Status.RETIRED))
    alice_client.get("/practice/review/")  # the first request after login stores the time zone

    response = alice_client.get("/practice/review/anki.apkg")

    assert titles(response) == {"Mine, due"}
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="mlcareer-review-{today.isoformat()}.apkg"'
    )


def test_the_review_page_offers_the_download_only_when_something_is_due(alice_client, alice):
    empty = alice_client.get("/practice/review/").content.decode()
    assert "nothing to download as an Anki deck" in empty
    assert "review/anki.apkg" not in empty
    response = alice_client.get("/practice/review/anki.apkg", follow=True)
    assert response.redirect_chain == [("/practice/review/", 302)]
    assert "Nothing is due for review, so there is nothing to download." in (
        response.content.decode()
    )

    make_due(alice, make_question())
    page = alice_client.get("/practice/review/").content.decode()
    assert 'href="/practice/review/anki.apkg"' in page


def test_downloads_need_a_login(client):
    for url in ("/questions/anki.apkg", "/practice/review/anki.apkg"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/?next=")


def test_downloads_refuse_a_post(alice_client):
    assert alice_client.post("/questions/anki.apkg").status_code == 405
    assert alice_client.post("/practice/review/anki.apkg").status_code == 405


@pytest.mark.parametrize("size", [10, 200])
def test_download_query_count_does_not_grow_with_the_deck(
    alice_client, alice, size, django_assert_max_num_queries
):
    """Guards the N+1 over each question's topic, skills and key points."""
    topic = make_topic(slug="all")
    skill = make_skill()
    for _ in range(size):
        question = make_question(topic=topic, skills=[skill, make_skill()])
        make_due(alice, question)
    alice_client.get("/practice/review/")  # stores the time zone in the session
    # session, user, topics and skills (filter choices), count, questions, skills, key points
    with django_assert_max_num_queries(8):
        response = alice_client.get("/questions/anki.apkg?topic=all")
    assert len(titles(response)) == size
    # session, user, count, questions, skills, key points
    with django_assert_max_num_queries(6):
        response = alice_client.get("/practice/review/anki.apkg")
    assert len(titles(response)) == size


def test_a_question_s_uploaded_image_travels_in_its_deck(alice_client, editor):
    image = image_store(make_png(width=8, height=6), name="curve.png", user=editor)
    make_question(title="Read the curve", model_answer=f"The curve: ![ROC curve]({image.url})")

    response = alice_client.get("/questions/anki.apkg")

    package = read_package(response.content)
    name = image.url.rsplit("/", 1)[1]
    assert package["media"] == {name: bytes(image.data)}
    (note,) = package["notes"]
    assert any(f'src="{name}"' in field for field in note["fields"])
