"""Data migrations fill what the new columns need from the rows already stored."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("practice", "0008_common_mistakes")]
AFTER = [("practice", "0009_attempt_ticked_share")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _fill_then_undo_and_redo():
    old = _migrate(BEFORE)
    user = old.get_model("auth", "User").objects.create(username="learner")
    topic = old.get_model("practice", "Topic").objects.create(name="Metrics", slug="metrics")
    Question = old.get_model("practice", "Question")
    KeyPoint = old.get_model("practice", "KeyPoint")
    Attempt = old.get_model("practice", "Attempt")
    with_points, without_points = (
        Question.objects.create(
            title=slug,
            slug=slug,
            prompt="?",
            difficulty="easy",
            kind="conceptual",
            topic=topic,
            model_answer="!",
            status="published",
        )
        for slug in ("four-points", "no-points")
    )
    points = [
        KeyPoint.objects.create(question=with_points, order=n, text=f"P{n}", keywords=f"p{n}")
        for n in range(4)
    ]
    stray = KeyPoint.objects.create(question=without_points, order=1, text="X", keywords="x")
    stray.delete()
    now = timezone.now()
    sessions = old.get_model("practice", "PracticeSession").objects

    def fields():
        session = sessions.create(user=user, started_at=now)
        return {"session": session, "user": user, "status": "answered", "submitted_at": now}

    ticked_two = Attempt.objects.create(
        question=with_points, position=1, grade=2, graded_at=now, coverage=1.0,
        ticked_key_points=[points[0].pk, points[3].pk, stray.pk], **fields(),
    )  # fmt: skip
    ungraded = Attempt.objects.create(
        question=with_points, position=2, coverage=0.5, ticked_key_points=[], **fields()
    )
    nothing_to_tick = Attempt.objects.create(
        question=without_points, position=3, grade=3, graded_at=now, **fields()
    )

    new = _migrate(AFTER)
    shares = dict(new.get_model("practice", "Attempt").objects.values_list("pk", "ticked_share"))
    assert shares == {ticked_two.pk: 0.5, ungraded.pk: None, nothing_to_tick.pk: None}

    _migrate(BEFORE)  # and back, to show the migration can be undone
    _migrate(AFTER)
    again = new.get_model("practice", "Attempt").objects.get(pk=ticked_two.pk)
    assert again.ticked_share == 0.5


@pytest.mark.django_db(transaction=True)
def test_ticked_share_is_filled_for_answers_graded_before_it_existed():
    try:
        _fill_then_undo_and_redo()
    finally:  # the rest of the suite needs the latest schema
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _time_migration():
    """This migration and the one before it, found by name: the numbers may change."""
    graph = MigrationExecutor(connection).loader.graph
    [node] = [n for n in graph.nodes if n[0] == "practice" and n[1].endswith("_cut_off")]
    [parent] = [p for p in graph.node_map[node].parents if p.key[0] == "practice"]
    return parent.key, node


def _time_fields_filled():
    before, after = _time_migration()
    old = _migrate([before])
    user = old.get_model("auth", "User").objects.create(username="candidate")
    topic = old.get_model("practice", "Topic").objects.create(name="Metrics", slug="metrics")
    question = old.get_model("practice", "Question").objects.create(
        title="Q", slug="q", prompt="?", difficulty="easy", kind="conceptual", topic=topic,
        model_answer="!", status="published",
    )  # fmt: skip
    sessions = old.get_model("practice", "PracticeSession").objects
    now = timezone.now()
    mock = sessions.create(user=user, mode="mock", time_limit_seconds=600, started_at=now)
    practice = sessions.create(user=user, mode="practice", started_at=now)
    timed = old.get_model("practice", "Attempt").objects.create(
        session=practice, user=user, question=question, position=1, status="answered",
        shown_at=now, submitted_at=now, seconds_taken=707,
    )  # fmt: skip

    new = _migrate([after])
    clock = new.get_model("practice", "PracticeSession").objects.in_bulk([mock.pk, practice.pk])
    # A mock interview already under way keeps the clock it had, from its start.
    assert clock[mock.pk].clock_started_at == now
    assert clock[practice.pk].clock_started_at is None
    attempt = new.get_model("practice", "Attempt").objects.get(pk=timed.pk)
    # The time recorded before was the server's: the wall time.
    assert (attempt.wall_seconds, attempt.active_seconds, attempt.seconds_taken) == (
        707,
        None,
        707,
    )


@pytest.mark.django_db(transaction=True)
def test_sessions_and_attempts_recorded_before_the_clock_changes_keep_their_times():
    try:
        _time_fields_filled()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
