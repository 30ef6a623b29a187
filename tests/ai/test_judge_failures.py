"""The AI judge when things go wrong for real: a server that dies or is too slow, a worker
killed mid-review. No review is lost and the learner is told what happened."""

import datetime as dt
import signal
import threading
import time

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from practice.ai_reviews import _stall_after, recover_stalled
from practice.feedback import judge
from practice.feedback.judge import JudgeError, judge_answer
from practice.models import AIReview, Attempt
from practice.sessions import attempt_submit
from tests.ai import material
from tests.ai.workers import run_worker, start_worker_process, worker_environment
from tests.factories import make_session

pytestmark = pytest.mark.ai


def _answer(user, question, text=material.STRONG_ANSWER) -> Attempt:
    attempt = make_session(user=user, questions=[question]).attempts.get()
    attempt_submit(attempt, answer=text, now=timezone.now())
    attempt.refresh_from_db()
    return attempt


def _attempt_url(attempt, action: str) -> str:
    return f"/practice/sessions/{attempt.session_id}/attempts/{attempt.pk}/{action}/"


def _wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Waited {timeout:g} s for {what}.")
        time.sleep(0.1)


def test_a_server_slower_than_the_timeout_gives_a_message_naming_the_wait(spare_server, judge_at):
    judge_at(spare_server.base_url, timeout=0.3)

    with pytest.raises(JudgeError) as failure:
        judge_answer(material.question(), material.key_points(), material.STRONG_ANSWER)

    assert str(failure.value) == (
        f"The AI judge at {spare_server.host} did not answer within 0.3 s."
    )


def test_a_reply_cut_off_at_the_token_cap_is_reported_as_cut_off(
    model_server, judge_at, monkeypatch
):
    judge_at(model_server.base_url)
    monkeypatch.setattr(judge, "REPLY_MAX_TOKENS", 30)

    with pytest.raises(JudgeError) as failure:
        judge_answer(material.question(), material.key_points(), material.STRONG_ANSWER)

    assert str(failure.value) == (
        "The AI judge's reply ran past 30 tokens and was cut off before its end. "
        "It was asked twice."
    )


@pytest.mark.django_db(transaction=True)
def test_a_server_that_dies_mid_request_fails_the_review_and_a_retry_completes_it(
    client, learner, precision_question, spare_server, judge_at
):
    judge_at(spare_server.base_url)
    attempt = _answer(learner, precision_question)
    idle = spare_server.cpu_seconds()
    killer = threading.Thread(
        target=lambda: (spare_server.wait_until_busy(since=idle), spare_server.kill())
    )
    killer.start()

    run_worker()

    killer.join()
    review = AIReview.objects.get(attempt=attempt)
    assert review.status == AIReview.Status.FAILED
    assert review.error == (
        f"The AI judge at {spare_server.host} could not be reached, or stopped answering."
    )
    client.force_login(learner)
    panel = client.get(_attempt_url(attempt, "ai-review")).content.decode()
    assert f"The AI review failed. The AI judge at {spare_server.host}" in panel
    assert "Try the AI review again" in panel

    spare_server.start()  # back, on the same port
    # The panel's button posts with htmx and swaps in the panel it gets back.
    retried = client.post(_attempt_url(attempt, "ai-review/retry"), HTTP_HX_REQUEST="true")

    assert "AI review in progress" in retried.content.decode()
    review.refresh_from_db()
    assert (review.status, review.error) == (AIReview.Status.QUEUED, "")
    run_worker()
    review.refresh_from_db()
    assert review.status == AIReview.Status.DONE, review.error
    assert review.suggested_grade in range(5)
    panel = client.get(_attempt_url(attempt, "ai-review")).content.decode()
    assert f"Suggested grade {review.suggested_grade}</strong>" in panel


def test_a_worker_killed_mid_review_leaves_it_running_until_recovered_and_a_new_worker_ends_it(
    threads_db, learner, precision_question, spare_server, judge_at, tmp_path
):
    """The worker is a process of its own, as in production, sharing the test's database."""
    judge_at(spare_server.base_url)
    attempt = _answer(learner, precision_question)
    review = AIReview.objects.get(attempt=attempt)
    env = worker_environment(base_url=spare_server.base_url)
    idle = spare_server.cpu_seconds()
    doomed = start_worker_process("--worker-id", "doomed", env=env, log=tmp_path / "worker.log")
    try:
        _wait_for(
            lambda: AIReview.objects.get(pk=review.pk).status == AIReview.Status.RUNNING,
            timeout=60,
            what="the worker to take the review",
        )
        spare_server.wait_until_busy(since=idle)  # the judge is working on it
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()

    review.refresh_from_db()
    assert (review.status, review.tries) == (AIReview.Status.RUNNING, 1)
    task = DBTaskResult.objects.get(args_kwargs__args=[review.pk])
    assert (task.status, task.worker_ids) == ("RUNNING", ["doomed"])
    # Not yet taken for dead: a slow judge is not a dead worker.
    assert recover_stalled(now=timezone.now()) == 0
    later = timezone.now() + _stall_after() + dt.timedelta(seconds=1)
    assert recover_stalled(now=later) == 1
    review.refresh_from_db()
    assert review.status == AIReview.Status.QUEUED
    assert DBTaskResult.objects.filter(status="READY", args_kwargs__args=[review.pk]).exists()

    # The server would first finish the dead worker's request, which nobody reads any more.
    spare_server.kill()
    spare_server.start()
    second = start_worker_process(
        "--batch", "--worker-id", "second", env=env, log=tmp_path / "worker.log"
    )
    try:
        assert second.wait(timeout=180) == 0, (tmp_path / "worker.log").read_text()
    finally:
        second.kill()

    review.refresh_from_db()
    assert review.status == AIReview.Status.DONE, review.error
    assert review.tries == 2
    assert review.suggested_grade in range(5)
