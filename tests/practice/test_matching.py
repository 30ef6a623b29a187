"""The offline matcher finds what an answer says, in the learner's words, sentence by sentence."""

import json
import socket

import pytest
from django.core.management import CommandError, call_command

from practice.feedback import GRADERS, answer_feedback, embeddings, grade_answer
from practice.models import Term
from tests.factories import make_question

pytestmark = pytest.mark.django_db


def _found(question, answer):
    return [point.found for point in grade_answer(question, answer).points]


@pytest.fixture
def metrics_question():
    return make_question(
        title="How do you evaluate a fraud classifier?",
        prompt="Positives are 0.5 % of transactions. Which metrics do you report?",
        model_answer="I report the area under the precision-recall curve.",
        key_points=[
            (
                "Reports the area under the precision-recall curve",
                "area under the precision-recall curve",
            ),
            ("Uses k-nearest neighbours as a baseline", "k nearest neighbours"),
        ],
    )  # fmt: skip


def test_an_abbreviation_an_editor_registered_covers_the_point(metrics_question):
    Term.objects.create(
        slug="auprc",
        phrase="area under the precision-recall curve",
        equivalents="AUPRC, PR-AUC, average precision",
    )
    Term.objects.create(slug="knn", phrase="k-nearest neighbours", equivalents="k-NN, kNN")

    result = grade_answer(
        metrics_question, "My headline number is PR-AUC. A k-NN model is the floor."
    )

    assert [point.evidence for point in result.points] == [
        "My headline number is PR-AUC.",
        "A k-NN model is the floor.",
    ]


def test_without_the_term_the_abbreviation_is_not_read_as_the_phrase(metrics_question):
    assert _found(metrics_question, "My headline number is PR-AUC.") == [False, False]


@pytest.mark.parametrize(
    ("keyword", "answer"),
    [
        ("regularization", "I keep the weights small by regularizing them with a penalty."),
        ("impute", "Gaps in income were imputed from the median of the training split."),
        ("roll back", "When the canary looked worse we rolled back within minutes."),
        ("a/b test", "We confirmed the lift by A/B testing it on a tenth of traffic."),
    ],
)
def test_an_inflected_form_of_a_keyword_covers_the_point(keyword, answer):
    question = make_question(
        prompt="Tell me about it.", key_points=[("Names the technique", keyword)]
    )

    assert _found(question, answer) == [True]


@pytest.mark.parametrize(
    "answer",
    [
        "I never drop rows with missing values.",
        "Don't drop rows: it throws away signal.",
        "I would not remove rows, even a few.",
        "Rows are kept; without dropping rows the sample stays representative.",
    ],
)
def test_a_denied_statement_does_not_cover_the_point(answer):
    question = make_question(
        prompt="Some values are missing. What do you do?",
        key_points=[("Drop rows only when justified", "drop rows, remove rows")],
    )

    assert _found(question, answer) == [False]


def test_a_negation_in_another_clause_does_not_deny_the_point():
    question = make_question(
        prompt="Some values are missing. What do you do?",
        key_points=[("Drop rows only when justified", "drop rows")],
    )

    assert _found(question, "If the target is not known, I drop rows.") == [True]


@pytest.mark.parametrize(
    ("answer", "found"),
    [
        ("A p-value does not prove the null hypothesis.", [True]),
        ("A large p-value proves the null hypothesis.", [False]),
        ("The test hasn't proved anything either way.", [True]),
    ],
)
def test_a_keyword_that_states_a_denial_matches_only_where_it_is_denied(answer, found):
    question = make_question(
        prompt="What does a p-value tell you?",
        key_points=[("A large p does not prove the null", "does not prove")],
    )

    assert _found(question, answer) == found


def test_a_keyword_that_ends_in_none_is_not_read_as_a_denial():
    question = make_question(
        prompt="What does this function return on the second call?",
        key_points=[("Uses a None sentinel", "if tags is none")],
    )

    assert _found(question, "Inside, if tags is None I make a new list.") == [True]


def test_a_percentage_reads_as_the_word_percent():
    question = make_question(
        prompt="Tell me about a project.",
        key_points=[("Gives a measurable result", "percent")],
    )

    assert _found(question, "Complaints fell 12% after the launch.") == [True]


def test_a_keyword_is_not_matched_across_sentences():
    question = make_question(
        prompt="Your data has outliers and gaps. What do you do?",
        key_points=[("Deletes incomplete rows", "remove rows")],
    )

    for answer in ["Outliers I remove; rows with gaps I keep.", "Outliers I remove.\nRows stay."]:
        assert _found(question, answer) == [False]
    assert _found(question, "I remove rows with gaps.") == [True]


def test_words_of_the_prompt_give_no_credit_on_their_own():
    question = make_question(
        title="How do you handle missing values?",
        prompt="Your training data has missing values in several columns.",
        key_points=[("Add an indicator of missing values", "missing values, missing indicator")],
    )
    pasted = f"{question.title}\n\n{question.prompt}"

    assert _found(question, pasted) == [False]
    assert _found(question, "I handle missing values carefully.") == [False]
    assert _found(question, "For missing values I add an indicator column.") == [True]


def test_grade_answer_gives_the_shared_json_shape():
    question = make_question(
        prompt="What do you do about gaps?",
        model_answer="I impute gaps with the median of the training data, then I check.",
        key_points=[("Impute with the median", "median"), ("Add a flag", "indicator")],
    )

    result = grade_answer(question, "I fill them with the median. Then I move on.")

    assert result.as_json() == {
        "grader": "matching",
        "points": [
            {"text": "Impute with the median", "found": True,
             "evidence": "I fill them with the median."},
            {"text": "Add a flag", "found": False, "evidence": None},
        ],
        "found_share": 0.5,
        "suggested_grade": None,
        "notes": ["10 words, about 4 s spoken."],
    }  # fmt: skip


def test_graders_are_listed_by_name_and_an_unknown_one_is_refused():
    question = make_question()

    assert "matching" in GRADERS
    with pytest.raises(KeyError):
        grade_answer(question, "text", grader="nobody")


def test_the_panel_shows_the_sentence_that_makes_each_point():
    question = make_question(
        prompt="What do you do about gaps?",
        key_points=[("Impute with the median", "median"), ("Add a flag", "indicator")],
    )

    feedback = answer_feedback("Nothing here. I use the median.", list(question.key_points.all()))

    assert [point.matched for point in feedback.points] == ["I use the median.", ""]
    assert feedback.coverage_percent == 50


def test_the_embedding_model_loads_from_its_package_without_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)

    model = embeddings._load()

    vectors = model.embed(["impute with the median", "fill gaps using the median"], norm=True)
    assert vectors.shape == (2, 256)
    assert float(vectors[0] @ vectors[1]) > 0.3


def test_a_sentence_in_other_words_is_found_by_meaning():
    question = make_question(
        prompt="How do you stop a network from overfitting?",
        model_answer="I stop training when the validation loss stops improving.",
        key_points=[("Early stopping on validation loss", "early stopping")],
    )

    answer = "I end training once the validation loss has not improved for five epochs."

    assert embeddings.embedder() is not None
    assert _found(question, answer) == [True]


def test_a_bare_list_of_terms_is_not_found_by_meaning():
    question = make_question(
        prompt="What does a p-value mean?",
        model_answer="It is the probability of data at least as extreme, if the null is true.",
        key_points=[
            ("Probability of data this extreme assuming the null hypothesis", "tail area")
        ],
    )

    assert _found(question, "Null hypothesis, significance, probability, extreme data.") == [False]
    assert _found(
        question, "It is how likely data this extreme would be if the null hypothesis held."
    ) == [True]


def test_grade_answer_command_prints_the_json_for_a_file(tmp_path, capsys):
    question = make_question(key_points=[("Impute with the median", "median")])
    answer = tmp_path / "answer.txt"
    answer.write_text("I use the median.", encoding="utf-8")

    call_command("grade_answer", question.slug, "--file", str(answer))

    printed = json.loads(capsys.readouterr().out)
    assert printed["points"] == [
        {"text": "Impute with the median", "found": True, "evidence": "I use the median."}
    ]
    assert printed["suggested_grade"] is None


def test_grade_answer_command_reads_standard_input(monkeypatch, capsys):
    import io

    question = make_question(key_points=[("Impute with the median", "median")])
    monkeypatch.setattr("sys.stdin", io.StringIO("No idea."))

    call_command("grade_answer", question.slug)

    assert json.loads(capsys.readouterr().out)["found_share"] == 0.0


def test_grade_answer_command_refuses_an_unknown_question():
    with pytest.raises(CommandError, match="No question with slug 'nope'"):
        call_command("grade_answer", "nope", "--file", "/dev/null")


def test_grade_answer_command_with_the_ai_grader_and_no_judge_says_so():
    question = make_question(key_points=[("Impute with the median", "median")])

    with pytest.raises(CommandError, match="No AI judge is configured"):
        call_command("grade_answer", question.slug, "--grader", "ai", "--file", "/dev/null")
