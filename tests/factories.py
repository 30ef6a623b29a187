"""Builders for test rows: sensible defaults, any field overridable, unique values by counter."""

import itertools

from django.contrib.auth import get_user_model

from assessments.models import GuideItem, GuideSection, SalaryBenchmark, Skill, SkillArea
from mlcareer.accounts import account_create
from practice.models import KeyPoint, Question, Topic

DEFAULT_PASSWORD = "correct-horse-battery-staple"
_sequence = itertools.count(1)


def make_user(*, username=None, email=None, password=DEFAULT_PASSWORD, **fields):
    """A user with a profile, as sign-up makes them."""
    n = next(_sequence)
    username = username or f"user{n}"
    user = account_create(
        username=username, email=email or f"{username}@example.com", password=password
    )
    if fields:
        get_user_model().objects.filter(pk=user.pk).update(**fields)
        user.refresh_from_db()
    return user


def make_guide_section(**fields):
    n = next(_sequence)
    defaults = {"slug": f"section-{n}", "title": f"Section {n}", "order": n}
    return GuideSection.objects.create(**{**defaults, **fields})


def make_guide_item(*, section=None, **fields):
    n = next(_sequence)
    defaults = {
        "slug": f"item-{n}",
        "title": f"Item {n}",
        "body": f"Body of item {n}.",
        "order": n,
    }
    return GuideItem.objects.create(
        section=section or make_guide_section(), **{**defaults, **fields}
    )


def make_salary(**fields):
    n = next(_sequence)
    defaults = {
        "slug": f"country-{n}",
        "country": f"Country {n}",
        "currency": "EUR",
        "average": 50_000,
        "low": 40_000,
        "high": 70_000,
        "usd_per_unit": "1.10",
        "order": n,
    }
    return SalaryBenchmark.objects.create(**{**defaults, **fields})


def make_skill_area(**fields):
    n = next(_sequence)
    return SkillArea.objects.create(
        **{"name": f"Area {n}", "slug": f"area-{n}", "order": n, **fields}
    )


def make_skill(*, area=None, **fields):
    n = next(_sequence)
    defaults = {
        "name": f"Skill {n}",
        "slug": f"skill-{n}",
        "description": f"What skill {n} is.",
        "qualification": "Qualification: testing",
        "order": n,
    }
    return Skill.objects.create(area=area or make_skill_area(), **{**defaults, **fields})


def make_topic(**fields):
    n = next(_sequence)
    return Topic.objects.create(
        **{"name": f"Topic {n}", "slug": f"topic-{n}", "order": n, **fields}
    )


def make_question(*, topic=None, skills=None, key_points=None, **fields):
    """A published question with two key points and one skill unless told otherwise."""
    n = next(_sequence)
    defaults = {
        "title": f"Question {n}",
        "slug": f"question-{n}",
        "prompt": f"Explain idea number {n}.",
        "difficulty": Question.Difficulty.MEDIUM,
        "kind": Question.Kind.CONCEPTUAL,
        "model_answer": f"The answer to question {n}.",
        "status": Question.Status.PUBLISHED,
    }
    question = Question.objects.create(topic=topic or make_topic(), **{**defaults, **fields})
    question.skills.set(skills if skills is not None else [make_skill()])
    if key_points is None:
        key_points = [("First point", "first, one"), ("Second point", "second, two")]
    KeyPoint.objects.bulk_create(
        KeyPoint(question=question, order=order, text=text, keywords=keywords)
        for order, (text, keywords) in enumerate(key_points, start=1)
    )
    return question
