import datetime as dt
import logging
import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from practice.models import Attempt, PracticeSession, Question, ReviewCard
from tests.concurrency import run_at_once, same_browser
from tests.factories import make_history, make_question, make_session, make_skill, make_user

pytestmark = pytest.mark.django_db


FORM_ENCODED = "application/x-www-form-urlencoded"  # what a browser sends for these forms


def _attempt_url(session, attempt, action):
    return f"/practice/sessions/{session.pk}/attempts/{attempt.pk}/{action}/"


@pytest.fixture
def bank(db):
    return [
        make_question(
            title=f"Question {n}",
            key_points=[("Mentions recall", "recall"), ("Mentions precision", "precision")],
        )
        for n in range(6)
    ]


def test_practice_pages_require_login(client):
    for url in ("/practice/", "/practice/review/", "/practice/sessions/1/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/?next=")


def test_quick_start_opens_a_five_question_session(alice_client, alice, bank):
    response = alice_client.post("/practice/", {"quick": "1"})

    session = PracticeSession.objects.get(user=alice)
    assert response.url == f"/practice/sessions/{session.pk}/"
    assert session.attempts.count() == 5
    assert session.mode == "practice"


def test_custom_start_with_mode_count_and_filters(alice_client, alice, bank):
    response = alice_client.post(
        "/practice/", {"start": "1", "mode": "mock", "source": "new", "count": "3"}
    )

    session = PracticeSession.objects.get(user=alice)
    assert response.status_code == 302
    assert (session.mode, session.attempts.count()) == ("mock", 3)
    assert session.time_limit_seconds == 3 * 5 * 60


@pytest.mark.parametrize(
    ("count", "message"),
    [
        ("0", "greater than or equal to 1"),
        ("31", "less than or equal to 30"),
        ("x", "whole number"),
    ],
)
def test_bad_count_is_refused_and_choices_are_kept(alice_client, bank, count, message):
    response = alice_client.post(
        "/practice/", {"start": "1", "mode": "mock", "source": "new", "count": count}
    )

    page = response.content.decode()
    assert message in page
    assert re.search(r'<input[^>]*value="mock"[^>]*checked>', page)
    assert not re.search(r'<input[^>]*value="practice"[^>]*checked>', page)
    assert not PracticeSession.objects.exists()


def test_start_with_no_match_explains_and_creates_nothing(alice_client, bank):
    response = alice_client.post(
        "/practice/",
        {"start": "1", "mode": "practice", "source": "due", "count": "5"},
        follow=True,
    )

    assert "No published question matches these choices" in response.content.decode()
    assert not PracticeSession.objects.exists()


def test_start_page_lists_unfinished_sessions_to_resume(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:2])

    page = alice_client.get("/practice/").content.decode()

    assert "Unfinished sessions" in page
    assert f"/practice/sessions/{session.pk}/" in page


def test_full_practice_flow_answer_grade_next_summary(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:2])
    first, second = session.attempts.order_by("position")

    page = alice_client.get(f"/practice/sessions/{session.pk}/").content.decode()
    assert "Question 1 of 2" in page and "Question 0" in page
    first.refresh_from_db()
    assert first.shown_at is not None

    alice_client.post(_attempt_url(session, first, "submit"), {"answer": "I would report recall."})
    grading = alice_client.get(f"/practice/sessions/{session.pk}/").content.decode()
    assert "Found <strong>1 of 2</strong> key points mentioned." in grading
    assert "How good was your answer?" in grading

    response = alice_client.post(
        _attempt_url(session, first, "grade"),
        {"grade": "4", "key_points": [first.question.key_points.get(order=1).pk]},
    )
    assert response.url == f"/practice/sessions/{session.pk}/"
    assert "Question 2 of 2" in alice_client.get(response.url).content.decode()

    alice_client.post(_attempt_url(session, second, "skip"), {"answer": "not sure"})
    summary = alice_client.get(f"/practice/sessions/{session.pk}/", follow=True)
    assert summary.redirect_chain[-1][0] == f"/practice/sessions/{session.pk}/summary/"
    page = summary.content.decode()
    assert "Answered" in page and "Skipped" in page
    assert "4 · Interview-ready" in page
    assert ReviewCard.objects.filter(user=alice, question=first.question).exists()


def test_empty_answer_is_refused(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:1])
    attempt = session.attempts.get()

    response = alice_client.post(_attempt_url(session, attempt, "submit"), {"answer": "   "})

    assert "Write your answer first, or skip the question." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == "pending"


def test_overlong_answer_is_refused_and_stays_in_the_box(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:1])
    attempt = session.attempts.get()
    text = "recall " * 3000  # 21,000 characters

    response = alice_client.post(_attempt_url(session, attempt, "submit"), {"answer": text})

    page = response.content.decode()
    assert "Your answer is 21000 characters long; the limit is 20000." in page
    assert "recall recall recall" in page
    attempt.refresh_from_db()
    assert attempt.status == "pending"
    assert attempt.answer == ""


def test_an_answer_over_the_upload_limit_is_refused_and_kept_as_a_draft(
    alice_client, alice, bank, caplog
):
    """Django takes 2.5 MB a request; past that the answer used to get a bare "Bad Request"."""
    session = make_session(user=alice, questions=bank[:1])
    attempt = session.attempts.get()
    text = "recall " * 430_000  # 3,010,000 characters

    with caplog.at_level(logging.WARNING):
        response = alice_client.post(
            _attempt_url(session, attempt, "submit"),
            urlencode({"answer": text}),
            content_type=FORM_ENCODED,
        )

    assert response.status_code == 200
    page = response.content.decode()
    assert "only the beginning of each long text arrived" in page
    assert "the limit is 20000. Shorten it" in page
    assert "recall recall recall" in page
    attempt.refresh_from_db()
    assert attempt.status == "pending"
    assert attempt.draft == text[:20_000]
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(r.levelname, r.exc_info) for r in warnings] == [("WARNING", None)]
    assert "3010007 bytes" in warnings[0].getMessage()


def test_a_post_over_the_upload_limit_elsewhere_says_nothing_was_saved(
    alice_client, alice, caplog
):
    with caplog.at_level(logging.WARNING):
        response = alice_client.post(
            "/accounts/profile/",
            urlencode({"display_name": "x" * 3_000_000, "daily_goal": "9", "time_zone": "UTC"}),
            content_type=FORM_ENCODED,
        )

    assert response.status_code == 413
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert "go back in your browser" in page
    alice.profile.refresh_from_db()
    assert alice.profile.daily_goal == 5
    assert [r.levelname for r in caplog.records if r.levelno >= logging.WARNING] == ["WARNING"]


def test_a_multipart_answer_over_the_upload_limit_says_nothing_was_saved(
    alice_client, alice, bank, caplog
):
    session = make_session(user=alice, questions=bank[:1])
    attempt = session.attempts.get()

    with caplog.at_level(logging.WARNING):
        response = alice_client.post(
            _attempt_url(session, attempt, "submit"), {"answer": "recall " * 430_000}
        )

    assert response.status_code == 413
    assert "Nothing was saved" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.status == "pending" and attempt.draft == ""
    assert [r.levelname for r in caplog.records if r.levelno >= logging.WARNING] == ["WARNING"]


def test_an_answer_far_over_the_upload_limit_is_refused_unread(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:1])
    attempt = session.attempts.get()

    response = alice_client.post(
        _attempt_url(session, attempt, "submit"),
        urlencode({"answer": "recall " * 1_600_000}),  # 11 MB
        content_type=FORM_ENCODED,
    )

    assert response.status_code == 413
    assert "Nothing was saved" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.draft == ""


def test_double_submit_records_one_answer(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:2])
    attempt = session.attempts.get(position=1)
    url = _attempt_url(session, attempt, "submit")

    alice_client.post(url, {"answer": "first"})
    second = alice_client.post(url, {"answer": "second"}, follow=True)

    assert "That answer was already recorded." in second.content.decode()
    attempt.refresh_from_db()
    assert attempt.answer == "first"
    assert Attempt.objects.filter(session=session, status="answered").count() == 1


def test_double_grade_reviews_the_card_once(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:1])
    attempt = session.attempts.get()
    alice_client.post(_attempt_url(session, attempt, "submit"), {"answer": "recall"})

    for _ in range(2):
        alice_client.post(_attempt_url(session, attempt, "grade"), {"grade": "3"})

    assert ReviewCard.objects.get(user=alice).reviews == 1


def test_a_grade_sent_again_without_a_choice_after_the_last_answer_is_not_an_error(
    alice_client, alice, bank
):
    session = make_session(user=alice, questions=bank[:1])
    attempt = session.attempts.get()
    alice_client.post(_attempt_url(session, attempt, "submit"), {"answer": "recall"})
    alice_client.post(_attempt_url(session, attempt, "grade"), {"grade": "3"})

    response = alice_client.post(_attempt_url(session, attempt, "grade"), {}, follow=True)

    assert response.status_code == 200
    assert "That grade was already recorded." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.grade == 3


def test_a_card_due_later_today_can_be_reviewed_now(alice_client, alice, bank):
    """The review page lists what is due by the end of the day; starting takes the same."""
    now = timezone.localtime()
    later_today = min(now + dt.timedelta(minutes=30), now.replace(hour=23, minute=59))
    if later_today <= now:
        pytest.skip("too close to midnight for a card due later today")
    ReviewCard.objects.create(user=alice, question=bank[0], state=2, due=later_today)
    assert bank[0].title in alice_client.get("/practice/review/").content.decode()

    response = alice_client.post("/practice/review/start/")

    session = PracticeSession.objects.get(user=alice)
    assert response.url == f"/practice/sessions/{session.pk}/"
    assert [a.question for a in session.attempts.all()] == [bank[0]]


def test_grade_without_a_choice_is_refused_on_the_same_step(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:1])
    attempt = session.attempts.get()
    alice_client.post(_attempt_url(session, attempt, "submit"), {"answer": "recall"})

    response = alice_client.post(_attempt_url(session, attempt, "grade"), {"grade": "9"})

    assert "Select a valid choice" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.grade is None


def test_draft_endpoint_saves_while_pending_only(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:1])
    attempt = session.attempts.get()
    url = _attempt_url(session, attempt, "draft")

    assert alice_client.post(url, {"answer": "typing..."}).status_code == 204
    assert "typing..." in alice_client.get(f"/practice/sessions/{session.pk}/").content.decode()
    assert alice_client.post(url, {"answer": "x" * 20_001}).status_code == 400
    alice_client.post(_attempt_url(session, attempt, "submit"), {"answer": "done"})
    assert alice_client.post(url, {"answer": "late"}).status_code == 409


def test_reveal_in_practice_shows_the_answer_and_is_recorded(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:1])
    attempt = session.attempts.get()

    alice_client.post(_attempt_url(session, attempt, "reveal"), {"answer": "my draft"})

    page = alice_client.get(f"/practice/sessions/{session.pk}/").content.decode()
    assert "you looked at it" in page
    assert "my draft" in page
    attempt.refresh_from_db()
    assert attempt.revealed_early


def test_mock_interview_refuses_to_reveal_and_grades_at_the_end(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:2], mode="mock", time_limit_seconds=600)
    first, second = session.attempts.order_by("position")

    response = alice_client.post(_attempt_url(session, first, "reveal"), {}, follow=True)
    assert "shows the model answers at the end" in response.content.decode()
    assert "Show the model answer first" not in response.content.decode()

    alice_client.post(_attempt_url(session, first, "submit"), {"answer": "recall and precision"})
    page = alice_client.get(f"/practice/sessions/{session.pk}/").content.decode()
    assert "Question 2 of 2" in page
    assert "How good was your answer?" not in page

    alice_client.post(_attempt_url(session, second, "submit"), {"answer": "no idea"})
    summary = alice_client.get(f"/practice/sessions/{session.pk}/summary/").content.decode()
    assert "Grade your 2 answers below" in summary

    alice_client.post(_attempt_url(session, first, "grade"), {"grade": "3", "next": "summary"})
    summary = alice_client.get(f"/practice/sessions/{session.pk}/summary/").content.decode()
    assert "Grade your 1 answer below" in summary


def test_a_summary_with_several_grading_forms_gives_each_its_own_ids(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:2], mode="mock", time_limit_seconds=600)
    first, second = session.attempts.order_by("position")
    alice_client.post(_attempt_url(session, first, "submit"), {"answer": "recall"})
    alice_client.post(_attempt_url(session, second, "submit"), {"answer": "precision"})

    summary = alice_client.get(f"/practice/sessions/{session.pk}/summary/").content.decode()

    ids = re.findall(r'\sid="([^"]+)"', summary)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for attempt in (first, second):
        assert f'for="id_attempt{attempt.pk}_grade_3"' in summary
        assert f'id="id_attempt{attempt.pk}_grade_3"' in summary
    # The fields keep their names, so the grade still saves.
    alice_client.post(_attempt_url(session, second, "grade"), {"grade": "3", "next": "summary"})
    second.refresh_from_db()
    assert second.grade == 3


def test_mock_answer_after_the_deadline_ends_the_interview(alice_client, alice, bank):
    started = timezone.now() - dt.timedelta(minutes=20)
    session = make_session(
        user=alice, questions=bank[:2], mode="mock", started_at=started, time_limit_seconds=600
    )
    attempt = session.attempts.get(position=1)

    response = alice_client.post(
        _attempt_url(session, attempt, "submit"), {"answer": "too late"}, follow=True
    )

    page = response.content.decode()
    assert "Time is up" in page
    assert "the text you sent after it was not recorded" in page
    assert set(session.attempts.values_list("status", flat=True)) == {"skipped"}


def test_summary_of_an_unfinished_session_goes_back_to_it(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:1])

    response = alice_client.get(f"/practice/sessions/{session.pk}/summary/")

    assert response.url == f"/practice/sessions/{session.pk}/"


def test_retry_the_ones_i_missed(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:3])
    for attempt, grade in zip(session.attempts.order_by("position"), ("1", "3", "0"), strict=True):
        alice_client.post(_attempt_url(session, attempt, "submit"), {"answer": "x"})
        alice_client.post(_attempt_url(session, attempt, "grade"), {"grade": grade})

    summary = alice_client.get(f"/practice/sessions/{session.pk}/summary/").content.decode()
    assert "Retry the 2 I missed" in summary
    response = alice_client.post(f"/practice/sessions/{session.pk}/retry/")

    retry = PracticeSession.objects.exclude(pk=session.pk).get()
    assert response.url == f"/practice/sessions/{retry.pk}/"
    assert [a.question for a in retry.attempts.order_by("position")] == [bank[0], bank[2]]


def test_another_users_session_and_attempts_are_404(alice, bob, bank):
    session = make_session(user=alice, questions=bank[:1])
    attempt = session.attempts.get()
    bob_client = Client()
    bob_client.force_login(bob)

    assert bob_client.get(f"/practice/sessions/{session.pk}/").status_code == 404
    assert bob_client.get(f"/practice/sessions/{session.pk}/summary/").status_code == 404
    assert bob_client.post(f"/practice/sessions/{session.pk}/retry/").status_code == 404
    for action in ("submit", "skip", "reveal", "draft", "grade"):
        response = bob_client.post(_attempt_url(session, attempt, action), {"answer": "hijack"})
        assert response.status_code == 404, action
    attempt.refresh_from_db()
    assert (attempt.status, attempt.draft) == ("pending", "")


def test_attempt_of_another_session_of_mine_is_404(alice_client, alice, bank):
    one = make_session(user=alice, questions=bank[:1])
    other = make_session(user=alice, questions=bank[1:2])

    url = _attempt_url(one, other.attempts.get(), "submit")

    assert alice_client.post(url, {"answer": "x"}).status_code == 404


def test_session_with_a_retired_question_still_opens(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:1])
    Question.objects.filter(pk=bank[0].pk).update(status=Question.Status.RETIRED)

    page = alice_client.get(f"/practice/sessions/{session.pk}/").content.decode()

    assert bank[0].title in page
    assert "retired from the bank" in page


def test_actions_refuse_get(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:1])
    attempt = session.attempts.get()

    assert alice_client.get(_attempt_url(session, attempt, "submit")).status_code == 405
    assert alice_client.get(f"/practice/sessions/{session.pk}/retry/").status_code == 405


def test_review_page_lists_due_questions_and_starts_a_session(alice_client, alice, bank):
    now = timezone.now()
    ReviewCard.objects.create(
        user=alice, question=bank[0], state=2, due=now - dt.timedelta(hours=1)
    )
    ReviewCard.objects.create(
        user=alice, question=bank[1], state=2, due=now + dt.timedelta(days=3)
    )

    page = alice_client.get("/practice/review/").content.decode()
    assert "<strong>1</strong> question due" in page
    assert bank[0].title in page and bank[1].title not in page
    assert 'id="forecast-data"' in page

    response = alice_client.post("/practice/review/start/")
    session = PracticeSession.objects.get(user=alice)
    assert response.url == f"/practice/sessions/{session.pk}/"
    assert [a.question for a in session.attempts.all()] == [bank[0]]


def test_empty_review_page_says_what_to_do(alice_client):
    page = alice_client.get("/practice/review/").content.decode()

    assert "Nothing is due today" in page
    assert "forecast-chart" not in page


def test_question_page_shows_my_attempts_and_not_others(alice_client, alice, bob, bank):
    make_history(user=alice, questions=[bank[0]], attempts_per_question=3, grade=3)
    make_history(user=bob, questions=[bank[0]], grade=0)

    page = alice_client.get(f"/questions/{bank[0].pk}/").content.decode()

    assert page.count("grade 3/4") == 3
    assert "grade 0/4" not in page


def test_not_yet_practised_filter(alice_client, alice, bank):
    make_history(user=alice, questions=bank[:4])

    response = alice_client.get("/questions/?unpractised=on")

    assert sorted(q.title for q in response.context["page"].object_list) == [
        "Question 4",
        "Question 5",
    ]


@pytest.mark.parametrize("history", [1, 40])
def test_page_queries_do_not_grow_with_history(client, history, django_assert_max_num_queries):
    """Guards the session (answering and grading), summary, review and question pages against
    per-attempt and per-mistake queries.

    40 rounds over 250 questions = 10,000 attempts for the heavy case.
    """
    user = make_user()
    client.force_login(user)
    skill = make_skill()
    questions = [
        make_question(skills=[skill], mistakes=[("Claim", "Correction")] * 3)
        for _ in range(250 if history > 1 else 5)
    ]
    make_history(user=user, questions=questions, attempts_per_question=history)
    ReviewCard.objects.bulk_create(
        ReviewCard(user=user, question=q, state=2, due=timezone.now()) for q in questions
    )
    session = make_session(user=user, questions=questions[:5])
    finished = PracticeSession.objects.filter(user=user, finished_at__isnull=False).first()
    grading = make_session(user=user, questions=questions[:2])
    answered = grading.attempts.get(position=1)
    client.get("/practice/")  # the first request after login stores the time zone
    client.post(_attempt_url(grading, answered, "submit"), {"answer": "An answer."})

    with django_assert_max_num_queries(12):
        client.get(f"/practice/sessions/{session.pk}/")
    with django_assert_max_num_queries(12):
        assert (
            "common mistakes" in client.get(f"/practice/sessions/{grading.pk}/").content.decode()
        )
    with django_assert_max_num_queries(12):
        client.get(f"/practice/sessions/{finished.pk}/summary/")
    with django_assert_max_num_queries(12):
        client.get("/practice/review/")
    ready = make_session(user=user, questions=questions[:4], mode="mock", clock_started_at=None)
    ready.time_limit_seconds = 1200
    ready.save()
    with django_assert_max_num_queries(12):
        assert (
            "Start the interview" in client.get(f"/practice/sessions/{ready.pk}/").content.decode()
        )
    timed_out = make_session(
        user=user,
        questions=questions[:4],
        mode="mock",
        time_limit_seconds=60,
        started_at=timezone.now() - dt.timedelta(hours=1),
    )
    client.get(f"/practice/sessions/{timed_out.pk}/summary/")  # ends it
    with django_assert_max_num_queries(12):
        page = client.get(f"/practice/sessions/{timed_out.pk}/summary/").content.decode()
        assert "Time is up" in page
    with django_assert_max_num_queries(12):
        client.get("/practice/")
    with django_assert_max_num_queries(12):
        client.get(f"/questions/{questions[0].pk}/")


def _five_point_question():
    return make_question(key_points=[(f"Point {n}", f"keyword{n}") for n in range(5)])


def _answer_and_grade(client, session, attempt, *, answer, grade, ticked, follow=False):
    client.post(_attempt_url(session, attempt, "submit"), {"answer": answer})
    points = list(attempt.question.key_points.order_by("order"))
    return client.post(
        _attempt_url(session, attempt, "grade"),
        {"grade": str(grade), "key_points": [point.pk for point in points[:ticked]]},
        follow=follow,
    )


def test_a_high_grade_with_few_points_ticked_is_pointed_out_after_grading(alice_client, alice):
    """The note compares the grade with the learner's ticks, though matching found every point."""
    session = make_session(user=alice, questions=[_five_point_question(), make_question()])
    attempt = session.attempts.get(position=1)

    response = _answer_and_grade(
        alice_client,
        session,
        attempt,
        answer="keyword0. keyword1. keyword2. keyword3. keyword4.",
        grade=4,
        ticked=1,
        follow=True,
    )

    assert (
        "You graded this 4 but ticked 1 of 5 key points: a 4 means complete, with trade-offs"
        in response.content.decode()
    )


def test_an_honest_low_grade_of_a_text_matching_every_point_gets_no_push_upwards(
    alice_client, alice
):
    session = make_session(user=alice, questions=[_five_point_question(), make_question()])
    attempt = session.attempts.get(position=1)

    response = _answer_and_grade(
        alice_client,
        session,
        attempt,
        answer="keyword0 keyword1 keyword2 keyword3 keyword4, all of it wrong.",
        grade=1,
        ticked=0,
        follow=True,
    )

    page = response.content.decode()
    assert "You graded this" not in page
    assert "harder on yourself" not in page


def test_grading_form_labels_what_matching_found_and_ticks_nothing_for_the_learner(
    alice_client, alice, bank
):
    session = make_session(user=alice, questions=bank[:1])
    attempt = session.attempts.get()
    alice_client.post(_attempt_url(session, attempt, "submit"), {"answer": "I report recall."})

    page = alice_client.get(f"/practice/sessions/{session.pk}/").content.decode()

    assert "Mentions recall (matching found this in your text)" in page
    assert "Mentions precision (matching" not in page
    assert not re.search(r'<input[^>]*name="key_points"[^>]*checked', page)


@pytest.mark.parametrize(("ticked", "shown"), [(1, "20%"), (5, "100%")])
def test_summary_shows_the_points_the_learner_ticked_and_matching_as_a_suggestion(
    alice_client, alice, ticked, shown
):
    """Matching finds 3 of 5 points; the learner's own ticks are the figure either way."""
    session = make_session(user=alice, questions=[_five_point_question()])
    attempt = session.attempts.get()
    _answer_and_grade(
        alice_client,
        session,
        attempt,
        answer="keyword0. keyword1. keyword2.",
        grade=2,
        ticked=ticked,
    )

    page = alice_client.get(f"/practice/sessions/{session.pk}/summary/").content.decode()

    assert re.search(
        rf"Key points you ticked</dt><dd[^>]*>{shown}</dd>"
        r'<dd class="small text-body-secondary mb-0">matching suggested 60%</dd>',
        page,
    )
    assert f"you ticked {shown} of key points · matching suggested 60%" in page


def test_question_page_shows_my_ticks_with_matching_as_a_suggestion(alice_client, alice, bank):
    make_history(user=alice, questions=[bank[0]], coverage=1.0, ticked=0.5)

    page = alice_client.get(f"/questions/{bank[0].pk}/").content.decode()

    assert "you ticked 50% of key points · matching suggested 100%" in page


def test_practise_one_question_from_its_page(alice_client, alice, bank):
    response = alice_client.post(f"/questions/{bank[3].pk}/practise/")

    session = PracticeSession.objects.get(user=alice)
    assert response.url == f"/practice/sessions/{session.pk}/"
    assert [a.question for a in session.attempts.all()] == [bank[3]]


def test_practise_now_pressed_twice_opens_one_session(alice_client, alice, bank):
    first = alice_client.post(f"/questions/{bank[3].pk}/practise/")
    second = alice_client.post(f"/questions/{bank[3].pk}/practise/")

    session = PracticeSession.objects.get(user=alice)
    assert first.url == second.url == f"/practice/sessions/{session.pk}/"


def test_practise_now_again_after_answering_starts_a_new_session(alice_client, alice, bank):
    alice_client.post(f"/questions/{bank[3].pk}/practise/")
    attempt = Attempt.objects.get(user=alice)
    alice_client.post(
        _attempt_url(attempt.session, attempt, "submit"), {"answer": "Mentions recall"}
    )

    again = alice_client.post(f"/questions/{bank[3].pk}/practise/")

    latest = PracticeSession.objects.filter(user=alice).latest("started_at")
    assert latest != attempt.session
    assert again.url == f"/practice/sessions/{latest.pk}/"


@pytest.mark.django_db(transaction=True)
def test_twenty_practise_now_presses_at_once_open_one_session(threads_db):
    question = make_question()
    alice = make_user(username="alice")
    client = Client()
    client.force_login(alice)
    client.get(f"/questions/{question.pk}/")  # the first request after login stores the time zone

    responses = run_at_once(
        lambda: same_browser(client).post(f"/questions/{question.pk}/practise/"), times=20
    )

    session = PracticeSession.objects.get(user=alice)
    assert {r.url for r in responses} == {f"/practice/sessions/{session.pk}/"}


def test_practise_a_draft_question_is_404(alice_client):
    draft = make_question(status=Question.Status.DRAFT)

    assert alice_client.post(f"/questions/{draft.pk}/practise/").status_code == 404


MISTAKES = [
    ("Accuracy is fine on imbalanced data", "It rewards always predicting the majority class."),
    ("ROC-AUC and PR-AUC say the same", "PR-AUC reacts to precision on the rare class."),
]


def test_common_mistakes_are_listed_after_the_answer_and_not_before(alice_client, alice):
    question = make_question(mistakes=MISTAKES)
    session = make_session(user=alice, questions=[question])
    attempt = session.attempts.get()
    url = f"/practice/sessions/{session.pk}/"

    before = alice_client.get(url).content.decode()
    assert "Check your answer for these common mistakes" not in before
    assert MISTAKES[0][0] not in before

    alice_client.post(_attempt_url(session, attempt, "submit"), {"answer": "Use accuracy."})
    after = alice_client.get(url).content.decode()

    assert "Check your answer for these common mistakes" in after
    for claim, correction in MISTAKES:
        assert claim in after and correction in after
    assert after.index(MISTAKES[0][0]) < after.index(MISTAKES[1][0])


def test_looking_at_the_answer_first_does_not_list_the_mistakes_before_answering(
    alice_client, alice
):
    session = make_session(user=alice, questions=[make_question(mistakes=MISTAKES)])
    attempt = session.attempts.get()

    alice_client.post(_attempt_url(session, attempt, "reveal"), {"answer": "draft"})
    page = alice_client.get(f"/practice/sessions/{session.pk}/").content.decode()

    assert "you looked at it" in page
    assert MISTAKES[0][0] not in page


def test_a_question_without_common_mistakes_shows_no_empty_section(alice_client, alice):
    session = make_session(user=alice, questions=[make_question()])
    attempt = session.attempts.get()

    alice_client.post(_attempt_url(session, attempt, "submit"), {"answer": "An answer."})
    page = alice_client.get(f"/practice/sessions/{session.pk}/").content.decode()

    assert "How good was your answer?" in page
    assert "common mistakes" not in page


def test_mock_interview_lists_common_mistakes_only_in_the_summary(alice_client, alice):
    first, second = make_question(mistakes=MISTAKES), make_question(mistakes=MISTAKES[:1])
    session = make_session(
        user=alice, questions=[first, second], mode="mock", time_limit_seconds=600
    )
    one, two = session.attempts.order_by("position")

    alice_client.post(_attempt_url(session, one, "submit"), {"answer": "accuracy"})
    assert (
        MISTAKES[0][0]
        not in alice_client.get(f"/practice/sessions/{session.pk}/").content.decode()
    )

    alice_client.post(_attempt_url(session, two, "skip"), {"answer": ""})
    summary = alice_client.get(f"/practice/sessions/{session.pk}/summary/").content.decode()

    assert summary.count("Check your answer for these common mistakes") == 2
    assert summary.count(MISTAKES[0][0]) == 2
    assert summary.count(MISTAKES[1][1]) == 1


# A mock interview, as in a real one: ready, start, warnings, time-up


def _start_mock(client, count=4):
    client.post("/practice/", {"start": "1", "mode": "mock", "source": "new", "count": count})
    return PracticeSession.objects.get(mode="mock")


def test_a_mock_interview_opens_on_a_ready_screen_with_its_plan_and_no_clock(
    alice_client, bank, django_assert_max_num_queries
):
    session = _start_mock(alice_client)

    with django_assert_max_num_queries(8):
        page = alice_client.get(f"/practice/sessions/{session.pk}/").content.decode()

    assert "4 questions, 20 minutes: about 5 minutes each." in page
    assert "Start the interview" in page
    assert "Your answer" not in page  # no question is shown before Start
    session.refresh_from_db()
    assert session.clock_started_at is None
    assert not session.attempts.filter(shown_at__isnull=False).exists()


def test_an_answer_cannot_be_sent_before_start(alice_client, bank):
    session = _start_mock(alice_client, count=2)
    first = session.attempts.get(position=1)

    response = alice_client.post(_attempt_url(session, first, "submit"), {"answer": "Early"})

    assert response.url == f"/practice/sessions/{session.pk}/"
    first.refresh_from_db()
    assert first.status == "pending"
    assert (
        alice_client.post(_attempt_url(session, first, "draft"), {"answer": "x"}).status_code
        == 409
    )


def test_start_sets_the_clock_and_a_reload_or_second_press_does_not_reset_it(alice_client, bank):
    session = _start_mock(alice_client)
    before = timezone.now()

    response = alice_client.post(f"/practice/sessions/{session.pk}/start/")

    assert response.url == f"/practice/sessions/{session.pk}/"
    session.refresh_from_db()
    started = session.clock_started_at
    assert started >= before
    page = alice_client.get(f"/practice/sessions/{session.pk}/").content.decode()
    assert "Question 1 of 4 · about 5 minutes each" in page
    assert "move on to the next question when the clock shows about 15:00" in page
    assert re.search(r'data-ms-left="(1[12]\d{5})"', page)  # just under 20 minutes
    alice_client.post(f"/practice/sessions/{session.pk}/start/")
    alice_client.get(f"/practice/sessions/{session.pk}/")
    session.refresh_from_db()
    assert session.clock_started_at == started


def _running_mock(user, questions, *, seconds_left, limit=600):
    return make_session(
        user=user,
        questions=questions,
        mode="mock",
        started_at=timezone.now() - dt.timedelta(seconds=limit - seconds_left),
        time_limit_seconds=limit,
    )


@pytest.mark.parametrize(
    ("seconds_left", "warning"),
    [
        (400, None),
        (250, "Less than 5 minutes left."),
        (50, "Less than 1 minute left."),
    ],
)
def test_the_page_warns_at_five_minutes_and_one_in_a_live_region(
    alice_client, alice, bank, seconds_left, warning
):
    session = _running_mock(alice, bank[:2], seconds_left=seconds_left)

    page = alice_client.get(f"/practice/sessions/{session.pk}/").content.decode()

    region = re.search(
        r'<div id="time-warning"[^>]*aria-live="assertive"[^>]*>(.*?)</div>', page, re.S
    )
    assert region, "the warnings have a live region"
    if warning:
        assert warning in region.group(1)
        assert 'class="alert' in region.group(1)
    else:
        assert "left" not in region.group(1)


def test_an_answer_sent_just_after_the_deadline_is_recorded_as_cut_off(alice_client, alice, bank):
    session = _running_mock(alice, bank[:3], seconds_left=30)
    first, second, third = session.attempts.order_by("position")
    alice_client.post(_attempt_url(session, first, "submit"), {"answer": "Recall matters."})
    alice_client.get(f"/practice/sessions/{session.pk}/")
    PracticeSession.objects.filter(pk=session.pk).update(
        clock_started_at=timezone.now() - dt.timedelta(seconds=605)
    )

    response = alice_client.post(
        _attempt_url(session, second, "submit"),
        {"answer": "Precision is the share of", "active_seconds": "20"},
    )

    assert response.url == f"/practice/sessions/{session.pk}/summary/"
    statuses = dict(session.attempts.values_list("position", "status"))
    assert statuses == {1: "answered", 2: "cut_off", 3: "skipped"}
    second.refresh_from_db()
    assert second.answer == "Precision is the share of"


def test_the_time_up_page_says_how_each_answer_was_recorded(
    alice_client, alice, bank, django_assert_max_num_queries
):
    session = _running_mock(alice, bank[:3], seconds_left=30)
    first, second, _ = session.attempts.order_by("position")
    alice_client.post(_attempt_url(session, first, "submit"), {"answer": "Recall matters."})
    alice_client.get(f"/practice/sessions/{session.pk}/")
    alice_client.post(_attempt_url(session, second, "draft"), {"answer": "Precision is half"})
    PracticeSession.objects.filter(pk=session.pk).update(
        clock_started_at=timezone.now() - dt.timedelta(minutes=20)
    )

    with django_assert_max_num_queries(25):
        page = alice_client.get(f"/practice/sessions/{session.pk}/summary/").content.decode()

    assert '<h1 class="h3">Time is up</h1>' in page
    assert "Question 0 — <strong>answered in time</strong>" in page
    assert "Question 1 — <strong>cut off at time-up: recorded as it stood</strong>" in page
    assert "Question 2 — <strong>not reached: recorded as skipped</strong>" in page
    assert 'Cut off at time-up</dt><dd class="h4 mb-0">1</dd>' in page
    assert 'Answered</dt><dd class="h4 mb-0">1</dd>' in page
    assert "Precision is half" in page
    assert "Grade your 2 answers below" in page  # the cut-off one is gradable too


def test_a_draft_after_the_deadline_is_refused(alice_client, alice, bank):
    session = _running_mock(alice, bank[:2], seconds_left=30)
    first = session.attempts.get(position=1)
    alice_client.post(_attempt_url(session, first, "draft"), {"answer": "In time"})
    PracticeSession.objects.filter(pk=session.pk).update(
        clock_started_at=timezone.now() - dt.timedelta(seconds=605)
    )

    response = alice_client.post(
        _attempt_url(session, first, "draft"), {"answer": "In time, more"}
    )

    assert response.status_code == 409
    first.refresh_from_db()
    assert first.draft == "In time"


def test_the_summary_shows_no_average_until_every_answer_is_graded(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:2], mode="mock", time_limit_seconds=600)
    first, second = session.attempts.order_by("position")
    for attempt in (first, second):
        alice_client.post(_attempt_url(session, attempt, "submit"), {"answer": "recall"})
    alice_client.post(_attempt_url(session, first, "grade"), {"grade": "4", "next": "summary"})

    page = alice_client.get(f"/practice/sessions/{session.pk}/summary/").content.decode()
    assert "1 of 2 graded" in page
    assert "4.0 / 4" not in page

    alice_client.post(_attempt_url(session, second, "grade"), {"grade": "2", "next": "summary"})
    page = alice_client.get(f"/practice/sessions/{session.pk}/summary/").content.decode()
    assert "3.0 / 4" in page
    assert "graded</dd>" not in page


def test_the_model_answer_is_open_beside_the_grade_of_a_mock_answer(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:2], mode="mock", time_limit_seconds=600)
    first, second = session.attempts.order_by("position")
    for attempt in (first, second):
        alice_client.post(_attempt_url(session, attempt, "submit"), {"answer": "recall"})
    alice_client.post(_attempt_url(session, first, "grade"), {"grade": "3", "next": "summary"})

    page = alice_client.get(f"/practice/sessions/{session.pk}/summary/").content.decode()

    articles = page.split("<article")[1:]
    assert "<details>" in articles[0]  # graded: folded away
    assert "<details open>" in articles[1]  # waiting for its grade: open


# Honest time


def test_the_active_time_sent_is_stored_and_shown_as_the_time_taken(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:1])
    attempt = session.attempts.get()
    alice_client.get(f"/practice/sessions/{session.pk}/")
    Attempt.objects.filter(pk=attempt.pk).update(
        shown_at=timezone.now() - dt.timedelta(seconds=245)
    )

    alice_client.post(
        _attempt_url(session, attempt, "submit"), {"answer": "recall", "active_seconds": "192"}
    )

    attempt.refresh_from_db()
    assert (attempt.active_seconds, attempt.seconds_taken) == (192, 192)
    assert attempt.wall_seconds in (245, 246)
    page = alice_client.get(f"/practice/sessions/{session.pk}/").content.decode()
    assert f"You took 3:12 (4:0{attempt.wall_seconds - 240} on the page)." in page


def test_an_active_time_over_the_wall_time_is_cut_to_it(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:1])
    attempt = session.attempts.get()
    alice_client.get(f"/practice/sessions/{session.pk}/")

    alice_client.post(
        _attempt_url(session, attempt, "submit"), {"answer": "recall", "active_seconds": "99999"}
    )

    attempt.refresh_from_db()
    assert attempt.active_seconds == attempt.wall_seconds == attempt.seconds_taken
    assert attempt.wall_seconds < 60


def test_without_javascript_the_time_taken_is_the_wall_time(alice_client, alice, bank):
    session = make_session(user=alice, questions=bank[:1])
    attempt = session.attempts.get()
    alice_client.get(f"/practice/sessions/{session.pk}/")
    Attempt.objects.filter(pk=attempt.pk).update(
        shown_at=timezone.now() - dt.timedelta(seconds=100)
    )

    alice_client.post(_attempt_url(session, attempt, "submit"), {"answer": "recall"})

    attempt.refresh_from_db()
    assert attempt.active_seconds is None
    assert attempt.seconds_taken == attempt.wall_seconds >= 100
    page = alice_client.get(f"/practice/sessions/{session.pk}/").content.decode()
    assert "on the page" not in page
    assert f"You took 1:4{attempt.wall_seconds - 100}." in page
