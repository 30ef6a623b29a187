"""The note after grading sets the grade against the learner's own ticks, never the matcher."""

import pytest

from practice.grade_notes import grade_note

# Words that would push a learner towards a higher grade.
RAISING = ("harder on yourself", "raise", "higher", "more than you think", "deserve")


def test_a_4_with_one_of_five_points_ticked_asks_to_check_the_unticked_points():
    assert grade_note(grade=4, ticked=1, total=5) == (
        "You graded this 4 but ticked 1 of 5 key points: a 4 means complete, with trade-offs — "
        "check the points you left unticked."
    )


def test_a_3_with_nothing_ticked_asks_to_check_the_unticked_points():
    assert grade_note(grade=3, ticked=0, total=4) == (
        "You graded this 3 but ticked none of the 4 key points: a 3 means correct and "
        "complete — check the points you left unticked."
    )


def test_a_2_with_nothing_ticked_asks_to_check_the_answer_against_the_points():
    note = grade_note(grade=2, ticked=0, total=3)

    assert note.startswith("You graded this 2 but ticked none of the 3 key points")
    assert "a 2 means partly right" in note


@pytest.mark.parametrize(
    ("grade", "ticked", "total"),
    [(4, 4, 5), (4, 5, 5), (3, 2, 5), (3, 5, 5), (2, 1, 5), (2, 5, 5), (1, 2, 5), (0, 0, 5)],
)
def test_a_grade_that_fits_the_ticks_gets_no_note(grade, ticked, total):
    assert grade_note(grade=grade, ticked=ticked, total=total) == ""


@pytest.mark.parametrize("grade", [0, 1])
def test_a_low_grade_with_most_points_ticked_gets_a_neutral_note_about_what_a_tick_means(grade):
    note = grade_note(grade=grade, ticked=4, total=5)

    assert note == (
        f"You graded this {grade} and ticked 4 of 5 key points. Ticking a point means your "
        "answer makes it correctly, not only that it mentions it."
    )


@pytest.mark.parametrize("grade", [0, 1])
@pytest.mark.parametrize("ticked", range(6))
def test_no_note_pushes_a_learner_to_raise_the_grade_of_an_answer_they_judged_wrong(grade, ticked):
    note = grade_note(grade=grade, ticked=ticked, total=5).lower()

    assert not any(words in note for words in RAISING)
    assert "matching" not in note


def test_a_question_without_key_points_gets_no_note():
    assert grade_note(grade=4, ticked=0, total=0) == ""


def test_one_key_point_reads_in_the_singular():
    assert "ticked none of the key points:" in grade_note(grade=4, ticked=0, total=1)
    assert "ticked 1 of 1 key point." in grade_note(grade=0, ticked=1, total=1)
