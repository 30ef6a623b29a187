import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from assessments.models import RoleProfile, RubricLevel, TargetLevel
from practice.models import (
    Attempt,
    CommonMistake,
    KeyPoint,
    PracticeSession,
    Question,
    QuestionFlag,
)
from tests.factories import make_question, make_session, make_skill, make_topic

pytestmark = pytest.mark.django_db


def _violates(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_question_slugs_are_unique():
    make_question(slug="same")

    _violates(lambda: make_question(slug="same"))


def test_question_rejects_unknown_choices_and_minutes_out_of_range():
    question = make_question()
    question.difficulty = "trivial"
    question.suggested_minutes = 0

    with pytest.raises(ValidationError) as error:
        question.full_clean()

    assert set(error.value.message_dict) == {"difficulty", "suggested_minutes"}
    _violates(lambda: Question.objects.filter(pk=question.pk).update(suggested_minutes=61))
    _violates(lambda: Question.objects.filter(pk=question.pk).update(status="lost"))


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("prompt", "x" * 3_001, "Ensure this value has at most 3000 characters (it has 3001)."),
        ("model_answer", "x" * 6_001, "at most 6000 characters (it has 6001)."),
        ("prompt", "Explain bias. " + "[" * 20_000, "at most 3000 characters"),
        ("prompt", "Explain bias. " + "[" * 200, "200 “[” are open at once in one paragraph"),
        ("model_answer", "> " * 10 + "deep", "nested more than 6 levels deep"),
    ],
    ids=["long-prompt", "long-answer", "issue-example", "open-brackets", "nested-quotes"],
)
def test_question_text_beyond_the_markdown_bounds_is_refused_with_what_to_change(
    field, text, message
):
    question = make_question()
    setattr(question, field, text)

    with pytest.raises(ValidationError) as error:
        question.full_clean()

    assert list(error.value.message_dict) == [field]
    assert any(message in problem for problem in error.value.message_dict[field])


def test_key_point_order_is_unique_within_a_question():
    question = make_question()

    _violates(lambda: KeyPoint.objects.create(question=question, order=1, text="x", keywords="x"))


def test_keyword_list_splits_and_trims():
    point = KeyPoint(text="t", keywords=" imputation, fill in ,, median ")

    assert point.keyword_list == ["imputation", "fill in", "median"]


def test_one_rubric_level_per_skill_and_level_in_range():
    skill = make_skill()
    RubricLevel.objects.create(skill=skill, level=0, title="None", descriptor="d")

    _violates(
        lambda: RubricLevel.objects.create(skill=skill, level=0, title="Again", descriptor="d")
    )
    _violates(
        lambda: RubricLevel.objects.create(skill=skill, level=5, title="Five", descriptor="d")
    )


def test_one_target_per_profile_and_skill_in_range():
    skill = make_skill()
    profile = RoleProfile.objects.create(name="Junior", slug="junior")
    TargetLevel.objects.create(profile=profile, skill=skill, level=2)

    _violates(lambda: TargetLevel.objects.create(profile=profile, skill=skill, level=3))
    other = make_skill()
    _violates(lambda: TargetLevel.objects.create(profile=profile, skill=other, level=7))


def test_only_one_open_flag_per_reason_but_resolved_ones_can_repeat(alice):
    question = make_question()
    first = QuestionFlag.objects.create(user=alice, question=question, reason="unclear")

    _violates(lambda: QuestionFlag.objects.create(user=alice, question=question, reason="unclear"))
    QuestionFlag.objects.filter(pk=first.pk).update(resolved_at=timezone.now())
    QuestionFlag.objects.create(user=alice, question=question, reason="unclear")
    assert QuestionFlag.objects.count() == 2


def test_attempt_grade_and_coverage_ranges(alice):
    attempt = make_session(user=alice).attempts.first()

    _violates(lambda: Attempt.objects.filter(pk=attempt.pk).update(grade=5))
    _violates(lambda: Attempt.objects.filter(pk=attempt.pk).update(coverage=1.5))


def test_a_question_with_attempts_cannot_be_deleted_only_retired(alice):
    question = make_question()
    make_session(user=alice, questions=[question])

    with pytest.raises(ProtectedError):
        question.delete()


def test_topic_with_questions_cannot_be_deleted():
    topic = make_topic()
    make_question(topic=topic)

    with pytest.raises(ProtectedError):
        topic.delete()


def test_common_mistake_order_is_unique_within_a_question():
    question = make_question(mistakes=[("Wrong", "Right")])

    _violates(
        lambda: CommonMistake.objects.create(question=question, order=1, claim="x", correction="y")
    )


@pytest.mark.parametrize(
    ("claim", "correction", "fields"),
    [
        ("", "", {"claim", "correction"}),
        ("x" * 301, "fine", {"claim"}),
        ("fine", "y" * 601, {"correction"}),
        ("Two\nlines", "fine", {"claim"}),
        ("fine", "Two\r\nlines", {"correction"}),
        ("Scaling => always helps", "fine", {"claim"}),
    ],
)
def test_common_mistake_needs_a_one_line_claim_and_correction_within_limits(
    claim, correction, fields
):
    mistake = CommonMistake(question=make_question(), claim=claim, correction=correction)

    with pytest.raises(ValidationError) as error:
        mistake.full_clean()

    assert set(error.value.message_dict) == fields


def test_a_correction_may_mention_the_separator_and_the_limits_are_inclusive():
    mistake = CommonMistake(
        question=make_question(), claim="x" * 300, correction="a => b " + "y" * 593
    )

    mistake.full_clean()


def test_common_mistakes_have_a_natural_key_of_question_slug_and_order():
    question = make_question(slug="overfit", mistakes=[("A", "a"), ("B", "b")])
    second = question.common_mistakes.get(order=2)

    assert second.natural_key() == ("overfit", 2)
    assert CommonMistake.objects.get_by_natural_key("overfit", 2) == second


def test_a_session_is_called_a_review_a_mock_interview_or_practice_by_what_it_holds(alice):
    due = make_session(user=alice, source=PracticeSession.Source.DUE)
    mock_of_due = make_session(
        user=alice, source=PracticeSession.Source.DUE, mode=PracticeSession.Mode.MOCK
    )
    mixed = make_session(user=alice)
    assert (due.label, mock_of_due.label, mixed.label) == ("Review", "Mock interview", "Practice")
