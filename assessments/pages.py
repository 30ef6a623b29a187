"""What the gaps page shows, assembled from the analysis functions."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from assessments.analysis import (
    by_disagreement,
    calibrate_all,
    calibration_trend,
    compare_with_judge,
    compare_with_judge_by_skill,
    gap_table,
    readiness,
    study_plan,
    target_readiness,
)
from assessments.queries import (
    memory_by_skill,
    question_counts_by_skill,
    recent_grading_by_skill,
    recent_snapshots,
    skill_refs,
    target_role_for,
    targets_of,
)
from mlcareer.accounts import profile_for
from mlcareer.caching import Fingerprint, history_cached, profile_and_fingerprint

TOP_GAPS = 3
TREND_SNAPSHOTS = 12


def gaps_page(
    *, user: AbstractBaseUser, now: dt.datetime, fingerprint: Fingerprint | None = None
) -> dict:
    """Gap table against the target role, readiness for it as one number, calibration flags
    (largest disagreement first) and trend (with the AI judge's
    grades beside the learner's where it reviewed answers), readiness, and the plan when an
    interview date is set; recomputed only when the user's history or settings change.

    Also the latest snapshots, oldest first, with their levels, for the dashboard's trend.
    """
    if fingerprint is None:
        profile, fingerprint = profile_and_fingerprint(user)
    else:
        profile = profile_for(user)
    return history_cached(
        "gaps",
        lambda: _gaps(user=user, profile=profile, now=now),
        user=user,
        fingerprint=fingerprint,
        now=now,
        zone=timezone.get_current_timezone(),
        context=(profile.updated,),
    )


def _gaps(*, user: AbstractBaseUser, profile, now: dt.datetime) -> dict:
    snapshots, levels_by_snapshot = recent_snapshots(user, limit=TREND_SNAPSHOTS)
    latest = snapshots[0] if snapshots else None
    role = target_role_for(user, latest)
    skills = skill_refs()
    levels = levels_by_snapshot[latest.pk] if latest else {}
    targets = targets_of(role)
    grading = recent_grading_by_skill(user)
    gaps = gap_table(skills=skills, current=levels, targets=targets)
    calibrations = calibrate_all(skills=skills, levels=levels, answers=grading.answers)
    judge_by_skill = compare_with_judge_by_skill(grading.judged)
    trend_gaps = [snapshot.calibration_gap for snapshot in reversed(snapshots)]
    plan = None
    if latest and profile.interview_date:
        days_left = (profile.interview_date - timezone.localdate(now)).days
        plan = study_plan(gaps=gaps, days_left=days_left, daily_goal=profile.daily_goal)
    demonstrated = {c.skill.id: c.mean_grade for c in calibrations if c.mean_grade is not None}
    return {
        "latest": latest,
        "role": role,
        "gaps": gaps,
        "top_gaps": [row for row in gaps if row.open][:TOP_GAPS],
        "unrated_gaps": sum(1 for row in gaps if not row.rated),
        "calibrations": calibrations,
        "flags": by_disagreement(calibrations),
        "trend": calibration_trend(trend_gaps),
        # The AI judge as a third signal, where it reviewed graded answers; None otherwise.
        "judge": compare_with_judge(grading.judged_answers),
        "calibration_rows": [(c, judge_by_skill.get(c.skill.id)) for c in calibrations],
        # One number for the target role; None without a self-assessment to read it from.
        "target_readiness": target_readiness(gaps) if latest else None,
        "readiness": readiness(
            skills=skills,
            targets=targets,
            self_levels=levels,
            demonstrated=demonstrated,
            memory=memory_by_skill(user, now=now),
            question_counts=question_counts_by_skill(),
            ticked={c.skill.id: c.mean_ticked for c in calibrations if c.mean_ticked is not None},
        ),
        "plan": plan,
        "interview_date": profile.interview_date,
        "snapshots": snapshots[::-1],
        "levels_by_snapshot": levels_by_snapshot,
    }
