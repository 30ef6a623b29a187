"""The dashboard: what to do next, and progress at a glance."""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.template.loader import render_to_string
from django.utils import timezone

from assessments.models import Assessment
from assessments.pages import gaps_page
from assessments.queries import skill_refs
from mlcareer.caching import Fingerprint, history_cached, profile_and_fingerprint
from practice.models import PracticeSession
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
from practice.scheduling import due_counts, due_today_by_topic, forecast_of

ASSESSMENT_STALE_DAYS = 30


def skill_levels_over_snapshots(
    snapshots: list[Assessment], levels_by_snapshot: dict[int, dict[int, int]]
) -> dict[str, list[int | None]]:
    """Each skill's level in each snapshot (oldest first), by skill name in catalogue order."""
    return {
        skill.name: [levels_by_snapshot[snapshot.pk].get(skill.id) for snapshot in snapshots]
        for skill in skill_refs()
        if any(skill.id in levels_by_snapshot[snapshot.pk] for snapshot in snapshots)
    }


def dashboard(*, user: AbstractBaseUser, now: dt.datetime) -> dict:
    """Everything the dashboard shows, in a number of queries that does not grow with history.

    What comes from the user's history is computed, and its part of the page rendered, once
    per change to that history, to the settings or to the content (or per hour), then served
    from the cache: see mlcareer.caching.
    """
    profile, fingerprint = profile_and_fingerprint(user)
    zone = timezone.get_current_timezone()
    progress = history_cached(
        "dashboard",
        lambda: _with_history_html(
            _progress(user=user, profile=profile, now=now, fingerprint=fingerprint)
        ),
        user=user,
        fingerprint=fingerprint,
        now=now,
        zone=zone,
        context=(profile.updated,),
    )
    return {**progress, "profile": profile}


# What the top of the page shows; the rest is rendered from the history into `history_html`.
NEXT_KEYS = (
    "unfinished",
    "is_new",
    "checklist",
    "due_count",
    "assessment_stale",
    "latest",
    "interview_days",
    "plan",
)


def _with_history_html(context: dict) -> dict:
    return {
        **{key: context[key] for key in NEXT_KEYS},
        "history_html": render_to_string("mlcareer/dashboard_history.html", context),
    }


def _progress(*, user, profile, now: dt.datetime, fingerprint: Fingerprint) -> dict:
    zone = timezone.get_current_timezone()
    today = now.astimezone(zone).date()
    by_day = practice_by_day(user=user, today=today, zone=zone)
    practised_days = {day for day, n in by_day.items() if n}
    gaps = gaps_page(user=user, now=now, fingerprint=fingerprint)
    latest = gaps["latest"]
    has_practised = fingerprint.submitted > 0  # answers or skips ever submitted
    due = due_counts(user=user, now=now, zone=zone)
    forecast = forecast_of(due, today=today)
    since_trend = now - dt.timedelta(weeks=TREND_WEEKS)
    topic_trends, skill_trends = grade_trends(user=user, zone=zone, since=since_trend)
    since_retention = now - dt.timedelta(days=31 * RETENTION_MONTHS)
    interview_days = (profile.interview_date - today).days if profile.interview_date else None
    context = {
        "unfinished": PracticeSession.objects.filter(user=user, finished_at__isnull=True)
        .order_by("-started_at")
        .first(),
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
        "topic_trends": topic_trends,
        "skill_trends": skill_trends,
        "mastery": topic_mastery(user=user, due=due_today_by_topic(due, today=today)),
        "readiness": gaps["readiness"],
        "role": gaps["role"],
        "flags": gaps["flags"],
        "calibration_trend": gaps["trend"],
        "judge": gaps["judge"],
        "snapshot_dates": [snapshot.completed_at for snapshot in gaps["snapshots"]],
        "skill_levels": skill_levels_over_snapshots(gaps["snapshots"], gaps["levels_by_snapshot"]),
    }
    context["charts"] = chart_data(context)
    return context


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
    }
