"""The landing page's try-it question for visitors, and the answer kept at sign-up or log-in."""

import re

import pytest
from django.test import Client

from mlcareer.ratelimits import TRIAL_ANSWER
from practice.models import ANSWER_MAX_CHARS, Attempt, Question, TrialAttempt
from practice.trials import SESSION_KEY
from tests.factories import DEFAULT_PASSWORD, make_question, make_topic

pytestmark = pytest.mark.django_db

ANSWER = "Recall is the share of the real positives that the model finds."
SIGNUP = {
    "username": "carol",
    "email": "carol@example.com",
    "password1": "a-long-and-unusual-passphrase",
    "password2": "a-long-and-unusual-passphrase",
}


@pytest.fixture
def starters(db):
    """Two easy conceptual questions in two topics: the landing page offers the first."""
    return [
        make_question(
            title=title,
            topic=make_topic(order=order),
            difficulty=Question.Difficulty.EASY,
            kind=Question.Kind.CONCEPTUAL,
            model_answer=f"The model answer of {title}.",
            key_points=[("Mentions recall", "recall"), ("Plots calibration", "calibration")],
            mistakes=[("Accuracy is enough", "Not with rare positives.")],
        )
        for order, title in enumerate(["Which metric for fraud?", "What is a baseline?"], start=1)
    ]


def _ticket(html: str) -> str:
    return re.search(r'name="ticket" value="([^"]+)"', html).group(1)


def _answer(client, text=ANSWER, **extra):
    page = client.get("/").content.decode()
    return client.post("/try/", {"ticket": _ticket(page), "answer": text, **extra})


def test_a_visitor_gets_a_real_question_with_a_timer_and_an_answer_box(client, starters):
    html = client.get("/").content.decode()

    assert "Try a real interview question now" in html
    assert "Which metric for fraud?" in html
    assert 'role="timer"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'action="/try/"' in html
    # Read from the headline: the answer box does not take the focus on arrival.
    assert "autofocus" not in html
    assert 'href="/?question=' in html and "Try a different question" in html


def test_a_different_question_is_offered_on_request_and_an_unknown_one_falls_back(
    client, starters
):
    second = client.get("/", {"question": starters[1].slug}).content.decode()
    unknown = client.get("/", {"question": "no-such-question"}).content.decode()

    assert "What is a baseline?" in second
    assert f'?question={starters[0].slug}#try"' in second  # and round to the first again
    assert "Which metric for fraud?" in unknown


def test_answering_shows_the_feedback_model_answer_and_key_points_then_the_way_to_keep_it(
    client, starters
):
    response = _answer(client)

    assert response.status_code == 302
    assert response.url == "/#result"
    html = client.get("/").content.decode()
    assert "Your answer to “Which metric for fraud?”" in html
    assert "What matching found in your text" in html
    assert "Found <strong>1 of 2</strong> key points mentioned." in html
    assert "The model answer of Which metric for fraud?." in html
    assert "Accuracy is enough" in html
    assert "Create a free account to keep this answer" in html
    assert 'href="/accounts/signup/"' in html
    assert TrialAttempt.objects.get().answer == ANSWER


def test_an_empty_answer_is_refused_with_a_clear_message_and_nothing_is_stored(client, starters):
    response = _answer(client, text="   ")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Write your answer first" in html
    assert "Which metric for fraud?" in html
    assert not TrialAttempt.objects.exists()


def test_a_too_long_answer_is_refused_and_comes_back_whole(client, starters):
    text = "word " * (ANSWER_MAX_CHARS // 5) + "more"

    response = _answer(client, text=text)

    html = response.content.decode()
    assert "the limit is 20000" in html
    assert text in html
    assert "autofocus" in html  # back in the box, beside its error
    assert not TrialAttempt.objects.exists()


def test_an_unreadable_ticket_is_refused_and_the_text_kept(client, starters):
    response = client.post("/try/", {"ticket": "forged", "answer": ANSWER})

    html = response.content.decode()
    assert "could not tell which question you answered" in html
    assert ANSWER in html
    assert _ticket(html) != "forged"
    assert not TrialAttempt.objects.exists()


def test_the_answer_form_needs_its_csrf_token(starters):
    browser = Client(enforce_csrf_checks=True)
    ticket = _ticket(browser.get("/").content.decode())

    response = browser.post("/try/", {"ticket": ticket, "answer": ANSWER})

    assert response.status_code == 403
    assert not TrialAttempt.objects.exists()


def test_over_the_hourly_limit_the_answer_is_refused_with_a_message_and_kept(client, starters):
    for n in range(TRIAL_ANSWER.per_ip):
        _answer(Client(), text=f"Answer number {n}")

    response = _answer(client, text="One answer too many")

    html = response.content.decode()
    assert "a lot of answers from your network in the last hour" in html
    assert "One answer too many" in html
    assert TrialAttempt.objects.count() == TRIAL_ANSWER.per_ip


def test_sending_the_same_answer_twice_keeps_one(client, starters):
    ticket = _ticket(client.get("/").content.decode())

    client.post("/try/", {"ticket": ticket, "answer": ANSWER})
    client.post("/try/", {"ticket": ticket, "answer": ANSWER})

    assert TrialAttempt.objects.count() == 1


def test_trying_another_question_says_the_earlier_answer_is_kept_until_one_replaces_it(
    client, starters
):
    _answer(client)

    html = client.get("/", {"question": starters[1].slug}).content.decode()

    assert "Your answer to “Which metric for fraud?” is kept for your new account" in html
    assert "What is a baseline?" in html


def test_signing_up_keeps_the_answer_and_opens_it_for_grading(client, starters):
    _answer(client)
    assert "becomes your first practice answer" in client.get("/accounts/signup/").content.decode()

    response = client.post("/accounts/signup/", SIGNUP, follow=True)

    attempt = Attempt.objects.get(user__username="carol")
    assert response.redirect_chain == [(f"/practice/sessions/{attempt.session_id}/", 302)]
    html = response.content.decode()
    assert "Your account is ready" in html
    assert "Your answer to “Which metric for fraud?” is kept as your first" in html
    assert "Save grade and continue" in html
    assert (attempt.answer, attempt.status, attempt.coverage) == (ANSWER, "answered", 0.5)
    assert SESSION_KEY not in client.session
    assert not TrialAttempt.objects.exists()


def test_the_kept_answer_is_in_the_questions_history_and_on_the_dashboard(client, starters):
    _answer(client)
    client.post("/accounts/signup/", SIGNUP)

    history = client.get(f"/questions/{starters[0].pk}/").content.decode()
    dashboard = client.get("/dashboard/").content.decode()

    assert ANSWER in history
    assert "Today: <strong>1 of 5</strong>" in dashboard
    assert Attempt.objects.filter(user__username="carol", status="answered").count() == 1


def test_an_expired_trial_is_not_kept_at_sign_up(client, starters):
    _answer(client)
    TrialAttempt.objects.update(expires_at="2000-01-01T00:00:00Z")

    response = client.post("/accounts/signup/", SIGNUP)

    assert response.url == "/dashboard/"
    assert not Attempt.objects.exists()


def test_logging_in_keeps_the_answer_and_opens_it_for_grading(client, alice, starters):
    _answer(client)
    assert "joins your account when you log in" in client.get("/accounts/login/").content.decode()

    response = client.post(
        "/accounts/login/", {"username": "alice", "password": DEFAULT_PASSWORD}, follow=True
    )

    attempt = Attempt.objects.get(user=alice)
    assert response.redirect_chain == [(f"/practice/sessions/{attempt.session_id}/", 302)]
    assert "is kept in your account. Grade it here" in response.content.decode()


def test_logging_in_to_reach_a_page_goes_there_and_still_keeps_the_answer(client, alice, starters):
    _answer(client)

    response = client.post(
        "/accounts/login/?next=/role/",
        {"username": "alice", "password": DEFAULT_PASSWORD, "next": "/role/"},
    )

    assert response.url == "/role/"
    assert Attempt.objects.filter(user=alice).count() == 1


def test_a_member_at_the_landing_page_gets_the_dashboard_link_and_no_trial(alice_client, starters):
    html = alice_client.get("/").content.decode()

    assert "Go to your dashboard" in html
    assert "Try a real interview question now" not in html
    assert alice_client.post("/try/", {"answer": ANSWER}).url == "/practice/"
    assert not TrialAttempt.objects.exists()


def test_without_any_starter_question_the_landing_page_still_offers_sign_up(client):
    html = client.get("/").content.decode()

    assert "Create a free account" in html
    assert "Try a real interview question now" not in html


def test_the_landing_page_reads_a_fixed_number_of_queries(
    client, starters, django_assert_max_num_queries
):
    for _ in range(30):
        make_question(difficulty=Question.Difficulty.EASY, kind=Question.Kind.CONCEPTUAL)
    with django_assert_max_num_queries(2):
        client.get("/")
    _answer(client)
    client.get("/")  # the matcher's equivalent terms are cached from now on
    with django_assert_max_num_queries(6):
        assert "What matching found" in client.get("/").content.decode()
