"""The AI judge's reviews without a model server: when one is asked for, the cache, the daily
limit, recovery of a stalled run, and where the verdict shows.

A judge is configured at an address where nothing listens; no request is made, because no
background task runs here. Finished reviews are rows made with their verdict.
"""

import datetime as dt
import html
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from practice.ai_reviews import (
    INTERRUPTED,
    MAX_TRIES,
    limit_message,
    recover_stalled,
    review_key,
)
from practice.models import AIReview, Attempt, KeyPoint, PracticeSession
from practice.tasks import review_answer
from tests.factories import make_ai_review, make_history, make_question, make_session

pytestmark = pytest.mark.django_db

ANSWER = "I would report recall, because accuracy is enough only with balanced classes."


@pytest.fixture
def ai(settings):
    settings.AI_BASE_URL = "http://127.0.0.1:9/v1"
    settings.AI_MODEL = "test-model"
    settings.AI_API_KEY = ""
    settings.AI_TIMEOUT = 30.0
    settings.AI_DAILY_LIMIT = 50
    return settings


@pytest.fixture
def no_ai(settings):
    settings.AI_BASE_URL = ""
    settings.AI_MODEL = ""
    return settings


@pytest.fixture
def opted_in(ai, alice):
    alice.profile.ai_reviews = True
    alice.profile.save()
    return alice


@pytest.fixture
def question(db):
    return make_question(
        title="Metrics for rare events",
        key_points=[("Mentions recall", "recall"), ("Mentions precision", "precision")],
    )


def _url(attempt, action):
    return f"/practice/sessions/{attempt.session_id}/attempts/{attempt.pk}/{action}/"


def _submit(client, attempt, answer=ANSWER):
    return client.post(_url(attempt, "submit"), {"answer": answer})


def _new_attempt(user, question, **session_fields):
    return make_session(user=user, questions=[question], **session_fields).attempts.get()


def _answered(user, question, answer=ANSWER):
    """An attempt answered and graded 4 in a finished practice session."""
    attempt = _new_attempt(user, question)
    now = timezone.now()
    Attempt.objects.filter(pk=attempt.pk).update(
        status=Attempt.Status.ANSWERED, answer=answer, submitted_at=now, grade=4, graded_at=now
    )
    PracticeSession.objects.filter(pk=attempt.session_id).update(finished_at=now)
    attempt.refresh_from_db()
    return attempt


# When a review is asked for


def test_without_opting_in_an_answer_goes_nowhere(
    alice_client, alice, ai, question, django_capture_on_commit_callbacks
):
    attempt = _new_attempt(alice, question)

    with django_capture_on_commit_callbacks(execute=True):
        _submit(alice_client, attempt)

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.ANSWERED
    assert not AIReview.objects.exists()
    assert DBTaskResult.objects.count() == 0


def test_without_an_ai_configured_an_opted_in_answer_goes_nowhere(
    alice_client, alice, no_ai, question, django_capture_on_commit_callbacks
):
    alice.profile.ai_reviews = True
    alice.profile.save()
    attempt = _new_attempt(alice, question)

    with django_capture_on_commit_callbacks(execute=True):
        _submit(alice_client, attempt)

    assert not AIReview.objects.exists()
    assert DBTaskResult.objects.count() == 0


def test_an_opted_in_answer_is_queued_for_the_judge_once_committed(
    alice_client, opted_in, question, django_capture_on_commit_callbacks
):
    attempt = _new_attempt(opted_in, question)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _submit(alice_client, attempt)

    review = AIReview.objects.get(attempt=attempt)
    assert (review.status, review.model, review.host) == ("queued", "test-model", "127.0.0.1:9")
    assert len(callbacks) == 1
    task = DBTaskResult.objects.get()
    assert task.task_path == "practice.tasks.review_answer"
    assert task.args_kwargs["args"] == [review.pk]


# The cache


def test_the_same_text_on_the_same_question_and_model_copies_the_earlier_verdict_at_once(
    alice_client, opted_in, question, django_capture_on_commit_callbacks
):
    earlier = make_ai_review(_answered(opted_in, question), grade=3)
    attempt = _new_attempt(opted_in, question)

    with django_capture_on_commit_callbacks(execute=True):
        _submit(alice_client, attempt, answer=f"  {ANSWER}\n")

    review = AIReview.objects.get(attempt=attempt)
    assert review.status == AIReview.Status.DONE
    assert review.from_cache
    assert (review.verdict, review.suggested_grade) == (earlier.verdict, 3)
    assert review.finished_at is not None
    assert DBTaskResult.objects.count() == 0


def test_an_edited_key_point_makes_a_new_question_version_and_asks_again(
    alice_client, opted_in, question, django_capture_on_commit_callbacks
):
    make_ai_review(_answered(opted_in, question))
    before = review_key(ANSWER, question, "test-model")
    KeyPoint.objects.filter(question=question, order=2).update(text="Mentions precision and F1")
    attempt = _new_attempt(opted_in, question)

    with django_capture_on_commit_callbacks(execute=True):
        _submit(alice_client, attempt)

    review = AIReview.objects.get(attempt=attempt)
    assert review.cache_key != before
    assert (review.status, review.from_cache) == (AIReview.Status.QUEUED, False)
    assert DBTaskResult.objects.count() == 1


def test_another_model_asks_again(
    alice_client, opted_in, ai, question, django_capture_on_commit_callbacks
):
    make_ai_review(_answered(opted_in, question))
    ai.AI_MODEL = "other-model"
    attempt = _new_attempt(opted_in, question)

    with django_capture_on_commit_callbacks(execute=True):
        _submit(alice_client, attempt)

    review = AIReview.objects.get(attempt=attempt)
    assert (review.status, review.model) == (AIReview.Status.QUEUED, "other-model")
    assert DBTaskResult.objects.count() == 1


# The daily limit


def test_past_the_daily_limit_the_review_is_limited_with_the_message_and_nothing_is_sent(
    alice_client, opted_in, ai, django_capture_on_commit_callbacks
):
    ai.AI_DAILY_LIMIT = 1
    first, second = (_new_attempt(opted_in, make_question()) for _ in range(2))

    with django_capture_on_commit_callbacks(execute=True):
        _submit(alice_client, first)
        _submit(alice_client, second)

    assert AIReview.objects.get(attempt=first).status == AIReview.Status.QUEUED
    limited = AIReview.objects.get(attempt=second)
    assert limited.status == AIReview.Status.LIMITED
    assert limited.error == limit_message()
    assert "today's 1 AI reviews" in limited.error
    assert DBTaskResult.objects.count() == 1


def test_copies_from_the_cache_do_not_count_towards_the_daily_limit(
    alice_client, opted_in, ai, question, django_capture_on_commit_callbacks
):
    ai.AI_DAILY_LIMIT = 1
    make_ai_review(
        _answered(opted_in, question), requested_at=timezone.now() - dt.timedelta(days=2)
    )
    copied, fresh = _new_attempt(opted_in, question), _new_attempt(opted_in, make_question())

    with django_capture_on_commit_callbacks(execute=True):
        _submit(alice_client, copied)
        _submit(alice_client, fresh)

    assert AIReview.objects.get(attempt=copied).from_cache
    assert AIReview.objects.get(attempt=fresh).status == AIReview.Status.QUEUED
    assert DBTaskResult.objects.count() == 1


def test_the_limit_turns_with_the_learners_day(alice_client, opted_in, ai, question):
    ai.AI_DAILY_LIMIT = 1
    yesterday = timezone.now() - dt.timedelta(days=1, hours=1)
    make_ai_review(_answered(opted_in, make_question()), requested_at=yesterday, from_cache=False)
    attempt = _new_attempt(opted_in, question)

    _submit(alice_client, attempt)

    assert AIReview.objects.get(attempt=attempt).status == AIReview.Status.QUEUED


# A mock interview


def test_a_mock_interview_sends_nothing_until_it_ends_then_every_answer(
    alice_client, opted_in, django_capture_on_commit_callbacks
):
    session = make_session(
        user=opted_in,
        questions=[make_question(), make_question(), make_question()],
        mode="mock",
        time_limit_seconds=900,
    )
    first, second, third = session.attempts.order_by("position")

    with django_capture_on_commit_callbacks(execute=True):
        _submit(alice_client, first)
    assert not AIReview.objects.exists()
    assert DBTaskResult.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(_url(second, "skip"), {"answer": ""})
        _submit(alice_client, third, answer="Precision matters when false alarms cost.")

    reviewed = set(AIReview.objects.values_list("attempt_id", flat=True))
    assert reviewed == {first.pk, third.pk}  # the skipped one has no answer to judge
    assert DBTaskResult.objects.count() == 2


# Recovering a review whose worker died


def _stalled(attempt, *, tries, minutes_ago):
    return make_ai_review(
        attempt,
        status=AIReview.Status.RUNNING,
        tries=tries,
        started_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )


def test_a_review_running_past_the_stall_time_is_queued_again(
    alice, ai, question, django_capture_on_commit_callbacks
):
    # Two tries of 30 s and a minute of slack: two minutes is past it.
    review = _stalled(_answered(alice, question), tries=1, minutes_ago=3)

    with django_capture_on_commit_callbacks(execute=True):
        recovered = recover_stalled(now=timezone.now())

    review.refresh_from_db()
    assert recovered == 1
    assert (review.status, review.started_at) == (AIReview.Status.QUEUED, None)
    assert DBTaskResult.objects.get().args_kwargs["args"] == [review.pk]


def test_a_stalled_review_already_tried_twice_fails_with_the_interrupted_message(
    alice, ai, question, django_capture_on_commit_callbacks
):
    review = _stalled(_answered(alice, question), tries=MAX_TRIES, minutes_ago=3)

    with django_capture_on_commit_callbacks(execute=True):
        recover_stalled(now=timezone.now())

    review.refresh_from_db()
    assert (review.status, review.error) == (AIReview.Status.FAILED, INTERRUPTED)
    assert "interrupted" in review.error
    assert DBTaskResult.objects.count() == 0


def test_a_queued_review_whose_worker_died_before_starting_it_is_queued_again(
    alice, ai, question, django_capture_on_commit_callbacks
):
    # The worker took the task (RUNNING) and died before it marked the review running.
    taken = review_answer.enqueue(0)
    DBTaskResult.objects.filter(pk=taken.id).update(status="RUNNING")
    review = make_ai_review(
        _answered(alice, question),
        status=AIReview.Status.QUEUED,
        task_id=str(taken.id),
        requested_at=timezone.now() - dt.timedelta(minutes=5),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stalled(now=timezone.now()) == 1

    review.refresh_from_db()
    assert review.status == AIReview.Status.QUEUED
    assert review.task_id != str(taken.id)
    assert DBTaskResult.objects.get(pk=review.task_id).args_kwargs["args"] == [review.pk]


def test_a_review_waiting_in_a_long_queue_is_left_alone(
    alice, ai, question, django_capture_on_commit_callbacks
):
    waiting = review_answer.enqueue(0)
    make_ai_review(
        _answered(alice, question),
        status=AIReview.Status.QUEUED,
        task_id=str(waiting.id),
        requested_at=timezone.now() - dt.timedelta(minutes=5),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stalled(now=timezone.now()) == 0

    assert DBTaskResult.objects.count() == 1


def test_a_review_running_for_a_moment_is_left_alone(
    alice, ai, question, django_capture_on_commit_callbacks
):
    review = _stalled(_answered(alice, question), tries=1, minutes_ago=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stalled(now=timezone.now()) == 0

    review.refresh_from_db()
    assert review.status == AIReview.Status.RUNNING
    assert DBTaskResult.objects.count() == 0


def test_opening_the_review_recovers_its_stalled_run(
    alice_client, alice, ai, question, django_capture_on_commit_callbacks
):
    attempt = _answered(alice, question)
    review = _stalled(attempt, tries=1, minutes_ago=10)

    with django_capture_on_commit_callbacks(execute=True):
        page = alice_client.get(_url(attempt, "ai-review")).content.decode()

    review.refresh_from_db()
    assert review.status == AIReview.Status.QUEUED
    assert "AI review in progress" in page
    assert DBTaskResult.objects.count() == 1


def test_the_daily_cleanup_recovers_stalled_reviews_and_forgets_old_task_results(
    alice, ai, question, django_capture_on_commit_callbacks
):
    stalled = _stalled(_answered(alice, question), tries=1, minutes_ago=30)
    old, recent = (review_answer.enqueue(0), review_answer.enqueue(0))
    DBTaskResult.objects.filter(pk=old.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - dt.timedelta(days=15)
    )
    DBTaskResult.objects.filter(pk=recent.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - dt.timedelta(days=1)
    )
    output = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("cleanup", stdout=output)

    stalled.refresh_from_db()
    assert stalled.status == AIReview.Status.QUEUED
    assert not DBTaskResult.objects.filter(pk=old.id).exists()
    assert DBTaskResult.objects.filter(pk=recent.id).exists()
    assert DBTaskResult.objects.filter(args_kwargs__args=[stalled.pk]).exists()
    assert "queued 1 stalled AI review(s) again" in output.getvalue()


# The poll view and the retry


def test_the_review_of_another_users_answer_is_404(alice_client, ai, bob, question):
    attempt = _answered(bob, question)
    make_ai_review(attempt)

    assert alice_client.get(_url(attempt, "ai-review")).status_code == 404
    assert alice_client.post(_url(attempt, "ai-review/retry")).status_code == 404


def test_an_answer_without_a_review_has_no_review_page(alice_client, alice, ai, question):
    attempt = _answered(alice, question)

    assert alice_client.get(_url(attempt, "ai-review")).status_code == 404


def test_retry_needs_a_post(alice_client, alice, ai, question):
    attempt = _answered(alice, question)
    make_ai_review(attempt, status=AIReview.Status.FAILED)

    assert alice_client.get(_url(attempt, "ai-review/retry")).status_code == 405
    assert AIReview.objects.get(attempt=attempt).status == AIReview.Status.FAILED


def test_retry_queues_a_failed_review_again(
    alice_client, alice, ai, question, django_capture_on_commit_callbacks
):
    attempt = _answered(alice, question)
    review = make_ai_review(attempt, status=AIReview.Status.FAILED, tries=2)

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(_url(attempt, "ai-review/retry"), HTTP_HX_REQUEST="true")

    review.refresh_from_db()
    assert (review.status, review.error, review.tries) == (AIReview.Status.QUEUED, "", 0)
    assert DBTaskResult.objects.get().args_kwargs["args"] == [review.pk]
    assert "AI review in progress" in response.content.decode()


@pytest.mark.parametrize("status", [AIReview.Status.DONE, AIReview.Status.LIMITED])
def test_retry_leaves_a_review_that_did_not_fail_as_it_is(
    alice_client, alice, ai, question, django_capture_on_commit_callbacks, status
):
    attempt = _answered(alice, question)
    make_ai_review(attempt, status=status)

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(_url(attempt, "ai-review/retry"), follow=True)

    assert "That AI review is not a failed one: nothing to retry." in response.content.decode()
    assert AIReview.objects.get(attempt=attempt).status == status
    assert DBTaskResult.objects.count() == 0


# What the panel shows


def test_the_panel_polls_while_the_review_is_pending(alice_client, alice, ai, question):
    attempt = _answered(alice, question)
    make_ai_review(attempt, status=AIReview.Status.QUEUED)

    panel = alice_client.get(_url(attempt, "ai-review")).content.decode()

    assert "AI review in progress" in panel
    assert 'hx-trigger="every 2s"' in panel
    assert f'hx-get="{_url(attempt, "ai-review")}"' in panel


def test_the_panel_shows_the_verdict_with_quotes_and_corrections_when_done(
    alice_client, alice, ai, question
):
    attempt = _answered(alice, question)
    make_ai_review(attempt, grade=2)

    panel = alice_client.get(_url(attempt, "ai-review")).content.decode()

    assert "Suggested grade 2" in panel
    assert "Recall is explained; precision is not mentioned." in panel
    assert "“report recall”" in panel
    assert "“accuracy is enough”" in panel
    assert "Accuracy hides the rare class when classes are imbalanced." in panel
    assert "hx-trigger" not in panel
    assert "test-model at 127.0.0.1:9" in panel


@pytest.mark.parametrize(
    ("dropped", "said"),
    [
        (1, "1 quote that is not in your answer was left out."),
        (2, "2 quotes that are not in your answer were left out."),
    ],
)
def test_the_panel_says_how_many_quotes_not_in_the_answer_were_left_out(
    alice_client, alice, ai, question, dropped, said
):
    attempt = _answered(alice, question)
    review = make_ai_review(attempt)
    review.verdict["dropped_quotes"] = dropped
    review.save()

    assert said in alice_client.get(_url(attempt, "ai-review")).content.decode()


def test_the_panel_offers_a_retry_when_the_review_failed(alice_client, alice, ai, question):
    attempt = _answered(alice, question)
    make_ai_review(attempt, status=AIReview.Status.FAILED)

    panel = alice_client.get(_url(attempt, "ai-review")).content.decode()

    assert "The AI review failed. The AI judge at 127.0.0.1:9 could not be reached." in panel
    assert f'action="{_url(attempt, "ai-review/retry")}"' in panel
    assert "Try the AI review again" in panel
    assert "hx-trigger" not in panel


def test_the_panel_explains_a_limited_review(alice_client, alice, ai, question):
    attempt = _answered(alice, question)
    make_ai_review(attempt, status=AIReview.Status.LIMITED, error=limit_message())

    panel = html.unescape(alice_client.get(_url(attempt, "ai-review")).content.decode())

    assert limit_message() in panel
    assert "Try the AI review again" not in panel


def test_the_session_summary_shows_the_judges_suggestion_beside_my_grade(
    alice_client, alice, ai, question
):
    attempt = _answered(alice, question)
    make_ai_review(attempt, grade=1)

    page = alice_client.get(f"/practice/sessions/{attempt.session_id}/summary/").content.decode()

    assert "grade 4 · Interview-ready · AI judge suggested 1" in page
    assert "Suggested grade 1" in page


def test_on_a_summary_the_review_headings_sit_under_the_question_and_polling_keeps_them_there(
    alice_client, alice, ai, question
):
    attempt = _answered(alice, question)
    make_ai_review(attempt, status=AIReview.Status.QUEUED)

    summary = alice_client.get(f"/practice/sessions/{attempt.session_id}/summary/").content
    assert re.search(r"<h4 [^>]*>AI interviewer's review</h4>", summary.decode())
    assert f'data-hx-get="{_url(attempt, "ai-review")}?level=4"' in summary.decode()

    AIReview.objects.filter(attempt=attempt).delete()
    make_ai_review(attempt, grade=2)
    polled = alice_client.get(_url(attempt, "ai-review") + "?level=4").content.decode()
    assert re.search(r"<h4 [^>]*>AI interviewer's review</h4>", polled)
    assert re.search(r"<h5 [^>]*>Statements the judge thinks are wrong</h5>", polled)

    on_its_own = alice_client.get(_url(attempt, "ai-review") + "?level=9").content.decode()
    assert re.search(r"<h2 [^>]*>AI interviewer's review</h2>", on_its_own)
    assert re.search(r"<h3 [^>]*>Statements the judge thinks are wrong</h3>", on_its_own)


# The question page's history


def test_the_question_history_shows_the_judges_grade_beside_mine_and_pending_or_failed_ones(
    alice_client, alice, ai, question
):
    done, pending, failed, unreviewed = (_answered(alice, question) for _ in range(4))
    make_ai_review(done, grade=2)
    make_ai_review(pending, status=AIReview.Status.RUNNING, started_at=timezone.now())
    make_ai_review(failed, status=AIReview.Status.FAILED)

    page = alice_client.get(f"/questions/{question.pk}/").content.decode()

    lines = re.findall(
        r'<p class="small text-body-secondary mb-2">(Answered .*?)</p>',
        page.split('aria-label="My attempts, side by side"')[1],
    )
    assert len(lines) == 4
    text = [re.sub(r"<[^>]+>", "", line) for line in lines]
    assert sum("grade 4/4 · AI judge suggested 2" in line for line in text) == 1
    assert sum("grade 4/4 · AI review in progress" in line for line in text) == 1
    assert sum("grade 4/4 · AI review failed" in line for line in text) == 1
    assert sum(" AI " not in line for line in text) == 1


def test_the_question_history_reads_reviews_without_a_query_per_attempt(
    alice_client, alice, ai, question
):
    make_ai_review(_answered(alice, question))
    url = f"/questions/{question.pk}/"
    alice_client.get(url)  # stores the time zone in the session
    with CaptureQueriesContext(connection) as one:
        alice_client.get(url)
    for _ in range(9):
        make_ai_review(_answered(alice, question))

    with CaptureQueriesContext(connection) as ten:
        page = alice_client.get(url).content.decode()

    assert page.count("AI judge suggested 2") == 10
    assert len(ten.captured_queries) == len(one.captured_queries)


def test_the_question_history_of_answers_never_reviewed_says_nothing_about_ai(
    alice_client, alice, no_ai, question
):
    make_history(user=alice, questions=[question], attempts_per_question=2, grade=3)

    page = alice_client.get(f"/questions/{question.pk}/").content.decode()

    assert page.count("grade 3/4") == 2
    assert not re.search(r"\bAI\b", page)


def test_polling_a_recent_review_reads_it_once_and_looks_for_no_recovery(
    alice_client, alice, ai, question, django_assert_num_queries
):
    attempt = _answered(alice, question)
    make_ai_review(attempt, status=AIReview.Status.QUEUED)
    alice_client.get(_url(attempt, "ai-review"))  # the session and user, read once

    # The session and its user, the attempt, the review: no look at the task queue.
    with django_assert_num_queries(4):
        alice_client.get(_url(attempt, "ai-review"))
