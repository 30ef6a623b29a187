"""Builders for test rows: sensible defaults, any field overridable, unique values by counter."""

import datetime as dt
import itertools

from django.contrib.auth import get_user_model
from django.utils import timezone

from assessments.models import (
    Assessment,
    GuideItem,
    GuideSection,
    Rating,
    RoleProfile,
    RubricLevel,
    SalaryBenchmark,
    Skill,
    SkillArea,
    TargetLevel,
)
from mlcareer.accounts import account_create
from practice.ai_reviews import review_key
from practice.models import (
    AIReview,
    Attempt,
    CommonMistake,
    KeyPoint,
    PracticeSession,
    Question,
    Topic,
)
from practice.search import search_index_refresh

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


# The content models whose permissions later migrations gave the Editors group, beyond those
# of practice.migrations.0002_editors_group.
_EDITORS_LATER_MODELS = {"practice": ["term", "commonmistake", "questionimage"]}


def editors_group():
    """The Editors group with the permissions its migrations give it.

    Transactional tests (the browser tests) empty the database, the group included, so a test
    that runs after one finds it gone; it is made again here as the migrations made it.
    """
    import importlib

    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name="Editors")
    if created:
        migration = importlib.import_module("practice.migrations.0002_editors_group")
        for content in (migration.CONTENT_MODELS, _EDITORS_LATER_MODELS):
            for app_label, models in content.items():
                group.permissions.add(
                    *Permission.objects.filter(
                        content_type__app_label=app_label, content_type__model__in=models
                    )
                )
    return group


def make_editor(*, username=None):
    """A staff member in the Editors group, who curates content but is no superuser."""
    user = make_user(username=username, is_staff=True)
    user.groups.add(editors_group())
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


def make_question(*, topic=None, skills=None, key_points=None, mistakes=(), **fields):
    """A published question with two key points, one skill and no common mistakes unless told
    otherwise; `mistakes` are (claim, correction) pairs."""
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
    CommonMistake.objects.bulk_create(
        CommonMistake(question=question, order=order, claim=claim, correction=correction)
        for order, (claim, correction) in enumerate(mistakes, start=1)
    )
    search_index_refresh([question.pk])  # key points came in bulk, as from an import
    return question


def make_session(
    *, user, questions=None, mode=PracticeSession.Mode.PRACTICE, started_at=None, **fields
):
    """A session of the given questions (two new ones by default), all still pending.

    A mock interview's clock runs from its start, as if Start was pressed; pass
    clock_started_at=None for one still on its "ready?" screen.
    """
    questions = questions if questions is not None else [make_question(), make_question()]
    started_at = started_at or timezone.now()
    if mode == PracticeSession.Mode.MOCK:
        fields.setdefault("clock_started_at", started_at)
    session = PracticeSession.objects.create(user=user, mode=mode, started_at=started_at, **fields)
    Attempt.objects.bulk_create(
        Attempt(session=session, user=user, question=question, position=position)
        for position, question in enumerate(questions, start=1)
    )
    return session


def make_history(
    *, user, questions, attempts_per_question=1, grade=2, start=None, coverage=0.5, ticked=0.5
):
    """Finished, graded attempts in bulk: one session per round over `questions`; `coverage`
    is what matching found, `ticked` the share of key points the learner ticked."""
    start = start or timezone.now() - dt.timedelta(days=attempts_per_question)
    for round_number in range(attempts_per_question):
        when = start + dt.timedelta(days=round_number)
        session = PracticeSession.objects.create(user=user, started_at=when, finished_at=when)
        Attempt.objects.bulk_create(
            Attempt(
                session=session,
                user=user,
                question=question,
                position=position,
                status=Attempt.Status.ANSWERED,
                answer="An answer",
                shown_at=when,
                submitted_at=when,
                seconds_taken=60,
                coverage=coverage,
                ticked_share=ticked,
                grade=grade,
                graded_at=when,
            )
            for position, question in enumerate(questions, start=1)
        )


def make_catalogue(*, size=3, target=3):
    """Skills with all five rubric levels, and a role that targets `target` on each."""
    area = make_skill_area()
    skills = [make_skill(area=area) for _ in range(size)]
    RubricLevel.objects.bulk_create(
        RubricLevel(
            skill=skill, level=level, title=f"Level {level}", descriptor=f"{skill.name} at {level}"
        )
        for skill in skills
        for level in range(5)
    )
    n = next(_sequence)
    role = RoleProfile.objects.create(name=f"Role {n}", slug=f"role-{n}")
    TargetLevel.objects.bulk_create(
        TargetLevel(profile=role, skill=skill, level=target) for skill in skills
    )
    return skills, role


def make_assessment(
    *, user, levels, role=None, completed_at=None, status=Assessment.Status.COMPLETE
):
    """A snapshot with the given {skill: level} ratings."""
    when = completed_at or timezone.now()
    assessment = Assessment.objects.create(
        user=user,
        role_profile=role,
        status=status,
        created=when,
        completed_at=when if status == Assessment.Status.COMPLETE else None,
    )
    Rating.objects.bulk_create(
        Rating(assessment=assessment, skill=skill, level=level) for skill, level in levels.items()
    )
    return assessment


def ai_verdict(*, grade=2):
    """A verdict as the AI judge's review stores it: the first of two points made, with its
    quote; the second missing; one statement found wrong, with its correction."""
    return {
        "points": [
            {"order": 1, "text": "Mentions recall", "status": "covered", "quote": "report recall"},
            {"order": 2, "text": "Mentions precision", "status": "missing", "quote": None},
        ],
        "incorrect": [
            {
                "statement": "accuracy is enough",
                "correction": "Accuracy hides the rare class when classes are imbalanced.",
            }
        ],
        "grade": grade,
        "why": "Recall is explained; precision is not mentioned.",
        "dropped_quotes": 0,
    }


def make_ai_review(attempt, *, status=AIReview.Status.DONE, grade=2, **fields):
    """The AI judge's review of an answered attempt, as `practice.ai_reviews` leaves it."""
    now = timezone.now()
    done = status == AIReview.Status.DONE
    defaults = {
        "model": "test-model",
        "host": "127.0.0.1:9",
        "cache_key": review_key(attempt.answer, attempt.question, "test-model"),
        "verdict": ai_verdict(grade=grade) if done else None,
        "suggested_grade": grade if done else None,
        "requested_at": now,
        "finished_at": now if done or status == AIReview.Status.FAILED else None,
        "error": "The AI judge at 127.0.0.1:9 could not be reached."
        if status == AIReview.Status.FAILED
        else "",
    }
    return AIReview.objects.create(
        attempt=attempt, user=attempt.user, status=status, **{**defaults, **fields}
    )


def make_png(*, width: int = 4, height: int = 3, colour: tuple[int, int, int] = (30, 90, 200)):
    """A real PNG image of one colour, written with zlib and struct as the format lays out."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(colour) * width  # filter byte "none", then RGB pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )
