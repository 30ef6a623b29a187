"""Delivery notes: fillers only where they are fillers, and answers far too short."""

import pytest

from practice.feedback import QuestionText, filler_counts
from practice.feedback.delivery import delivery_notes, short_answer_note

LONG_MODEL_ANSWER = " ".join(["word"] * 280)  # two minutes spoken


@pytest.mark.parametrize(
    "text",
    ["What kind of model would you pick?", "A sort of data you rarely see.", "This kind of bias."],
)
def test_kind_of_before_a_noun_is_not_a_filler(text):
    assert filler_counts(text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "It kind of works.",
        "The model sort of overfits.",
        "It was kind of messy.",
        "It is kind of...",
    ],
)
def test_kind_of_as_a_hedge_is_a_filler(text):
    assert set(filler_counts(text)) & {"kind of", "sort of"}


def test_you_know_as_a_verb_is_not_a_filler_but_as_a_tic_it_is():
    assert filler_counts("If you know the distribution, use it.") == {}
    assert filler_counts("You know, it depends.") == {"you know": 1}


def test_a_far_too_short_answer_says_what_the_question_needs():
    question = QuestionText(model_answer=LONG_MODEL_ANSWER, suggested_minutes=5)

    note = short_answer_note(question, "Regularization and dropout, mostly, plus more data.")

    assert note.startswith("Only 7 words; interviewers expect 2–4 minutes here.")


def test_an_answer_of_fair_length_gets_no_length_warning():
    question = QuestionText(model_answer=LONG_MODEL_ANSWER, suggested_minutes=5)

    assert short_answer_note(question, " ".join(["point"] * 120)) == ""
    assert delivery_notes(question, " ".join(["point"] * 120)) == ["120 words, about 51 s spoken."]


def test_an_empty_answer_is_noted_as_such():
    assert delivery_notes(QuestionText(), "  ") == ["No answer written."]
