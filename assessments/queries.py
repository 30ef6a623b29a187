"""Reads behind the assessment pages: each returns plain data in one query."""

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, Count, F, Prefetch, Q, When, Window
from django.db.models.functions import RowNumber

from assessments.analysis import CALIBRATION_RECENT_ANSWERS, SkillRef
from assessments.models import (
    Assessment,
    Rating,
    RoleProfile,
    RubricLevel,
    Skill,
    TargetLevel,
)
from mlcareer.accounts import profile_for
from mlcareer.caching import content_cached
from practice.models import AIReview, Attempt, Question, ReviewCard
from practice.scheduling import retrievability


def skill_refs() -> list[SkillRef]:
    """The catalogue in display order (cached until an editor changes it)."""
    return content_cached(
        "skill-refs",
        lambda: [
            SkillRef(
                id=skill.pk,
                name=skill.name,
                slug=skill.slug,
                area=skill.area.name,
                order=(skill.area.order, skill.order),
            )
            for skill in Skill.objects.select_related("area").order_by(
                "area__order", "order", "name"
            )
        ],
    )


def skills_with_rubrics() -> list[Skill]:
    """Every skill with its area and its rubric levels (lowest first), in catalogue order, for
    the self-assessment pages (cached until an editor changes content)."""
    return content_cached(
        "skills-with-rubrics",
        lambda: list(
            Skill.objects.select_related("area")
            .prefetch_related(
                Prefetch("rubric_levels", queryset=RubricLevel.objects.order_by("level"))
            )
            .order_by("area__order", "order", "name")
        ),
    )


def default_role() -> RoleProfile | None:
    """The role offered to a learner who has not chosen one: the first in the editors' order."""
    return content_cached("default-role", lambda: RoleProfile.objects.first())


def skills() -> list[Skill]:
    """Every skill, for filter and start forms (cached until an editor changes it)."""
    return content_cached("skills", lambda: list(Skill.objects.all()))


def recent_snapshots(
    user: AbstractBaseUser, *, limit: int
) -> tuple[list[Assessment], dict[int, dict[int, int]]]:
    """The user's latest `limit` finished self-assessments, newest first, and each one's
    levels as {assessment id: {skill id: level}}, in two queries."""
    snapshots = list(
        Assessment.objects.filter(user=user, status=Assessment.Status.COMPLETE)
        .select_related("role_profile")
        .order_by("-completed_at", "-pk")[:limit]
    )
    levels: dict[int, dict[int, int]] = {snapshot.pk: {} for snapshot in snapshots}
    if snapshots:
        for assessment_id, skill_id, level in Rating.objects.filter(
            assessment_id__in=levels
        ).values_list("assessment_id", "skill_id", "level"):
            levels[assessment_id][skill_id] = level
    return snapshots, levels


def latest_complete(user: AbstractBaseUser) -> Assessment | None:
    return (
        Assessment.objects.filter(user=user, status=Assessment.Status.COMPLETE)
        .select_related("role_profile")
        .order_by("-completed_at", "-pk")
        .first()
    )


def targets_of(profile: RoleProfile | None) -> dict[int, int]:
    if profile is None:
        return {}
    return content_cached(
        f"targets:{profile.pk}",
        lambda: dict(TargetLevel.objects.filter(profile=profile).values_list("skill_id", "level")),
    )


def target_role_for(user: AbstractBaseUser, latest: Assessment | None) -> RoleProfile | None:
    """The role chosen in the settings, else the one of the latest self-assessment."""
    profile = profile_for(user)
    if profile.target_role_id:
        role_id = profile.target_role_id
        return content_cached(f"role:{role_id}", lambda: RoleProfile.objects.get(pk=role_id))
    return latest.role_profile if latest else None


class RecentGrading(NamedTuple):
    # {skill id: (grades, ticked shares)}, as `calibrate_all` reads them
    answers: dict[int, tuple[list[int], list[float]]]
    # {skill id: [(grade, the AI judge's suggested grade)]} of those answers the judge reviewed
    judged: dict[int, list[tuple[int, int]]]
    # The same pairs once per answer, whatever its number of skills
    judged_answers: list[tuple[int, int]]


def recent_grading_by_skill(
    user: AbstractBaseUser,
    *,
    limit: int = CALIBRATION_RECENT_ANSWERS,
    before: dt.datetime | None = None,
) -> RecentGrading:
    """Per skill, the grades and the shares of key points ticked (0 to 1, for answers whose
    question had key points) of the user's `limit` latest graded answers; and, for those the AI
    judge reviewed, its suggested grade beside theirs.

    Ranked in the database with a window function, so only those rows are read, in one query.
    """
    attempts = Attempt.objects.filter(
        user=user, grade__isnull=False, question__skills__isnull=False
    ).order_by()
    if before is not None:
        attempts = attempts.filter(graded_at__lte=before)
    ranked = attempts.annotate(
        skill_id=F("question__skills"),
        recency=Window(
            RowNumber(),
            partition_by=F("question__skills"),
            order_by=[F("graded_at").desc(), F("pk").desc()],
        ),
        # Only a finished review's grade: a queued or failed one has none to compare.
        judge_grade=Case(
            When(ai_review__status=AIReview.Status.DONE, then=F("ai_review__suggested_grade"))
        ),
    ).filter(recency__lte=limit)
    grades: dict[int, list[int]] = defaultdict(list)
    ticked: dict[int, list[float]] = defaultdict(list)
    judged: dict[int, list[tuple[int, int]]] = defaultdict(list)
    judged_answers: dict[int, tuple[int, int]] = {}
    rows = ranked.values_list("pk", "skill_id", "grade", "ticked_share", "judge_grade")
    for pk, skill_id, grade, share, judge_grade in rows:
        grades[skill_id].append(grade)
        if share is not None:
            ticked[skill_id].append(share)
        if judge_grade is not None:
            judged[skill_id].append((grade, judge_grade))
            judged_answers[pk] = (grade, judge_grade)
    return RecentGrading(
        answers={skill_id: (grades[skill_id], ticked[skill_id]) for skill_id in grades},
        judged=dict(judged),
        judged_answers=list(judged_answers.values()),
    )


def recent_answers_by_skill(
    user: AbstractBaseUser,
    *,
    limit: int = CALIBRATION_RECENT_ANSWERS,
    before: dt.datetime | None = None,
) -> dict[int, tuple[list[int], list[float]]]:
    """The `answers` part of `recent_grading_by_skill`."""
    return recent_grading_by_skill(user, limit=limit, before=before).answers


def memory_by_skill(user: AbstractBaseUser, *, now: dt.datetime) -> dict[int, list[float]]:
    """Per skill, today's recall probability of each practised question (one FSRS card each)."""
    cards = (
        ReviewCard.objects.filter(user=user, question__skills__isnull=False)
        .order_by()
        .values_list("question__skills", "stability", "last_review")
    )
    memory: dict[int, list[float]] = defaultdict(list)
    for skill_id, stability, last_review in cards:
        memory[skill_id].append(retrievability(stability, last_review, now=now))
    return dict(memory)


def question_counts_by_skill() -> dict[int, int]:
    """Published questions per skill (cached until an editor changes content)."""
    return content_cached(
        "question-counts-by-skill",
        lambda: dict(
            Skill.objects.annotate(
                n=Count("questions", filter=Q(questions__status=Question.Status.PUBLISHED))
            ).values_list("pk", "n")
        ),
    )
