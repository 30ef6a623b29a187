from dataclasses import dataclass

import pytest

from practice.feedback import (
    answer_feedback,
    filler_counts,
    key_points_covered,
    singular,
    tokens,
    top_words,
)

pytestmark = pytest.mark.django_db  # the matcher reads the equivalent terms


@dataclass
class Point:
    text: str
    keywords: str

    @property
    def keyword_list(self):
        return [k.strip() for k in self.keywords.split(",") if k.strip()]


MISSING_DATA_POINTS = [
    Point("Find out why values are missing", "mcar, mar, mnar, missing at random, missingness"),
    Point(
        "Drop rows or columns when little is lost", "drop, dropna, listwise deletion, remove rows"
    ),
    Point("Impute with statistics or a model", "impute, imputation, fillna, median, knn imputer"),
    Point("Fit the imputer on training data only", "leakage, training set only, fit on train"),
    Point("Add a missing-value indicator", "indicator, flag column, missing flag"),
]

REALISTIC_ANSWER = (
    "First I look at the pattern of missingness: is the data missing completely at random, "
    "or does it depend on other features? If only a few rows are affected I simply drop them. "
    "Otherwise I impute, usually the median for skewed numeric columns, or a KNN imputer "
    "when features are correlated. Um, basically I also add an indicator column, because the "
    "fact that a value is missing can itself be predictive."
)


def test_realistic_answer_covers_what_it_says_and_misses_leakage():
    results = key_points_covered(REALISTIC_ANSWER, MISSING_DATA_POINTS)

    assert [r.covered for r in results] == [True, True, True, False, True]
    assert results[0].evidence.startswith("First I look at the pattern of missingness")
    assert results[1].evidence == "If only a few rows are affected I simply drop them."
    assert results[2].evidence.startswith("Otherwise I impute")


def test_feedback_totals_for_a_realistic_answer():
    feedback = answer_feedback(REALISTIC_ANSWER, MISSING_DATA_POINTS)

    assert feedback.covered_count == 4
    assert feedback.coverage_percent == 80
    assert feedback.missing == ["Fit the imputer on training data only"]
    assert feedback.word_count == 71
    assert feedback.speaking_seconds == 30  # 71 words at 140 a minute
    assert feedback.fillers == {"basically": 1, "um": 1}
    assert ("missing", 2) in feedback.top_words


def test_matching_ignores_case_punctuation_hyphens_and_plurals():
    points = [Point("Cross-validation", "cross-validation, k-fold"), Point("Outliers", "outlier")]

    results = key_points_covered("I used K FOLD cross validation; OUTLIERS were clipped.", points)

    assert [r.covered for r in results] == [True, True]


def test_matching_needs_whole_words_not_fragments():
    points = [Point("Mentions AUC", "auc"), Point("Mentions recall", "recall")]

    results = key_points_covered("I met the caucus.", points)

    assert [r.covered for r in results] == [False, False]


def test_phrase_keywords_match_with_their_words_hyphenated():
    points = [Point("Data leakage", "data leakage")]

    assert key_points_covered("Watch for data-leakage.", points)[0].covered


def test_empty_answer_covers_nothing_and_takes_no_time():
    feedback = answer_feedback("", MISSING_DATA_POINTS)

    assert (feedback.coverage, feedback.word_count, feedback.speaking_seconds) == (0.0, 0, 0)
    assert len(feedback.missing) == 5
    assert feedback.top_words == [] and feedback.fillers == {}


def test_question_without_key_points_has_zero_coverage_not_an_error():
    assert answer_feedback("Some text", []).coverage == 0.0


@pytest.mark.parametrize(
    ("word", "expected"),
    [("outliers", "outlier"), ("categories", "category"), ("classes", "class"),
     ("bias", "bias"), ("biases", "bias"), ("loss", "loss"), ("pandas", "pandas"),
     ("analysis", "analysis"), ("ratios", "ratio")],
)  # fmt: skip
def test_singular(word, expected):
    assert singular(word) == expected


def test_tokens_split_on_punctuation_and_keep_digits():
    assert tokens("L1/L2 penalties, the model's F1-score") == [
        "l1", "l2", "penalty", "the", "model", "f1", "score",
    ]  # fmt: skip


def test_fillers_count_phrases_and_ignore_similar_words():
    counts = filler_counts("You know, I mean, it is kind of... you know. Umbrella actually.")

    assert counts == {"you know": 2, "actually": 1, "i mean": 1, "kind of": 1}


def test_top_words_skip_stop_words_and_merge_plurals():
    words = top_words(
        "The gradient and the gradients: gradient descent descends. It is what it is."
    )

    assert words[0] == ("gradient", 3)
    assert all(word not in {"the", "and", "it", "is", "what"} for word, _ in words)
