import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from practice.models import Attempt
from practice.progress import (
    grade_trends,
    heatmap_weeks,
    practice_by_day,
    retention_by_month,
    streak,
    topic_mastery,
)
from tests.factories import make_question, make_session, make_skill, make_topic

D = dt.date(2026, 6, 15)  # a Monday
UTC = ZoneInfo("UTC")


def days(*offsets):
    return {D - dt.timedelta(days=n) for n in offsets}


@pytest.mark.parametrize(
    ("practised", "expected"),
    [
        (days(), (0, 0, False)),
        (days(0, 1, 2), (3, 0, True)),
        (days(1, 2, 3), (3, 0, False)),  # today is not over yet
        (days(0, 1, 3, 4), (5, 1, True)),  # one missed day is forgiven
        (days(0, 2, 3, 5, 6), (4, 1, True)),  # a second miss within seven days breaks it
        (days(0, 2, 3, 4, 5, 6, 7, 8, 10, 11), (12, 2, True)),  # misses eight days apart
        (days(0, 2, 3), (4, 1, True)),
        (days(0, 3, 4), (1, 0, True)),  # two missed days in a row break it
        (days(2, 3), (3, 1, False)),  # yesterday missed, today still open: rest day used
    ],
)
def test_streak_forgives_one_missed_day_a_week(practised, expected):
    result = streak(practised, today=D)

    assert (result.days, result.rest_days, result.practised_today) == expected


def test_heatmap_levels_follow_the_daily_goal():
    counts = {
        D: 1,
        D - dt.timedelta(days=1): 3,
        D - dt.timedelta(days=2): 5,
        D - dt.timedelta(days=3): 11,
    }

    weeks = heatmap_weeks(counts, today=D, goal=5)

    cells = {cell["date"]: cell["level"] for week in weeks for cell in week}
    assert [cells[D - dt.timedelta(days=n)] for n in range(5)] == [1, 2, 3, 4, 0]
    assert all(week[0]["date"].weekday() == 0 for week in weeks)
    assert weeks[-1][-1]["date"] == D
    assert 365 <= sum(len(week) for week in weeks) < 372


def _answered(
    user, question, when, grade=None, status=Attempt.Status.ANSWERED, coverage=0.5, ticked=0.5
):
    attempt = make_session(user=user, questions=[question]).attempts.get()
    Attempt.objects.filter(pk=attempt.pk).update(
        status=status,
        submitted_at=when,
        graded_at=when if grade is not None else None,
        grade=grade,
        coverage=coverage if grade is not None else None,
        ticked_share=ticked if grade is not None else None,
    )


@pytest.mark.django_db
def test_practice_is_counted_on_the_users_own_day(alice, bob):
    question = make_question()
    late_evening_utc = dt.datetime(2026, 6, 14, 23, 30, tzinfo=dt.UTC)
    _answered(alice, question, late_evening_utc)
    _answered(alice, make_question(), late_evening_utc + dt.timedelta(hours=1))
    _answered(bob, question, late_evening_utc)

    in_utc = practice_by_day(user=alice, today=D, zone=UTC)
    in_tokyo = practice_by_day(
        user=alice, today=D + dt.timedelta(days=1), zone=ZoneInfo("Asia/Tokyo")
    )

    assert in_utc == {dt.date(2026, 6, 14): 1, dt.date(2026, 6, 15): 1}
    assert in_tokyo == {dt.date(2026, 6, 15): 2}


@pytest.mark.django_db
def test_an_answer_cut_off_at_time_up_counts_as_a_day_of_practice(alice):
    evening = dt.datetime(2026, 6, 14, 20, 0, tzinfo=dt.UTC)
    _answered(alice, make_question(), evening, status=Attempt.Status.CUT_OFF)
    _answered(alice, make_question(), evening, status=Attempt.Status.PENDING)

    assert practice_by_day(user=alice, today=D, zone=UTC) == {dt.date(2026, 6, 14): 1}


@pytest.mark.django_db
def test_true_retention_counts_reviews_only_by_month(alice):
    q1, q2 = make_question(), make_question()
    may, june = dt.datetime(2026, 5, 10, tzinfo=dt.UTC), dt.datetime(2026, 6, 10, tzinfo=dt.UTC)
    _answered(alice, q1, may, grade=1)  # first answers are not reviews
    _answered(alice, q2, may, grade=4)
    _answered(alice, q1, may + dt.timedelta(days=2), grade=2)  # May review, recalled
    _answered(alice, q1, june, grade=1)  # June review, forgotten
    _answered(alice, q2, june, grade=3)  # June review, recalled

    rows = retention_by_month(user=alice, zone=UTC, since=may - dt.timedelta(days=30))

    assert [(m.date() if isinstance(m, dt.datetime) else m, r, t) for m, r, t in rows] == [
        (dt.date(2026, 5, 1), 1, 1),
        (dt.date(2026, 6, 1), 1, 2),
    ]


@pytest.mark.django_db
def test_grade_trends_by_topic_and_skill_per_week(alice):
    stats = make_topic(name="Statistics")
    python = make_skill(name="Python")
    question = make_question(topic=stats, skills=[python])
    monday = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)
    _answered(alice, question, monday, grade=1)
    _answered(alice, question, monday + dt.timedelta(days=2), grade=3)
    _answered(alice, question, monday + dt.timedelta(days=7), grade=4)

    by_topic, by_skill = grade_trends(user=alice, zone=UTC, since=monday - dt.timedelta(days=1))

    assert by_topic == {
        "Statistics": [(dt.date(2026, 6, 1), 2.0, 2), (dt.date(2026, 6, 8), 4.0, 1)]
    }
    assert by_skill == {"Python": [(dt.date(2026, 6, 1), 2.0, 2), (dt.date(2026, 6, 8), 4.0, 1)]}


@pytest.mark.django_db
def test_topic_mastery_counts_mine_only(alice, bob):
    topic = make_topic()
    q1, q2, _ = (make_question(topic=topic) for _ in range(3))
    when = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    _answered(alice, q1, when, grade=2)
    _answered(alice, q1, when, grade=4)
    _answered(alice, q2, when, status=Attempt.Status.SKIPPED)
    _answered(bob, q1, when, grade=0)

    row = next(r for r in topic_mastery(user=alice, due={}) if r["topic"] == topic)

    assert (row["questions"], row["practised"], row["mean_grade"], row["due"]) == (3, 2, 3.0, 0)
    assert row["mean_ticked"] == pytest.approx(0.5)


@pytest.mark.django_db
@pytest.mark.parametrize(("coverage", "ticked"), [(0.8, 0.2), (0.2, 0.8)])
def test_topic_mastery_shows_the_share_of_points_the_learner_ticked_not_what_matching_found(
    alice, coverage, ticked
):
    topic = make_topic()
    when = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    for question in (make_question(topic=topic), make_question(topic=topic)):
        _answered(alice, question, when, grade=2, coverage=coverage, ticked=ticked)

    row = next(r for r in topic_mastery(user=alice, due={}) if r["topic"] == topic)

    assert row["mean_ticked"] == pytest.approx(ticked)
