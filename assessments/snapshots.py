"""Writing self-assessments and reading their history."""

import datetime as dt
import uuid

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
from assessments.queries import latest_complete, recent_answers_by_skill, skill_refs
from mlcareer.accounts import profile_lock

HISTORY_PER_PAGE = 10


def assessment_for_user(*, user: AbstractBaseUser, pk: int) -> Assessment:
    return get_object_or_404(Assessment.objects.select_related("role_profile"), pk=pk, user=user)


def current_draft(user: AbstractBaseUser) -> Assessment | None:
    return (
        Assessment.objects.filter(user=user, status=Assessment.Status.DRAFT)
        .select_related("role_profile")
        .first()
    )


def _answers(
    *,
    role_profile: RoleProfile | None,
    note: str,
    levels: dict[int, int | None],
    evidence: dict[int, str],
) -> tuple:
    """What a finished snapshot records of a form, in a shape that compares."""
    rated = {
        (skill_id, level, evidence.get(skill_id, ""))
        for skill_id, level in levels.items()
        if level is not None
    }
    return (role_profile.pk if role_profile else None, note, rated)


def _answers_of(snapshot: Assessment) -> tuple:
    rated = set(
        Rating.objects.filter(assessment=snapshot).values_list("skill_id", "level", "evidence")
    )
    return (snapshot.role_profile_id, snapshot.note, rated)


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
    form_key: uuid.UUID | None = None,
) -> Assessment:
    """Save the user's draft (creating it if needed) and, when `finish`, make it a snapshot.

    Ratings are replaced as a whole. A draft keeps a skill with a level or with evidence (typed
    before a level was chosen); a snapshot keeps the rated skills. A finished snapshot stores
    its calibration gap, and its role becomes the user's target role.

    `form_key` names the form page. Finishing a page that already finished a snapshot, with
    the answers of the user's latest snapshot, returns that snapshot unchanged: a double click
    or a resent post makes one. With other answers (changed after going back to the page) it
    makes a new snapshot, as a new page would. A user's saves run one at a time, so parallel
    ones see each other's work.
    """
    profile = profile_lock(user)
    key_spent = (
        finish
        and form_key is not None
        and Assessment.objects.filter(user=user, form_key=form_key).exists()
    )
    if key_spent:
        latest = latest_complete(user)
        if latest is not None and _answers_of(latest) == _answers(
            role_profile=role_profile, note=note, levels=levels, evidence=evidence
        ):
            return latest
    assessment = Assessment.objects.filter(
        user=user, status=Assessment.Status.DRAFT
    ).first() or Assessment.objects.create(user=user, created=now)
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
        assessment.form_key = None if key_spent else form_key
        assessment.calibration_gap = calibration_gap(
            calibrate_all(
                skills=skill_refs(), levels=levels, answers=recent_answers_by_skill(user)
            )
        )
        if role_profile is not None:
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
