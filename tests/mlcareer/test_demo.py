import random
from collections import Counter

import pytest
from django.utils import timezone

from mlcareer.content import content_load
from mlcareer.demo import QUALITY_GRADES, DemoAnswer, answer_for, demo_answers, demo_create
from practice.models import Attempt, Question

ANSWERS = demo_answers()


def test_every_demo_question_has_a_strong_and_a_partial_answer_and_a_known_quality():
    assert 30 <= len(ANSWERS) <= 40
    for slug, answers in ANSWERS.items():
        qualities = {answer.quality for answer in answers}
        assert qualities <= set(QUALITY_GRADES), slug
        assert {"strong", "partial"} <= qualities, slug
        assert qualities & {"mistake", "short"}, f"{slug} has no weak answer"
        assert len({answer.text for answer in answers}) == len(answers), slug


def test_a_learner_writes_the_answer_nearest_their_level():
    answers = [
        DemoAnswer(quality="strong", text="s"),
        DemoAnswer(quality="partial", text="p"),
        DemoAnswer(quality="short", text="x"),
    ]
    rng = random.Random(1)

    assert answer_for(answers, 4, rng).quality == "strong"
    assert answer_for(answers, 3, rng).quality == "strong"
    assert answer_for(answers, 2, rng).quality == "partial"
    assert answer_for(answers, 0, rng).quality == "short"
    assert answer_for(answers, 1, rng).quality == "short"  # no mistaken one: the nearest


def test_an_answers_grade_stays_within_its_quality():
    strong, partial = DemoAnswer("strong", "s"), DemoAnswer("partial", "p")
    mistake, short = DemoAnswer("mistake", "m"), DemoAnswer("short", "x")

    assert [strong.grade_for(level) for level in (2, 3, 4)] == [3, 3, 4]
    assert [partial.grade_for(level) for level in (0, 2, 4)] == [2, 2, 2]
    assert [mistake.grade_for(level) for level in (0, 1, 3)] == [0, 1, 1]
    assert short.grade_for(4) == 1


@pytest.mark.django_db
def test_every_demo_question_is_a_shipped_published_question():
    content_load()

    published = set(Question.objects.published().values_list("slug", flat=True))
    assert set(ANSWERS) <= published


@pytest.mark.django_db
def test_the_demo_learner_answers_like_a_candidate_not_filler():
    """Every answer is one written for its question, graded within its quality; the strong
    ones make most of the question's key points; the mix has strong, partial and weak ones."""
    content_load()
    demo_create(username="demo", password="demo-password-2026", now=timezone.now(), days=40)

    answered = list(
        Attempt.objects.filter(user__username="demo", status=Attempt.Status.ANSWERED)
        .select_related("question")
        .prefetch_related("question__key_points")
    )
    assert len(answered) > 100
    qualities = Counter()
    for attempt in answered:
        written = {a.text: a for a in ANSWERS[attempt.question.slug]}
        assert attempt.answer in written, attempt.answer[:80]
        answer = written[attempt.answer]
        qualities[answer.quality] += 1
        low, high = QUALITY_GRADES[answer.quality]
        assert low <= attempt.grade <= high
        points = {point.pk for point in attempt.question.key_points.all()}
        assert set(attempt.ticked_key_points) <= points
        if answer.quality == "strong":
            assert attempt.coverage >= 0.5, attempt.question.slug
            assert attempt.ticked_key_points
    assert "Here is how I would approach it" not in {a.answer[:31] for a in answered}
    assert qualities["strong"] and qualities["partial"]
    assert qualities["mistake"] + qualities["short"]


@pytest.mark.django_db
def test_the_demo_is_the_same_every_time():
    content_load()
    now = timezone.now()

    def history(username):
        demo_create(username=username, password="demo-password-2026", now=now, days=20)
        return list(
            Attempt.objects.filter(user__username=username)
            .order_by("session__started_at", "position")
            .values_list("question__slug", "status", "answer", "grade")
        )

    assert history("first") == history("second")
