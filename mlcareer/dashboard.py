"""The dashboard: what to do next, and progress at a glance."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from assessments.models import Assessment, Rating
from assessments.pages import gaps_page
from mlcareer.accounts import profile_for
from practice.models import Attempt, PracticeSession
from practice.pages import forecast_chart_data
from practice.progress import (
    RETENTION_MONTHS,
    TREND_WEEKS,
    grade_trends,
    heatmap_weeks,
    practice_by_day,
    retention_by_month,
    streak,
    topic_mastery,
)
from practice.scheduling import review_forecast

ASSESSMENT_STALE_DAYS = 30
SKILL_TREND_SNAPSHOTS = 12


def skill_levels_over_snapshots(
    user: AbstractBaseUser, *, limit: int = SKILL_TREND_SNAPSHOTS
) -> tuple[list[dt.datetime], dict[str, list[int | None]]]:
    """The dates of the latest `limit` snapshots (oldest first) and each skill's level in them."""
    latest_ids = list(
        Assessment.objects.filter(user=user, status=Assessment.Status.COMPLETE)
        .order_by("-completed_at")
        .values_list("pk", "completed_at")[:limit]
    )[::-1]
    position = {pk: index for index, (pk, _) in enumerate(latest_ids)}
    levels: dict[str, list[int | None]] = {}
    for assessment_id, skill_name, level in Rating.objects.filter(
        assessment_id__in=position
    ).values_list("assessment_id", "skill__name", "level"):
        levels.setdefault(skill_name, [None] * len(latest_ids))[position[assessment_id]] = level
    return [when for _, when in latest_ids], levels


def dashboard(*, user: AbstractBaseUser, now: dt.datetime) -> dict:
    """Everything the dashboard shows, in a number of queries that does not grow with history."""
    profile = profile_for(user)
    zone = timezone.get_current_timezone()
    today = now.astimezone(zone).date()
    by_day = practice_by_day(user=user, today=today, zone=zone)
    practised_days = {day for day, n in by_day.items() if n}
    gaps = gaps_page(user=user, now=now)
    latest = gaps["latest"]
    unfinished = (
        PracticeSession.objects.filter(user=user, finished_at__isnull=True)
        .order_by("-started_at")
        .first()
    )
    has_practised = (
        bool(by_day)
        or Attempt.objects.filter(user=user, status__in=Attempt.DONE_STATUSES).exists()
    )
    forecast = review_forecast(user=user, now=now, zone=zone)
    since_trend = now - dt.timedelta(weeks=TREND_WEEKS)
    since_retention = now - dt.timedelta(days=31 * RETENTION_MONTHS)
    snapshot_dates, skill_levels = skill_levels_over_snapshots(user)
    interview_days = (profile.interview_date - today).days if profile.interview_date else None
    return {
        "profile": profile,
        "today": today,
        "is_new": not has_practised and latest is None,
        "checklist": [
            (
                "Set your daily goal, time zone and target role",
                (profile.updated - profile.created).total_seconds() > 1,
                "profile",
            ),
            ("Rate yourself on every skill", latest is not None, "assessments:new"),
            ("Answer your first questions", has_practised, "practice:start"),
        ],
        # Overdue cards count for today in the forecast: exactly the set due now.
        "due_count": forecast[0][1],
        "unfinished": unfinished,
        "assessment_stale": latest is None
        or (now - latest.completed_at).days > ASSESSMENT_STALE_DAYS,
        "latest": latest,
        "interview_days": interview_days,
        "plan": gaps["plan"],
        "streak": streak(practised_days, today=today),
        "answered_today": by_day.get(today, 0),
        "goal": profile.daily_goal,
        "heatmap": heatmap_weeks(by_day, today=today, goal=profile.daily_goal),
        "practice_days_year": len(practised_days),
        "answers_year": sum(by_day.values()),
        "forecast": forecast,
        "forecast_chart": forecast_chart_data(forecast),
        "forecast_total": sum(n for _, n in forecast),
        "retention": retention_by_month(user=user, zone=zone, since=since_retention),
        "topic_trends": grade_trends(user=user, zone=zone, since=since_trend, by="topic"),
        "skill_trends": grade_trends(user=user, zone=zone, since=since_trend, by="skill"),
        "mastery": topic_mastery(user=user, now=now),
        "readiness": gaps["readiness"],
        "role": gaps["role"],
        "flags": gaps["flags"],
        "calibration_trend": gaps["trend"],
        "snapshot_dates": snapshot_dates,
        "skill_levels": skill_levels,
    }


def chart_data(context: dict) -> dict:
    """The figures the dashboard's charts draw, as plain JSON-ready data."""
    return {
        "retention": [
            {"month": m.strftime("%b %Y"), "rate": round(100 * r / t) if t else None, "n": t}
            for m, r, t in context["retention"]
        ],
        "topicTrends": {
            name: [{"week": w.isoformat(), "grade": g} for w, g, _ in rows]
            for name, rows in context["topic_trends"].items()
        },
        "radar": {
            "labels": [r.skill.name for r in context["readiness"]],
            "target": [r.target for r in context["readiness"]],
            "self": [r.self_level for r in context["readiness"]],
            "answers": [r.demonstrated for r in context["readiness"]],
            "memory": [r.memory_level for r in context["readiness"]],
        },
        "skillLevels": {
            "dates": [d.date().isoformat() for d in context["snapshot_dates"]],
            "levels": context["skill_levels"],
        },
    }
