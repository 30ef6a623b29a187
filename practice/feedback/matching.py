"""The offline grader: which key points an answer makes, found sentence by sentence.

A key point is found in a sentence of the answer when

- one of its keywords occurs there, its words in order and close together, after stemming and
  with equivalent terms read alike (`text.Vocabulary`); or
- the sentence means much the same as one of the point's references (its text, its keywords,
  and the model answer's sentence closest to it), by embedding similarity;

and the words that match are not denied in their clause ("never drop rows"); a point that
itself states a denial ("does not prove the null") needs one. Nothing is
matched across sentences. Words the learner was shown (the title and the prompt) give no
credit on their own: a keyword made only of them counts when the sentence also has another
word of the point that the prompt lacks.

This grader finds what an answer mentions; it cannot tell a right statement from a wrong one,
so it suggests no grade.
"""

from collections import Counter
from dataclasses import dataclass

import numpy as np

from practice.feedback import embeddings
from practice.feedback.base import (
    GradeResult,
    KeyPointLike,
    PointFinding,
    QuestionText,
)
from practice.feedback.delivery import delivery_notes
from practice.feedback.terms import current_vocabulary
from practice.feedback.text import (
    NEGATIONS,
    Token,
    Vocabulary,
    is_negated,
    sentences,
    states_denial,
)

# Chosen on bench/feedback (see `make bench-feedback`): the lowest similarity at which
# vague and two-word answers stay within their targets.
SIMILARITY_THRESHOLD = 0.5
# The embedding route needs a sentence with this many words of its own (not in the prompt):
# a short fragment is similar to anything that shares its one word.
MIN_FRESH_WORDS = 3
# A sentence whose every comma-separated piece has at most this many words that carry meaning
# is a list of terms ("Null hypothesis, significance."): it names topics but states nothing,
# and its words make it similar to any point about them.
LIST_PIECE_WORDS = 3
# Keyword words may have this many other words between them.
KEYWORD_GAP = 2


@dataclass(frozen=True)
class _Sentence:
    text: str
    tokens: list[Token]
    content: list[int]  # indexes into tokens of the words that carry meaning


@dataclass(frozen=True)
class _Keyword:
    forms: tuple[str, ...]
    # The keyword states a denial ("does not prove"): it matches where its words are denied,
    # and only there.
    denies: bool


@dataclass(frozen=True)
class _Point:
    text: str
    order: int
    keywords: list[_Keyword]
    forms: frozenset[str]  # every content form of the text and keywords
    fresh: frozenset[str]  # the forms the prompt lacks
    references: list[str]
    denies: bool  # the point itself states a denial ("a large p does not prove the null")


def read_sentence(text: str, vocabulary: Vocabulary) -> _Sentence:
    tokens = vocabulary.read(text)
    return _Sentence(text, tokens, [i for i, token in enumerate(tokens) if token.is_content])


def keyword_at(sentence: _Sentence, keyword: tuple[str, ...]) -> list[int] | None:
    """Token indexes where the keyword's words occur in order, close together, or None."""
    forms = [sentence.tokens[i].form for i in sentence.content]
    for start, form in enumerate(forms):
        if form != keyword[0]:
            continue
        hits, cursor = [start], start
        for wanted in keyword[1:]:
            window = forms[cursor + 1 : cursor + 2 + KEYWORD_GAP]
            if wanted not in window:
                break
            cursor = cursor + 1 + window.index(wanted)
            hits.append(cursor)
        else:
            return [sentence.content[hit] for hit in hits]
    return None


def _keyword_finds(sentence: _Sentence, point: _Point, prompt: frozenset[str]) -> bool:
    sentence_forms = {sentence.tokens[i].form for i in sentence.content}
    for keyword in point.keywords:
        hits = keyword_at(sentence, keyword.forms)
        if hits is None:
            continue
        if keyword.denies != is_negated(sentence.tokens, hits[0]):
            continue
        if not keyword.denies and any(is_negated(sentence.tokens, hit) for hit in hits[1:]):
            continue
        words = set(keyword.forms)
        if words <= prompt and not (sentence_forms & point.fresh) - words:
            continue
        return True
    return False


def _meaning_allowed(sentence: _Sentence, point: _Point, prompt: frozenset[str]) -> bool:
    """Whether a similar sentence may count: words of its own, the point's words not denied."""
    own = {sentence.tokens[i].form for i in sentence.content} - prompt
    if len(own) < MIN_FRESH_WORDS or is_term_list(sentence):
        return False
    if point.denies:
        return any(token.word in NEGATIONS for token in sentence.tokens)
    return not any(
        sentence.tokens[i].form in point.forms and is_negated(sentence.tokens, i)
        for i in sentence.content
    )


def is_term_list(sentence: _Sentence) -> bool:
    """Whether a sentence is only a list of terms, each piece a few words long."""
    words_per_piece = Counter(sentence.tokens[i].clause for i in sentence.content)
    return max(words_per_piece.values(), default=0) <= LIST_PIECE_WORDS


def _prepare(
    question: QuestionText, key_points: list[KeyPointLike], vocabulary: Vocabulary
) -> tuple[list[_Point], frozenset[str]]:
    prompt = frozenset(vocabulary.content_forms(question.asked))
    model_sentences = sentences(question.model_answer)
    closest = _closest_sentences(key_points, model_sentences)
    points = []
    for number, (point, model_sentence) in enumerate(zip(key_points, closest, strict=True), 1):
        keywords = [
            _Keyword(tuple(vocabulary.content_forms(keyword)), states_denial(keyword))
            for keyword in point.keyword_list
        ]
        keywords = [keyword for keyword in keywords if keyword.forms]
        forms = frozenset(vocabulary.content_forms(point.text)).union(
            *(keyword.forms for keyword in keywords)
        )
        references = [point.text, ", ".join(point.keyword_list)]
        if model_sentence:
            references.append(model_sentence)
        points.append(
            _Point(
                point.text,
                getattr(point, "order", number),
                keywords,
                forms,
                forms - prompt,
                references,
                states_denial(point.text),
            )
        )
    return points, prompt


def _closest_sentences(key_points: list[KeyPointLike], model_sentences: list[str]) -> list[str]:
    """For each key point, the model answer's sentence most similar to it ("" without one)."""
    if not model_sentences or not key_points:
        return ["" for _ in key_points]
    queries = [f"{point.text}. {', '.join(point.keyword_list)}" for point in key_points]
    vectors = embeddings.embed(queries + model_sentences)
    if vectors is None:
        return ["" for _ in key_points]
    similarity = vectors[: len(queries)] @ vectors[len(queries) :].T
    return [model_sentences[int(row.argmax())] for row in similarity]


def match_points(
    question: QuestionText,
    key_points: list[KeyPointLike],
    answer_text: str,
    *,
    vocabulary: Vocabulary | None = None,
) -> list[PointFinding]:
    """For each key point in order: found or not, and the answer's sentence that makes it."""
    vocabulary = vocabulary if vocabulary is not None else current_vocabulary()
    points, prompt = _prepare(question, key_points, vocabulary)
    answer = [read_sentence(text, vocabulary) for text in sentences(answer_text)]
    evidence: list[str | None] = []
    for point in points:
        evidence.append(next((s.text for s in answer if _keyword_finds(s, point, prompt)), None))
    unfound = [i for i, found in enumerate(evidence) if found is None]
    if unfound and answer:
        for i, sentence in _similar_sentences(answer, [points[i] for i in unfound], prompt):
            evidence[unfound[i]] = sentence
    return [
        PointFinding(point.text, found is not None, found, point.order)
        for point, found in zip(points, evidence, strict=True)
    ]


def _similar_sentences(
    answer: list[_Sentence], points: list[_Point], prompt: frozenset[str]
) -> list[tuple[int, str]]:
    """(index into points, sentence) for points a sentence expresses in other words."""
    references = [reference for point in points for reference in point.references]
    vectors = embeddings.embed([sentence.text for sentence in answer] + references)
    if vectors is None:
        return []
    similarity = vectors[: len(answer)] @ vectors[len(answer) :].T
    found, column = [], 0
    for index, point in enumerate(points):
        width = len(point.references)
        best = similarity[:, column : column + width].max(axis=1)
        column += width
        for row in np.argsort(-best):
            if best[row] < SIMILARITY_THRESHOLD:
                break
            if _meaning_allowed(answer[row], point, prompt):
                found.append((index, answer[row].text))
                break
    return found


class MatchingGrader:
    """Finds the key points an answer mentions, offline; suggests no grade."""

    name = "matching"
    reads_mistakes = False

    def grade(
        self, question: QuestionText, key_points: list[KeyPointLike], answer_text: str
    ) -> GradeResult:
        points = match_points(question, key_points, answer_text)
        return GradeResult(
            grader=self.name,
            points=points,
            suggested_grade=None,
            notes=delivery_notes(question, answer_text),
        )
