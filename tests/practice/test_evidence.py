"""The feedback panel shows evidence, not a score: each found point with the sentence that makes
it, marked in the learner's own answer."""

import pytest

from practice.feedback.evidence import EvidenceSpan, evidence_spans
from tests.factories import make_question, make_session

pytestmark = pytest.mark.django_db

ANSWER = (
    "First I check why values are missing. Then I impute the median, fitted on the training "
    "folds only. <b>Bold</b> claims come last."
)


def test_each_evidence_sentence_is_found_in_the_answer_in_order():
    spans = evidence_spans(
        ANSWER,
        [
            "Then I impute the median, fitted on the training folds only.",
            None,
            "First I check why values are missing.",
        ],
    )

    assert spans == [EvidenceSpan(0, 37, (3,)), EvidenceSpan(38, 98, (1,))]


def test_a_sentence_that_makes_two_points_is_one_span_with_both_numbers():
    sentence = "First I check why values are missing."

    assert evidence_spans(ANSWER, [sentence, sentence]) == [EvidenceSpan(0, 37, (1, 2))]


def test_evidence_the_answer_does_not_hold_word_for_word_is_not_marked():
    assert evidence_spans(ANSWER, ["A sentence the learner never wrote."]) == []


def _grading_step(client, user):
    question = make_question(
        prompt="How do you deal with gaps in a table?",
        key_points=[
            ("Fills the gaps with an estimate", "impute, imputation"),
            ("Looks at why the values are missing", "why values are missing"),
            ("Adds an indicator column", "indicator, flag column"),
        ],
    )
    session = make_session(user=user, questions=[question, make_question()])
    attempt = session.attempts.get(position=1)
    client.post(
        f"/practice/sessions/{session.pk}/attempts/{attempt.pk}/submit/", {"answer": ANSWER}
    )
    return client.get(f"/practice/sessions/{session.pk}/").content.decode(), attempt


def test_the_grading_step_marks_the_sentences_that_make_each_point(alice_client, alice):
    page, attempt = _grading_step(alice_client, alice)

    assert (
        f'<mark class="evidence" id="evidence-{attempt.pk}-2">First I check why values are '
        'missing.<sup class="evidence-number">2</sup></mark>'
    ) in page
    assert 'Then I impute the median, fitted on the training folds only.<sup class="evidence-' in (
        page
    )
    assert "&lt;b&gt;Bold&lt;/b&gt; claims come last." in page
    assert "<b>Bold</b>" not in page


def test_the_panel_says_what_it_checks_and_shows_no_percentage(alice_client, alice):
    page, _ = _grading_step(alice_client, alice)
    panel = page[page.index("What matching found in your text") :]
    panel = panel[: panel.index("</section>")]

    assert "It cannot tell whether what you wrote is right" in panel
    assert "Found <strong>2 of 3</strong> key points mentioned." in panel
    assert "not found</span> Adds an indicator column" in panel
    assert "%" not in panel


def test_the_prompt_pasted_back_is_credited_nowhere_on_the_grading_step(alice_client, alice):
    """The grading step and the stored figure read the question, as the summary does: words
    the learner was shown give no credit on their own."""
    question = make_question(
        prompt="Explain how gradient boosting differs from bagging.",
        key_points=[("Boosting fits trees in sequence", "gradient boosting, boosting")],
    )
    session = make_session(user=alice, questions=[question, make_question()])
    attempt = session.attempts.get(position=1)
    alice_client.post(
        f"/practice/sessions/{session.pk}/attempts/{attempt.pk}/submit/",
        {"answer": question.prompt},
    )

    page = alice_client.get(f"/practice/sessions/{session.pk}/").content.decode()

    assert "Found <strong>0 of 1</strong> key points mentioned." in page
    attempt.refresh_from_db()
    assert attempt.coverage == 0.0


def test_a_grade_refused_for_no_choice_keeps_the_suggestions_and_the_ticks(alice_client, alice):
    page, attempt = _grading_step(alice_client, alice)
    found = attempt.question.key_points.get(order=2)
    assert f"{found.text} (matching found this in your text)" in page

    response = alice_client.post(
        f"/practice/sessions/{attempt.session_id}/attempts/{attempt.pk}/grade/",
        {"key_points": [found.pk]},
    )

    again = response.content.decode()
    assert "Choose a grade from 0 to 4." in again
    assert f"{found.text} (matching found this in your text)" in again
    assert f'value="{found.pk}"' in again and "checked" in again
