"""The review queue goes from card to card in place: by htmx the session's forms get the next
step back as a fragment, with the due count out of band; without JavaScript they post and
redirect as before."""

import datetime as dt

import pytest
from django.utils import timezone

from practice.models import Attempt, PracticeSession, ReviewCard
from tests.factories import make_history, make_question, make_session

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# Recording a step and rendering the next one in the same request (without JavaScript these
# are a post and the redirected page's request): the grade includes the card's rescheduling.
SUBMIT_QUERIES = 11
GRADE_QUERIES = 18
SKIP_QUERIES = 8


def _url(session, attempt, action):
    return f"/practice/sessions/{session.pk}/attempts/{attempt.pk}/{action}/"


@pytest.fixture
def review(alice_client, alice):
    """Alice's review of her two due questions, started from the review page."""
    questions = [
        make_question(
            title=f"Due question {n}",
            key_points=[("Mentions recall", "recall"), ("Mentions precision", "precision")],
        )
        for n in (1, 2)
    ]
    make_history(user=alice, questions=questions, start=timezone.now() - dt.timedelta(days=3))
    for question in questions:
        ReviewCard.objects.create(
            user=alice, question=question, state=2, stability=2.0, difficulty=5.0,
            due=timezone.now() - dt.timedelta(hours=2), last_review=timezone.now()
            - dt.timedelta(days=3), reviews=1,
        )  # fmt: skip
    alice_client.get("/practice/review/")  # the first request after login stores the time zone
    response = alice_client.post("/practice/review/start/")
    session = PracticeSession.objects.get(user=alice, source=PracticeSession.Source.DUE)
    assert response.url == f"/practice/sessions/{session.pk}/"
    return session


def _grade(client, session, attempt, grade="3", **headers):
    point = attempt.question.key_points.order_by("order").first()
    return client.post(
        _url(session, attempt, "grade"), {"grade": grade, "key_points": [point.pk]}, **headers
    )


def test_a_review_page_says_how_many_are_due_and_its_forms_post_by_htmx(alice_client, review):
    page = alice_client.get(f"/practice/sessions/{review.pk}/").content.decode()

    assert '<span id="due-count">2 reviews due today</span>' in page
    first = review.attempts.get(position=1)
    assert f'data-hx-post="{_url(review, first, "submit")}"' in page
    assert 'data-hx-target="#session-step"' in page
    assert "htmx.min.js" in page and "js/review_steps.js" in page
    assert " hx-" not in page  # htmx attributes are written as data-hx-*, valid HTML


def test_answering_by_htmx_returns_the_grading_step_only(alice_client, review):
    first = review.attempts.get(position=1)

    response = alice_client.post(
        _url(review, first, "submit"), {"answer": "I would report recall."}, **HTMX
    )

    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment and "<nav" not in fragment
    assert '<div id="session-step">' in fragment
    assert "How good was your answer?" in fragment
    assert "js/grading.js" in fragment  # the keys 0-4 and Enter work on the swapped step
    assert '<span id="due-count" data-hx-swap-oob="true">2 reviews due today</span>' in fragment
    assert "<title>Review · question 1 of 2 · MLCareer</title>" in fragment
    first.refresh_from_db()
    assert first.status == Attempt.Status.ANSWERED


def test_grading_by_htmx_swaps_in_the_next_due_card_and_counts_one_less(alice_client, review):
    first = review.attempts.get(position=1)
    alice_client.post(_url(review, first, "submit"), {"answer": "recall"}, **HTMX)

    response = _grade(alice_client, review, first, **HTMX)

    fragment = response.content.decode()
    assert "Question 2 of 2" in fragment and "Due question 2" in fragment
    assert "autofocus" in fragment  # the answer box takes the focus
    assert "js/session.js" in fragment
    assert '<span id="due-count" data-hx-swap-oob="true">1 review due today</span>' in fragment


def test_a_grade_note_comes_inside_the_swapped_step(alice_client, review):
    first = review.attempts.get(position=1)
    alice_client.post(_url(review, first, "submit"), {"answer": "recall and precision"}, **HTMX)

    response = _grade(alice_client, review, first, grade="4", **HTMX)

    assert "You graded this 4 but ticked 1 of 2 key points" in response.content.decode()


def test_a_grade_without_a_choice_by_htmx_comes_back_with_the_error(alice_client, review):
    first = review.attempts.get(position=1)
    alice_client.post(_url(review, first, "submit"), {"answer": "recall"}, **HTMX)

    response = alice_client.post(_url(review, first, "grade"), {"grade": "9"}, **HTMX)

    assert response.status_code == 200
    fragment = response.content.decode()
    assert "How good was your answer?" in fragment and "Select a valid choice" in fragment
    assert '<div id="session-step">' in fragment


def test_skipping_by_htmx_swaps_in_the_next_card_without_changing_the_due_count(
    alice_client, review
):
    first = review.attempts.get(position=1)

    response = alice_client.post(_url(review, first, "skip"), {"answer": ""}, **HTMX)

    fragment = response.content.decode()
    assert "Question 2 of 2" in fragment
    assert ">2 reviews due today</span>" in fragment


def test_the_last_grade_by_htmx_sends_the_browser_to_the_summary(alice_client, review):
    first, second = review.attempts.order_by("position")
    for attempt in (first, second):
        alice_client.post(_url(review, attempt, "submit"), {"answer": "recall"}, **HTMX)
        response = _grade(alice_client, review, attempt, **HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/practice/sessions/{review.pk}/summary/"
    summary = alice_client.get(response["HX-Redirect"]).content.decode()
    assert "No review left for today" not in summary  # the summary is a page of its own
    assert ReviewCard.objects.filter(due__lte=timezone.now()).count() == 0


def test_without_javascript_the_review_posts_and_redirects(alice_client, review):
    first = review.attempts.get(position=1)

    submitted = alice_client.post(_url(review, first, "submit"), {"answer": "recall"})
    assert submitted.status_code == 302
    assert submitted.url == f"/practice/sessions/{review.pk}/"
    graded = _grade(alice_client, review, first)
    assert graded.url == f"/practice/sessions/{review.pk}/"

    page = alice_client.get(graded.url).content.decode()
    assert "<nav" in page and "Question 2 of 2" in page
    assert '<span id="due-count">1 review due today</span>' in page


def test_an_answer_sent_twice_by_htmx_is_stored_once_and_shows_the_grading_step(
    alice_client, review
):
    first = review.attempts.get(position=1)
    alice_client.post(_url(review, first, "submit"), {"answer": "recall"}, **HTMX)

    again = alice_client.post(_url(review, first, "submit"), {"answer": "changed"}, **HTMX)

    fragment = again.content.decode()
    assert "That answer was already recorded." in fragment
    assert "How good was your answer?" in fragment
    first.refresh_from_db()
    assert first.answer == "recall"


def test_practice_and_mock_sessions_keep_their_ordinary_forms(alice_client, alice):
    for mode in (PracticeSession.Mode.PRACTICE, PracticeSession.Mode.MOCK):
        session = make_session(user=alice, mode=mode)

        page = alice_client.get(f"/practice/sessions/{session.pk}/").content.decode()

        assert "data-hx-post" not in page
        assert "due-count" not in page and "review_steps.js" not in page


@pytest.mark.parametrize("rounds", [0, 10])
def test_review_steps_by_htmx_cost_no_more_queries_with_a_long_history(
    alice_client, alice, review, rounds, django_assert_max_num_queries
):
    """Ten rounds over 30 more due questions (300 more answers) cost no extra query: answering
    (which shows the grading step), grading (which shows the next card) and skipping."""
    others = [make_question() for _ in range(30)]
    make_history(user=alice, questions=others, attempts_per_question=rounds)
    ReviewCard.objects.bulk_create(
        ReviewCard(user=alice, question=q, state=2, due=timezone.now()) for q in others
    )
    assert Attempt.objects.filter(user=alice).count() == 2 + 2 + 30 * rounds
    first, second = review.attempts.order_by("position")

    with django_assert_max_num_queries(SUBMIT_QUERIES):
        alice_client.post(_url(review, first, "submit"), {"answer": "recall"}, **HTMX)
    with django_assert_max_num_queries(GRADE_QUERIES):
        response = _grade(alice_client, review, first, **HTMX)
    assert ">31 reviews due today</span>" in response.content.decode()
    with django_assert_max_num_queries(SKIP_QUERIES):
        alice_client.post(_url(review, second, "skip"), {"answer": ""}, **HTMX)
