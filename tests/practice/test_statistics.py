import pytest

from practice.models import Attempt, Question, QuestionFlag
from practice.statistics import content_statistics, questions_with_usage
from tests.factories import make_history, make_question, make_session

pytestmark = pytest.mark.django_db


def test_usage_figures_per_question_do_not_multiply(alice, bob):
    question = make_question()
    make_history(user=alice, questions=[question], attempts_per_question=3, grade=1)
    make_history(user=bob, questions=[question], attempts_per_question=1, grade=4)
    skipped = make_session(user=alice, questions=[question]).attempts.get()
    Attempt.objects.filter(pk=skipped.pk).update(status="skipped", revealed_early=True)
    for reason in ("unclear", "wrong"):
        QuestionFlag.objects.create(user=alice, question=question, reason=reason)

    row = questions_with_usage(Question.objects.filter(pk=question.pk)).get()

    assert (row.attempt_count, row.graded_count, row.skip_count, row.looked_count) == (5, 4, 1, 1)
    assert row.mean_grade == pytest.approx((1 + 1 + 1 + 4) / 4)
    assert row.open_flag_count == 2


def test_answers_cut_off_at_time_up_are_counted_apart_from_skips(alice):
    question = make_question()
    make_history(user=alice, questions=[question], attempts_per_question=2, grade=3)
    for status in ("cut_off", "cut_off", "skipped"):
        attempt = make_session(user=alice, questions=[question]).attempts.get()
        Attempt.objects.filter(pk=attempt.pk).update(status=status)

    row = questions_with_usage(Question.objects.filter(pk=question.pk)).get()

    assert (row.attempt_count, row.skip_count, row.cut_off_count) == (5, 1, 2)


def test_the_question_list_in_admin_shows_the_share_cut_off(client, editor, alice):
    question = make_question(title="Long one")
    make_history(user=alice, questions=[question], attempts_per_question=3, grade=2)
    attempt = make_session(user=alice, questions=[question]).attempts.get()
    Attempt.objects.filter(pk=attempt.pk).update(status="cut_off")
    client.force_login(editor)

    changelist = client.get("/admin/practice/question/").content.decode()

    assert "Cut off at time-up" in changelist
    assert '<td class="field-cut_off">25%</td>' in changelist


def test_content_statistics_rank_missed_unused_and_flagged(alice):
    hard, easy, unused, few = (make_question(title=t) for t in ("Hard", "Easy", "Unused", "Few"))
    make_history(user=alice, questions=[hard], attempts_per_question=3, grade=0)
    make_history(user=alice, questions=[easy], attempts_per_question=3, grade=4)
    make_history(user=alice, questions=[few], attempts_per_question=1, grade=0)
    QuestionFlag.objects.create(user=alice, question=easy, reason="unclear")
    make_question(title="Draft", status="draft")

    stats = content_statistics()

    assert [q.title for q in stats["most_missed"]] == ["Hard", "Easy"]
    assert [q.title for q in stats["never_practised"]] == ["Unused"]
    assert [q.title for q in stats["most_flagged"]] == ["Easy"]
    assert stats["published_count"] == 4


def test_statistics_page_shows_aggregates_and_no_answers(client, editor, alice):
    question = make_question(title="Tricky one")
    make_history(user=alice, questions=[question], attempts_per_question=3, grade=1)
    Attempt.objects.update(answer="SECRET LEARNER TEXT")
    client.force_login(editor)

    page = client.get("/admin/practice/question/statistics/").content.decode()

    assert "Tricky one" in page
    assert "SECRET LEARNER TEXT" not in page
    changelist = client.get("/admin/practice/question/").content.decode()
    assert "/admin/practice/question/statistics/" in changelist
    assert '<td class="field-average_grade">1.0</td>' in changelist


def test_statistics_page_is_for_staff_only(alice_client):
    response = alice_client.get("/admin/practice/question/statistics/")

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
