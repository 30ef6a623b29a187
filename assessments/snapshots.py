"""Writing self-assessments and reading their history."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404

from assessments.analysis import (
    calibrate_all,
    calibration_gap,
    change_counts,
    rating_changes,
)
from assessments.models import Assessment, Rating, RoleProfile, RubricLevel
from assessments.queries import recent_answers_by_skill, skill_refs
from mlcareer.accounts import profile_for

HISTORY_PER_PAGE = 10


def assessment_for_user(*, user: AbstractBaseUser, pk: int) -> Assessment:
    return get_object_or_404(Assessment.objects.select_related("role_profile"), pk=pk, user=user)


def current_draft(user: AbstractBaseUser) -> Assessment | None:
    return (
        Assessment.objects.filter(user=user, status=Assessment.Status.DRAFT)
        .select_related("role_profile")
        .first()
    )


@transaction.atomic
def assessment_save(
    *,
    user: AbstractBaseUser,
    role_profile: RoleProfile | None,
    note: str,
    levels: dict[int, int | None],
    evidence: dict[int, str],
    finish: bool,
    now: dt.datetime,
) -> Assessment:
    """Save the user's draft (creating it if needed) and, when `finish`, make it a snapshot.

    Ratings are replaced as a whole. A draft keeps a skill with a level or with evidence (typed
    before a level was chosen); a snapshot keeps the rated skills. A finished snapshot stores
    its calibration gap, and its role becomes the user's target role.
    """
    assessment = (
        Assessment.objects.select_for_update()
        .filter(user=user, status=Assessment.Status.DRAFT)
        .first()
    ) or Assessment.objects.create(user=user, created=now)
    assessment.role_profile = role_profile
    assessment.note = note
    Rating.objects.filter(assessment=assessment).delete()
    Rating.objects.bulk_create(
        Rating(
            assessment=assessment,
            skill_id=skill_id,
            level=level,
            evidence=evidence.get(skill_id, ""),
        )
        for skill_id, level in levels.items()
        if level is not None or (not finish and evidence.get(skill_id))
    )
    if finish:
        assessment.status = Assessment.Status.COMPLETE
        assessment.completed_at = now
        assessment.calibration_gap = calibration_gap(
            calibrate_all(
                skills=skill_refs(), levels=levels, answers=recent_answers_by_skill(user)
            )
        )
        if role_profile is not None:
            profile = profile_for(user)
            profile.target_role = role_profile
            profile.save(update_fields=["target_role", "updated"])
    assessment.save()
    return assessment


def history_page(*, user: AbstractBaseUser, page_number) -> tuple[Page, list[dict]]:
    """A page of finished snapshots, newest first, each with its change per skill since the
    snapshot before it. Reads the page's ratings and one more snapshot's, whatever the history."""
    snapshots = Assessment.objects.filter(user=user, status=Assessment.Status.COMPLETE).order_by(
        "-completed_at", "-pk"
    )
    page = Paginator(snapshots.select_related("role_profile"), HISTORY_PER_PAGE).get_page(
        page_number
    )
    on_page = list(page.object_list)
    if not on_page:
        return page, []
    last = on_page[-1]
    before_page = snapshots.filter(completed_at__lt=last.completed_at).values_list(
        "pk", flat=True
    )[:1]
    ids = [a.pk for a in on_page] + list(before_page)
    levels: dict[int, dict[int, int]] = {pk: {} for pk in ids}
    for assessment_id, skill_id, level in Rating.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", "skill_id", "level"
    ):
        levels[assessment_id][skill_id] = level
    skills = skill_refs()
    rows = []
    for index, assessment in enumerate(on_page):
        previous_id = ids[index + 1] if index + 1 < len(ids) else None
        changes = rating_changes(
            skills=skills,
            levels=levels[assessment.pk],
            previous=levels[previous_id] if previous_id else None,
        )
        rows.append(
            {
                "assessment": assessment,
                "changes": [c for c in changes if c.direction in ("up", "down")],
                "counts": change_counts(changes),
                "has_previous": previous_id is not None,
            }
        )
    return page, rows


def snapshot_detail(assessment: Assessment) -> dict:
    """One snapshot's ratings with their rubric descriptors and the change since the one before."""
    previous = (
        Assessment.objects.filter(
            user_id=assessment.user_id,
            status=Assessment.Status.COMPLETE,
            completed_at__lt=assessment.completed_at or assessment.created,
        )
        .order_by("-completed_at", "-pk")
        .first()
    )
    ratings = {
        rating.skill_id: rating
        for rating in Rating.objects.filter(assessment=assessment).select_related("skill")
    }
    previous_levels = (
        dict(Rating.objects.filter(assessment=previous).values_list("skill_id", "level"))
        if previous
        else None
    )
    descriptors = {
        (skill_id, level): (title, descriptor)
        for skill_id, level, title, descriptor in RubricLevel.objects.values_list(
            "skill_id", "level", "title", "descriptor"
        )
    }
    changes = rating_changes(
        skills=skill_refs(),
        levels={skill_id: r.level for skill_id, r in ratings.items()},
        previous=previous_levels,
    )
    return {
        "assessment": assessment,
        "previous": previous,
        "rows": [
            {
                "change": change,
                "rating": ratings.get(change.skill.id),
                "rubric": descriptors.get((change.skill.id, change.level)),
            }
            for change in changes
        ],
        "counts": change_counts(changes),
    }
