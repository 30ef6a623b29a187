import datetime as dt

import pytest

from practice.models import Attempt, PracticeSession, Question, ReviewCard
from practice.sessions import (
    MOCK_GRACE_SECONDS,
    NoQuestionsError,
    SessionRequest,
    active_seconds_sent,
    attempt_grade,
    attempt_reveal,
    attempt_save_draft,
    attempt_show,
    attempt_skip,
    attempt_submit,
    attempt_times,
    clamp_active_seconds,
    mock_pacing,
    questions_pick,
    quick_start_request,
    session_clock_start,
    session_deadline,
    session_expire,
    session_retry_missed,
    session_start,
    session_start_for_question,
    session_time_up,
    session_waiting_to_start,
    weakest_skills,
)
from tests.factories import make_history, make_question, make_session, make_skill, make_topic

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _start(user, **request):
    return session_start(user=user, request=SessionRequest(**request), now=NOW)


def test_new_source_never_repeats_a_practised_question(alice):
    practised, fresh = make_question(), make_question()
    make_history(user=alice, questions=[practised])

    picked = questions_pick(user=alice, request=SessionRequest(source="new", count=5), now=NOW)

    assert picked == [fresh]


def test_due_source_takes_due_cards_most_overdue_first(alice):
    later, sooner, not_due = make_question(), make_question(), make_question()
    ReviewCard.objects.create(user=alice, question=later, state=2, due=NOW - dt.timedelta(days=1))
    ReviewCard.objects.create(user=alice, question=sooner, state=2, due=NOW - dt.timedelta(days=5))
    ReviewCard.objects.create(
        user=alice, question=not_due, state=2, due=NOW + dt.timedelta(days=5)
    )

    picked = questions_pick(user=alice, request=SessionRequest(source="due", count=5), now=NOW)

    assert picked == [sooner, later]


def test_mixed_puts_due_first_then_new_then_any(alice):
    due, practised = make_question(), make_question()
    new = [make_question() for _ in range(2)]
    make_history(user=alice, questions=[due, practised])
    ReviewCard.objects.create(user=alice, question=due, state=2, due=NOW - dt.timedelta(hours=1))

    picked = questions_pick(user=alice, request=SessionRequest(source="mixed", count=4), now=NOW)

    assert picked[0] == due
    assert set(picked[1:3]) == set(new)
    assert picked[3] == practised


def test_filters_narrow_the_pick(alice):
    stats, other = make_topic(slug="stats"), make_topic()
    python = make_skill(slug="python")
    wanted = make_question(topic=stats, difficulty="hard", skills=[python, make_skill()])
    make_question(topic=stats, difficulty="easy", skills=[python])
    make_question(topic=other, difficulty="hard", skills=[python])
    make_question(topic=stats, difficulty="hard", status=Question.Status.DRAFT, skills=[python])

    request = SessionRequest(topics=("stats",), skills=("python",), difficulty="hard", count=10)

    assert questions_pick(user=alice, request=request, now=NOW) == [wanted]


def test_start_without_matching_questions_raises(alice):
    make_question(difficulty="easy")

    with pytest.raises(NoQuestionsError):
        _start(alice, difficulty="hard")
    assert not PracticeSession.objects.exists()


def test_start_creates_pending_attempts_and_mock_gets_the_summed_time(alice):
    for minutes in (3, 7):
        make_question(suggested_minutes=minutes)

    practice = _start(alice, count=2)
    mock = _start(alice, count=2, mode="mock", source="mixed")

    assert practice.time_limit_seconds is None
    assert mock.time_limit_seconds == 10 * 60
    assert list(practice.attempts.values_list("position", "status")) == [
        (1, "pending"),
        (2, "pending"),
    ]


def test_submit_records_time_and_coverage_once(alice):
    question = make_question(key_points=[("Recall", "recall"), ("Precision", "precision")])
    session = make_session(user=alice, questions=[question])
    attempt = session.attempts.get()
    attempt_show(attempt, now=NOW)

    assert attempt_submit(
        attempt, answer="Recall matters most.", now=NOW + dt.timedelta(seconds=95)
    )
    assert not attempt_submit(attempt, answer="A second try", now=NOW + dt.timedelta(seconds=99))

    attempt.refresh_from_db()
    assert (attempt.status, attempt.answer, attempt.seconds_taken) == (
        "answered",
        "Recall matters most.",
        95,
    )
    assert attempt.coverage == 0.5
    session.refresh_from_db()
    assert session.finished_at == NOW + dt.timedelta(seconds=95)


def test_draft_is_kept_until_the_answer_is_submitted(alice):
    attempt = make_session(user=alice).attempts.first()

    assert attempt_save_draft(attempt, text="half an answer")
    attempt_submit(attempt, answer="full answer", now=NOW)
    assert not attempt_save_draft(attempt, text="late keystrokes")

    attempt.refresh_from_db()
    assert (attempt.draft, attempt.answer) == ("full answer", "full answer")


def test_skip_is_recorded_and_counts_as_practised(alice):
    session = make_session(user=alice)
    first = session.attempts.get(position=1)

    assert attempt_skip(first, now=NOW)
    assert not attempt_skip(first, now=NOW)

    first.refresh_from_db()
    assert first.status == "skipped"
    fresh = questions_pick(user=alice, request=SessionRequest(source="new", count=5), now=NOW)
    assert first.question not in fresh


def test_grade_stores_once_and_schedules_the_question(alice):
    question = make_question(key_points=[("A", "alpha"), ("B", "beta")])
    other_point = make_question().key_points.first()
    attempt = make_session(user=alice, questions=[question]).attempts.get()
    attempt_submit(attempt, answer="alpha", now=NOW)
    attempt.refresh_from_db()
    valid = question.key_points.get(order=1)

    assert attempt_grade(attempt, grade=1, ticked_key_points=[valid.pk, other_point.pk], now=NOW)
    assert not attempt_grade(attempt, grade=4, ticked_key_points=[], now=NOW)

    attempt.refresh_from_db()
    assert (attempt.grade, attempt.ticked_key_points) == (1, [valid.pk])
    card = ReviewCard.objects.get(user=alice, question=question)
    assert card.reviews == 1
    assert card.due == NOW + dt.timedelta(days=1)


def test_grading_stores_the_share_of_key_points_the_learner_ticked(alice):
    question = make_question(key_points=[("A", "alpha"), ("B", "beta"), ("C", "gamma")])
    attempt = make_session(user=alice, questions=[question]).attempts.get()
    attempt_submit(attempt, answer="alpha beta gamma", now=NOW)
    attempt.refresh_from_db()
    first = question.key_points.get(order=1)

    attempt_grade(attempt, grade=2, ticked_key_points=[first.pk], now=NOW)

    attempt.refresh_from_db()
    assert attempt.coverage == 1.0  # what matching found stays, as its suggestion
    assert attempt.ticked_share == pytest.approx(1 / 3)


def test_a_question_without_key_points_has_no_ticked_share(alice):
    question = make_question(key_points=[])
    attempt = make_session(user=alice, questions=[question]).attempts.get()
    attempt_submit(attempt, answer="Some answer", now=NOW)
    attempt.refresh_from_db()

    attempt_grade(attempt, grade=3, ticked_key_points=[], now=NOW)

    attempt.refresh_from_db()
    assert (attempt.grade, attempt.ticked_share) == (3, None)


def test_an_unanswered_attempt_cannot_be_graded(alice):
    attempt = make_session(user=alice).attempts.first()

    assert not attempt_grade(attempt, grade=3, ticked_key_points=[], now=NOW)
    assert not ReviewCard.objects.exists()


def test_reveal_is_remembered_in_practice_and_refused_in_a_mock(alice):
    practice = make_session(user=alice).attempts.first()
    mock = make_session(user=alice, mode="mock").attempts.first()

    attempt_reveal(practice)
    practice.refresh_from_db()
    assert practice.revealed_early
    with pytest.raises(ValueError, match="mock interview"):
        attempt_reveal(mock)


def test_mock_past_its_time_ends_with_unanswered_questions_skipped(alice):
    session = make_session(user=alice, mode="mock", started_at=NOW, time_limit_seconds=600)
    first = session.attempts.get(position=1)
    attempt_submit(first, answer="in time", now=NOW + dt.timedelta(minutes=5))

    assert not session_expire(session, now=NOW + dt.timedelta(seconds=620))
    assert session_expire(session, now=NOW + dt.timedelta(seconds=640))

    session.refresh_from_db()
    assert session.finished_at is not None
    assert session.timed_out
    statuses = dict(session.attempts.values_list("position", "status"))
    assert statuses == {1: "answered", 2: "skipped"}


# The clock of a mock interview


def test_a_mock_interview_waits_for_start_before_its_clock_runs(alice):
    make_question(), make_question()
    mock = _start(alice, count=2, mode="mock")

    assert session_waiting_to_start(mock)
    assert mock.clock_started_at is None
    assert session_deadline(mock) is None
    # Nothing runs out while the learner reads the "ready?" screen, however long.
    assert not session_expire(mock, now=NOW + dt.timedelta(days=2))


def test_pressing_start_sets_the_deadline_from_that_moment_and_a_second_press_changes_nothing(
    alice,
):
    make_question(), make_question()
    mock = _start(alice, count=2, mode="mock")
    pressed = NOW + dt.timedelta(minutes=3)

    assert session_clock_start(mock, now=pressed)
    assert not session_clock_start(mock, now=pressed + dt.timedelta(minutes=4))

    mock.refresh_from_db()
    assert mock.clock_started_at == mock.started_at == pressed
    assert session_deadline(mock) == pressed + dt.timedelta(minutes=10)
    assert not session_waiting_to_start(mock)


def test_a_practice_session_has_no_clock_to_start(alice):
    practice = make_session(user=alice)

    assert not session_waiting_to_start(practice)
    assert not session_clock_start(practice, now=NOW)
    assert session_deadline(practice) is None


def test_pacing_splits_the_time_evenly_as_a_person_would_say_it():
    four = mock_pacing(time_limit_seconds=24 * 60, questions=4)
    assert four.per_question_seconds == 6 * 60
    assert [four.aim_left(position) for position in (1, 2, 3, 4)] == [1080, 720, 360, 0]
    assert mock_pacing(time_limit_seconds=27 * 60, questions=4).per_question_seconds == 7 * 60
    assert mock_pacing(time_limit_seconds=70, questions=2).per_question_seconds == 35


def _mock(alice, *, questions=2, limit=600):
    session = make_session(
        user=alice,
        questions=[make_question() for _ in range(questions)],
        mode="mock",
        started_at=NOW,
        time_limit_seconds=limit,
    )
    return session, list(session.attempts.order_by("position"))


def test_an_answer_sent_before_the_deadline_is_answered(alice):
    session, (first, _) = _mock(alice)
    attempt_show(first, now=NOW)

    assert attempt_submit(first, answer="Recall first.", now=NOW + dt.timedelta(seconds=599))

    first.refresh_from_db()
    assert first.status == Attempt.Status.ANSWERED
    session.refresh_from_db()
    assert session.finished_at is None and not session.timed_out


def test_an_answer_sent_after_the_deadline_is_cut_off_and_ends_the_interview(alice):
    session, (first, second) = _mock(alice)
    attempt_show(first, now=NOW + dt.timedelta(seconds=100))
    deadline = NOW + dt.timedelta(seconds=600)

    assert attempt_submit(
        first, answer="Precision is the share of", now=deadline + dt.timedelta(seconds=2)
    )

    first.refresh_from_db()
    assert first.status == Attempt.Status.CUT_OFF
    assert first.answer == "Precision is the share of"
    # Its time stops at the deadline, and so does its date.
    assert (first.submitted_at, first.wall_seconds, first.seconds_taken) == (deadline, 500, 500)
    second.refresh_from_db()
    assert second.status == Attempt.Status.SKIPPED
    session.refresh_from_db()
    assert session.timed_out and session.finished_at is not None


def test_an_empty_answer_sent_after_the_deadline_is_skipped_not_cut_off(alice):
    session, (first,) = _mock(alice, questions=1)
    attempt_show(first, now=NOW)

    attempt_submit(first, answer="  ", now=NOW + dt.timedelta(seconds=601))

    first.refresh_from_db()
    assert first.status == Attempt.Status.SKIPPED
    session.refresh_from_db()
    assert session.timed_out


def test_time_up_records_each_open_question_as_it_stood(alice):
    session, (answered, typing, empty, unseen) = _mock(alice, questions=4)
    attempt_show(answered, now=NOW)
    attempt_submit(answered, answer="In time.", now=NOW + dt.timedelta(seconds=200))
    for attempt in (typing, empty):
        attempt_show(attempt, now=NOW + dt.timedelta(seconds=200))
    attempt_save_draft(typing, text="Half a sentence about")

    assert session_time_up(session, now=NOW + dt.timedelta(minutes=30))
    assert not session_time_up(session, now=NOW + dt.timedelta(minutes=31))

    rows = {a.pk: a for a in session.attempts.all()}
    assert rows[answered.pk].status == Attempt.Status.ANSWERED
    assert rows[typing.pk].status == Attempt.Status.CUT_OFF
    assert rows[typing.pk].answer == "Half a sentence about"
    assert rows[typing.pk].coverage is not None
    assert rows[typing.pk].wall_seconds == 400
    assert rows[empty.pk].status == Attempt.Status.SKIPPED
    assert rows[unseen.pk].status == Attempt.Status.SKIPPED
    assert rows[unseen.pk].seconds_taken is None
    deadline = NOW + dt.timedelta(seconds=600)
    assert {rows[a.pk].submitted_at for a in (typing, empty, unseen)} == {deadline}


def test_a_skip_after_the_deadline_is_dated_at_the_deadline_and_ends_the_interview(alice):
    session, (first, second) = _mock(alice)
    attempt_show(first, now=NOW)

    attempt_skip(first, now=NOW + dt.timedelta(seconds=610))

    first.refresh_from_db()
    assert (first.status, first.submitted_at) == ("skipped", NOW + dt.timedelta(seconds=600))
    second.refresh_from_db()
    assert second.status == "skipped"


def test_expiry_waits_out_the_grace_for_the_page_to_send_its_answer(alice):
    session, (first, _) = _mock(alice)
    attempt_show(first, now=NOW)
    attempt_save_draft(first, text="Saved before the end")
    deadline = NOW + dt.timedelta(seconds=600)

    assert not session_expire(session, now=deadline + dt.timedelta(seconds=MOCK_GRACE_SECONDS))
    assert session_expire(session, now=deadline + dt.timedelta(seconds=MOCK_GRACE_SECONDS + 1))

    first.refresh_from_db()
    assert (first.status, first.answer) == ("cut_off", "Saved before the end")


def test_a_cut_off_answer_is_graded_like_any_other(alice):
    session, (first, _) = _mock(alice)
    attempt_show(first, now=NOW)
    attempt_submit(first, answer="Precision is", now=NOW + dt.timedelta(seconds=601))
    first.refresh_from_db()

    assert attempt_grade(first, grade=1, ticked_key_points=[], now=NOW + dt.timedelta(hours=1))

    first.refresh_from_db()
    assert (first.status, first.grade) == ("cut_off", 1)
    assert ReviewCard.objects.filter(user=alice, question=first.question).exists()


def test_a_question_cut_off_counts_as_practised_for_new_question_picks(alice):
    session, (first,) = _mock(alice, questions=1)
    attempt_show(first, now=NOW)
    attempt_submit(first, answer="Half", now=NOW + dt.timedelta(seconds=601))

    assert questions_pick(user=alice, request=SessionRequest(source="new"), now=NOW) == []


# Active time


@pytest.mark.parametrize(
    ("active", "wall", "kept"),
    [
        (30, 60, 30),
        (60, 60, 60),
        (90, 60, 60),  # a browser can hide time, never add it
        (-5, 60, 0),
        (None, 60, None),  # no count sent (no JavaScript)
        (10, None, None),
    ],
)
def test_active_time_is_kept_between_zero_and_the_wall_time(active, wall, kept):
    assert clamp_active_seconds(active, wall=wall) == kept


@pytest.mark.parametrize(
    ("sent", "read"),
    [("42", 42), (" 7 ", 7), ("-3", -3), ("", None), (None, None), ("abc", None),
     ("1.5", None), ("9" * 5000, None)],
)  # fmt: skip
def test_the_active_seconds_a_browser_sends_are_read_as_a_whole_number_or_not_at_all(sent, read):
    assert active_seconds_sent(sent) == read


def test_time_taken_is_the_active_time_else_the_wall_time():
    shown = NOW
    end = NOW + dt.timedelta(seconds=245)

    assert attempt_times(shown_at=shown, end=end, active_seconds=192) == {
        "wall_seconds": 245,
        "active_seconds": 192,
        "seconds_taken": 192,
    }
    assert attempt_times(shown_at=shown, end=end, active_seconds=None) == {
        "wall_seconds": 245,
        "active_seconds": None,
        "seconds_taken": 245,
    }


def test_an_answer_stores_both_times_with_the_active_one_as_time_taken(alice):
    attempt = make_session(user=alice).attempts.get(position=1)
    attempt_show(attempt, now=NOW)

    attempt_submit(
        attempt, answer="An answer", now=NOW + dt.timedelta(seconds=707), active_seconds=95
    )

    attempt.refresh_from_db()
    assert (attempt.active_seconds, attempt.wall_seconds, attempt.seconds_taken) == (95, 707, 95)


def test_a_skip_stores_both_times_too(alice):
    attempt = make_session(user=alice).attempts.get(position=1)
    attempt_show(attempt, now=NOW)

    attempt_skip(attempt, now=NOW + dt.timedelta(seconds=50), active_seconds=500)

    attempt.refresh_from_db()
    assert (attempt.active_seconds, attempt.wall_seconds, attempt.seconds_taken) == (50, 50, 50)


def test_retry_takes_the_questions_graded_0_or_1(alice):
    questions = [make_question() for _ in range(3)]
    session = make_session(user=alice, questions=questions)
    for attempt, grade in zip(session.attempts.order_by("position"), (0, 3, 1), strict=True):
        attempt_submit(attempt, answer="x", now=NOW)
        attempt.refresh_from_db()
        attempt_grade(attempt, grade=grade, ticked_key_points=[], now=NOW)

    retry = session_retry_missed(session, now=NOW)

    assert [a.question for a in retry.attempts.order_by("position")] == [
        questions[0],
        questions[2],
    ]


def test_weakest_skills_rank_by_mean_grade(alice):
    weak, strong = make_skill(slug="weak"), make_skill(slug="strong")
    make_history(user=alice, questions=[make_question(skills=[weak])], grade=1)
    make_history(user=alice, questions=[make_question(skills=[strong])], grade=4)

    assert weakest_skills(user=alice) == ["weak", "strong"]
    assert quick_start_request(user=alice, now=NOW).skills == ("weak", "strong")


def test_quick_start_for_a_new_user_is_a_balanced_mix(alice):
    request = quick_start_request(user=alice, now=NOW)

    assert (request.count, request.source, request.skills) == (5, "mixed", ())


def test_a_session_whose_question_was_retired_still_has_it(alice):
    question = make_question()
    session = make_session(user=alice, questions=[question])
    Question.objects.filter(pk=question.pk).update(status=Question.Status.RETIRED)

    assert session.attempts.get().question == question
    assert Attempt.objects.filter(session=session).count() == 1


def test_a_question_with_several_chosen_skills_is_picked_once(alice):
    one, two = make_skill(slug="one"), make_skill(slug="two")
    both = make_question(skills=[one, two])

    for source in ("new", "mixed"):
        request = SessionRequest(source=source, skills=("one", "two"), count=5)
        assert questions_pick(user=alice, request=request, now=NOW) == [both]
    session = _start(alice, skills=("one", "two"), count=5)
    assert session.attempts.count() == 1


def test_a_draft_drops_nul_characters_instead_of_failing(alice):
    attempt = make_session(user=alice).attempts.first()

    assert attempt_save_draft(attempt, text="half\x00 an answer")

    attempt.refresh_from_db()
    assert attempt.draft == "half an answer"


def test_one_question_session_is_reused_while_fresh_and_untouched(alice):
    question = make_question()
    first = session_start_for_question(user=alice, question=question, now=NOW)

    again = session_start_for_question(
        user=alice, question=question, now=NOW + dt.timedelta(minutes=4)
    )
    later = session_start_for_question(
        user=alice, question=question, now=NOW + dt.timedelta(minutes=10)
    )
    other = session_start_for_question(user=alice, question=make_question(), now=later.started_at)

    assert again == first
    assert later != first
    assert other != later
    assert [a.question for a in later.attempts.all()] == [question]


def test_one_question_session_is_not_reused_once_answered_or_for_another_user(alice, bob):
    question = make_question()
    first = session_start_for_question(user=alice, question=question, now=NOW)
    attempt_skip(first.attempts.get(), now=NOW)

    after_skip = session_start_for_question(user=alice, question=question, now=NOW)
    for_bob = session_start_for_question(user=bob, question=question, now=NOW)

    assert after_skip != first
    assert for_bob.user == bob and for_bob != after_skip


def test_a_longer_session_holding_the_question_is_not_reused(alice):
    question = make_question()
    longer = make_session(user=alice, questions=[question, make_question()], started_at=NOW)

    single = session_start_for_question(user=alice, question=question, now=NOW)

    assert single != longer
    assert single.attempts.count() == 1


@pytest.mark.parametrize(
    ("ms_left", "warning"),
    [(None, None), (301_000, None), (300_000, 5), (61_000, 5), (60_000, 1), (0, 1)],
)
def test_a_mock_interview_warns_at_five_minutes_then_at_one(ms_left, warning):
    from practice.pages import time_warning

    assert time_warning(ms_left) == warning
