"""Writing self-assessments and reading their history."""

import datetime as dt
import uuid

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from assessments.analysis import (
    calibrate_all,
    calibration_gap,
    change_counts,
    rating_changes,
)
from assessments.models import Assessment, Rating, RoleProfile, RubricLevel
from assessments.queries import (
    latest_complete,
    recent_answers_by_skill,
    skill_refs,
    target_role_for,
)
from mlcareer.accounts import profile_lock

HISTORY_PER_PAGE = 10


def assessment_for_user(*, user: AbstractBaseUser, pk: int) -> Assessment:
    return get_object_or_404(Assessment.objects.select_related("role_profile"), pk=pk, user=user)


def current_draft(user: AbstractBaseUser) -> Assessment | None:
    """The user's draft, if any, with `rated`: how many skills it has a level for."""
    return (
        Assessment.objects.filter(user=user, status=Assessment.Status.DRAFT)
        .select_related("role_profile")
        .annotate(rated=Count("ratings", filter=Q(ratings__level__isnull=False)))
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


def draft_answers(assessment: Assessment) -> tuple[dict[int, int | None], dict[int, str]]:
    """An assessment's levels and evidence, {skill id: …}, in one query."""
    levels: dict[int, int | None] = {}
    evidence: dict[int, str] = {}
    for skill_id, level, text in Rating.objects.filter(assessment=assessment).values_list(
        "skill_id", "level", "evidence"
    ):
        levels[skill_id] = level
        evidence[skill_id] = text
    return levels, evidence


@transaction.atomic
def start_draft(*, user: AbstractBaseUser, now: dt.datetime) -> tuple[Assessment, bool]:
    """The user's draft, and whether it was started now: from the ratings and evidence of
    their latest snapshot, so that they only change what has moved, against their target
    role."""
    profile_lock(user)
    draft = Assessment.objects.filter(user=user, status=Assessment.Status.DRAFT).first()
    if draft is not None:
        return draft, False
    latest = latest_complete(user)
    draft = Assessment.objects.create(
        user=user, created=now, role_profile=target_role_for(user, latest)
    )
    if latest is not None:
        Rating.objects.bulk_create(
            Rating(assessment=draft, skill_id=skill_id, level=level, evidence=evidence)
            for skill_id, level, evidence in Rating.objects.filter(assessment=latest).values_list(
                "skill_id", "level", "evidence"
            )
        )
    return draft, True


KEEP = object()


@transaction.atomic
def save_step(
    *,
    user: AbstractBaseUser,
    draft_id: int,
    levels: dict[int, int | None],
    evidence: dict[int, str],
    role_profile=KEEP,
    note: str | None = None,
) -> Assessment | None:
    """Save one step's answers into the user's draft: the skills in `levels` are replaced, the
    others kept. A skill keeps a level, or evidence typed before a level was chosen. The role
    and the note change only when given. None when the draft is no longer one (finished
    meanwhile, in another tab or by a second click): nothing is changed then."""
    profile_lock(user)
    draft = Assessment.objects.filter(
        pk=draft_id, user=user, status=Assessment.Status.DRAFT
    ).first()
    if draft is None:
        return None
    Rating.objects.filter(assessment=draft, skill_id__in=list(levels)).delete()
    Rating.objects.bulk_create(
        Rating(
            assessment=draft, skill_id=skill_id, level=level, evidence=evidence.get(skill_id, "")
        )
        for skill_id, level in levels.items()
        if level is not None or evidence.get(skill_id)
    )
    changed = []
    if role_profile is not KEEP:
        draft.role_profile = role_profile
        changed.append("role_profile")
    if note is not None:
        draft.note = note
        changed.append("note")
    if changed:
        draft.save(update_fields=changed)
    return draft


def _complete(assessment: Assessment, *, user, profile, levels: dict, now: dt.datetime) -> None:
    """Make `assessment` a finished snapshot: its time, its calibration gap, and its role as
    the user's target role."""
    assessment.status = Assessment.Status.COMPLETE
    assessment.completed_at = now
    assessment.calibration_gap = calibration_gap(
        calibrate_all(skills=skill_refs(), levels=levels, answers=recent_answers_by_skill(user))
    )
    assessment.save()
    if assessment.role_profile_id is not None:
        profile.target_role_id = assessment.role_profile_id
        profile.save(update_fields=["target_role", "updated"])


@transaction.atomic
def finish_draft(
    *, user: AbstractBaseUser, draft_id: int, now: dt.datetime
) -> tuple[Assessment, list[int]]:
    """Finish the user's draft if every skill of the catalogue has a level.

    Returns the assessment and the ids of the skills still without a level, in catalogue
    order: when there are some, the draft stays a draft. An assessment already finished (a
    second click on Finish) is returned as it is. A user's saves run one at a time.
    """
    profile = profile_lock(user)
    assessment = get_object_or_404(Assessment, pk=draft_id, user=user)
    if not assessment.is_draft:
        return assessment, []
    levels, _ = draft_answers(assessment)
    missing = [skill.id for skill in skill_refs() if levels.get(skill.id) is None]
    if missing:
        return assessment, missing
    # Evidence kept for a skill that has since left the catalogue has no level: not a rating.
    Rating.objects.filter(assessment=assessment, level__isnull=True).delete()
    _complete(assessment, user=user, profile=profile, levels=levels, now=now)
    return assessment, []


@transaction.atomic
def save_quick_start(
    *,
    user: AbstractBaseUser,
    role_profile: RoleProfile,
    levels: dict[int, int],
    evidence: dict[int, str],
    now: dt.datetime,
    form_key: uuid.UUID | None = None,
) -> Assessment:
    """A finished snapshot of the few skills the quick start asked about; any draft of the
    full self-assessment is left as it is. Skills not in `levels` are not rated in it.

    `form_key` names the page. The same page sent again with the answers of the user's latest
    snapshot (a double click, a resent post) returns that snapshot; with other answers
    (changed after going back) it makes a new one, as a new page would.
    """
    profile = profile_lock(user)
    key_spent = (
        form_key is not None and Assessment.objects.filter(user=user, form_key=form_key).exists()
    )
    if key_spent:
        latest = latest_complete(user)
        if latest is not None and _answers_of(latest) == _answers(
            role_profile=role_profile, note="", levels=levels, evidence=evidence
        ):
            return latest
    assessment = Assessment.objects.create(
        user=user,
        role_profile=role_profile,
        status=Assessment.Status.COMPLETE,
        created=now,
        completed_at=now,
        form_key=None if key_spent else form_key,
    )
    Rating.objects.bulk_create(
        Rating(
            assessment=assessment,
            skill_id=skill_id,
            level=level,
            evidence=evidence.get(skill_id, ""),
        )
        for skill_id, level in levels.items()
        if level is not None
    )
    _complete(assessment, user=user, profile=profile, levels=levels, now=now)
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
    skills = skill_refs()
    levels = {skill_id: r.level for skill_id, r in ratings.items() if r.level is not None}
    changes = rating_changes(skills=skills, levels=levels, previous=previous_levels)
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
        "rated": sum(1 for skill in skills if skill.id in levels),
        "total": len(skills),
    }
