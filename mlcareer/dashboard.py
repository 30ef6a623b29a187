"""The dashboard: what to do next, and progress at a glance."""

import datetime as dt
from typing import NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.template.loader import render_to_string
from django.utils import timezone

from assessments.models import Assessment
from assessments.pages import gaps_page
from assessments.queries import skill_refs
from mlcareer.caching import Fingerprint, history_cached, profile_and_fingerprint
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
from practice.scheduling import due_counts, due_today_by_topic, forecast_of

ASSESSMENT_STALE_DAYS = 30
# A finished session's answer left without a grade is offered for grading this long.
UNGRADED_REMINDER = dt.timedelta(days=7)
# The trend chart opens on this many topics; the others are a choice away.
TREND_TOPICS = 5
# Skills whose rating and answers disagree most, shown before "show all".
TOP_DISAGREEMENTS = 3
# Colours of the trend chart's series, in static/css/site.css (.series-N) and dashboard.js.
SERIES_COLOURS = 10


class NextAction(NamedTuple):
    """The one thing the dashboard asks the learner to do now."""

    kind: str  # "resume", "review", "first" or "practise": the template draws its button
    title: str
    text: str


def next_action(
    *,
    unfinished,
    due_count: int,
    has_practised: bool,
    plan_focus: str | None,
    ungraded=None,
) -> NextAction:
    """An unfinished session first, then a recent answer still waiting for its grade (such as
    the one kept from before signing up), then the reviews due, then a first session for a
    newcomer, else five more questions (on the plan's next skill where there is a plan)."""
    if unfinished is not None:
        mode = unfinished.label.lower()
        return NextAction(
            "resume", f"Resume your {mode}", f"An unfinished {mode}: pick up where you left off."
        )
    if ungraded is not None:
        return NextAction(
            "grade",
            "Grade your answer",
            f"Your answer to “{ungraded.question.title}” waits for your grade: it schedules "
            "the question's review.",
        )
    if due_count:
        reviews = "review" if due_count == 1 else "reviews"
        return NextAction(
            "review",
            f"{due_count} {reviews} due today",
            f"Answer {'it' if due_count == 1 else 'them'} now, before you forget.",
        )
    if not has_practised:
        return NextAction(
            "first",
            "Answer your first questions",
            "Five questions with a timer, the model answer and feedback on what you wrote.",
        )
    text = (
        f"Next in your plan: {plan_focus}."
        if plan_focus
        else "On the skills where your answers have been weakest."
    )
    return NextAction("practise", "Practise five questions", text)


class ChecklistStep(NamedTuple):
    label: str
    done: bool
    url_name: str
    quick_start: bool = False  # a button that starts five questions rather than a link


def first_run_checklist(
    *, has_practised: bool, has_role: bool, has_assessment: bool, settings_saved: bool
) -> list[ChecklistStep]:
    """The newcomer's steps, in the order that gets them answering soonest."""
    return [
        ChecklistStep("Answer your first questions", has_practised, "practice:start", True),
        ChecklistStep("Pick your target role", has_role, "profile"),
        ChecklistStep(
            "Rate the five skills your role needs most", has_assessment, "assessments:new"
        ),
        ChecklistStep("Check your daily goal and time zone", settings_saved, "profile"),
    ]


def settings_saved(profile) -> bool:
    """Whether the learner has been to their settings: saved them after sign-up, or has
    something there that only the settings set."""
    saved_later = (profile.updated - profile.created).total_seconds() > 1
    return saved_later or profile.target_role_id is not None or profile.interview_date is not None


def trend_topics(trends: dict[str, list[tuple]], *, shown: int = TREND_TOPICS) -> list[dict]:
    """The topics of the grade trend in the order the chart offers them: the `shown` most
    practised in the period first (ties to the most recently practised, then by name), then
    the others by name. Each with its series colour and whether the chart opens with it."""

    def weight(name: str) -> tuple:
        rows = trends[name]
        return (-sum(n for _, _, n in rows), -max(week for week, _, _ in rows).toordinal(), name)

    top = sorted(trends, key=weight)[:shown]
    rest = sorted(name for name in trends if name not in top)
    return [
        {"name": name, "series": i % SERIES_COLOURS, "shown": i < len(top)}
        for i, name in enumerate(top + rest)
    ]


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
    "next",
    "unfinished",
    "ungraded",
    "is_new",
    "checklist",
    "checklist_done",
    "due_count",
    "streak",
    "target_readiness",
    "assessment_stale",
    "latest",
    "role",
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
    unfinished = (
        PracticeSession.objects.filter(user=user, finished_at__isnull=True)
        .order_by("-started_at")
        .first()
    )
    ungraded = (
        Attempt.objects.filter(
            user=user,
            status__in=Attempt.GRADABLE_STATUSES,
            grade__isnull=True,
            session__finished_at__isnull=False,
            submitted_at__gte=now - UNGRADED_REMINDER,
        )
        .select_related("question")
        .order_by("-submitted_at")
        .first()
    )
    # Overdue cards count for today in the forecast: exactly the set due now.
    due_count = forecast[0][1]
    plan = gaps["plan"]
    checklist = first_run_checklist(
        has_practised=has_practised,
        has_role=gaps["role"] is not None,
        has_assessment=latest is not None,
        settings_saved=settings_saved(profile),
    )
    context = {
        "next": next_action(
            unfinished=unfinished,
            ungraded=ungraded,
            due_count=due_count,
            has_practised=has_practised,
            plan_focus=plan.focus[0].row.skill.name if plan and plan.focus else None,
        ),
        "unfinished": unfinished,
        "ungraded": ungraded,
        "is_new": not has_practised and latest is None,
        # Shown until every step is done.
        "checklist": checklist if not all(step.done for step in checklist) else None,
        "checklist_done": sum(step.done for step in checklist),
        "target_readiness": gaps["target_readiness"],
        "due_count": due_count,
        "assessment_stale": latest is None
        or (now - latest.completed_at).days > ASSESSMENT_STALE_DAYS,
        "latest": latest,
        "interview_days": interview_days,
        "plan": plan,
        "streak": streak(practised_days, today=today),
        "answered_today": by_day.get(today, 0),
        # The bar stops full: a progress bar's value may not pass its maximum.
        "goal_reached": min(by_day.get(today, 0), profile.daily_goal),
        "goal": profile.daily_goal,
        "heatmap": heatmap_weeks(by_day, today=today, goal=profile.daily_goal),
        "practice_days_year": len(practised_days),
        "answers_year": sum(by_day.values()),
        "forecast": forecast,
        "forecast_chart": forecast_chart_data(forecast),
        "forecast_total": sum(n for _, n in forecast),
        "retention": retention_by_month(user=user, zone=zone, since=since_retention),
        "topic_trends": topic_trends,
        "trend_topics": trend_topics(topic_trends),
        "trend_shown": min(len(topic_trends), TREND_TOPICS),
        "trend_more": max(len(topic_trends) - TREND_TOPICS, 0),
        "skill_trends": skill_trends,
        "mastery": topic_mastery(user=user, due=due_today_by_topic(due, today=today)),
        "readiness": gaps["readiness"],
        "role": gaps["role"],
        "flags": gaps["flags"],
        "top_flags": gaps["flags"][:TOP_DISAGREEMENTS],
        "more_flags": gaps["flags"][TOP_DISAGREEMENTS:],
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
        # In the order the chart offers them, the ones it opens with first.
        "topicTrends": [
            {
                "name": topic["name"],
                "series": topic["series"],
                "shown": topic["shown"],
                "points": [
                    {"week": w.isoformat(), "grade": g}
                    for w, g, _ in context["topic_trends"][topic["name"]]
                ],
            }
            for topic in context["trend_topics"]
        ],
        "radar": {
            "labels": [r.skill.name for r in context["readiness"]],
            "target": [r.target for r in context["readiness"]],
            "self": [r.self_level for r in context["readiness"]],
            "answers": [r.demonstrated for r in context["readiness"]],
            "memory": [r.memory_level for r in context["readiness"]],
        },
    }
