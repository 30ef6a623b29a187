"""Checks on a question's key points that editors run before publishing.

A keyword is a problem when it would give credit for nothing: it is a stop word or a word
every answer uses ("include", "project", "result"), it is already in the title or prompt
(pasting the question back would cover the point), or it covers the point in a generic
answer that says nothing about the question.
"""

from dataclasses import dataclass

from practice.feedback.base import QuestionText
from practice.feedback.matching import keyword_at, read_sentence
from practice.feedback.text import STOP_WORDS, Vocabulary, normal_form, sentences

# A 45-word project story that fits any question and answers none.
GENERIC_ANSWER = (
    "In my last project I worked with the team on a model for our main product. We collected "
    "the data, cleaned it, tried several approaches and picked the one with the best results. "
    "We deployed it, monitored it, and the project was a success that taught me a lot."
)
# Single words that occur in almost any answer, so alone they show nothing.
GENERIC_WORDS = frozenset(
    """include includes project projects result results year years switch data model models
    team work worked approach problem time best good better change issue process system value
    example important improve improved step steps case cases check look first second new
    people thing part number set point way end start""".split()  # noqa: SIM905
)
_GENERIC_FORMS = frozenset(normal_form(word) for word in GENERIC_WORDS)


@dataclass(frozen=True)
class KeywordProblem:
    question: str  # the question's slug
    point: int  # the key point's order
    keyword: str
    reason: str

    def __str__(self):
        return f"{self.question} #{self.point} “{self.keyword}”: {self.reason}"


def keyword_problems(
    slug: str, question: QuestionText, key_points, vocabulary: Vocabulary
) -> list[KeywordProblem]:
    """Every keyword of these key points that would give credit for nothing, and why."""
    prompt = set(vocabulary.content_forms(question.asked))
    generic = [read_sentence(text, vocabulary) for text in sentences(GENERIC_ANSWER)]
    problems = []
    for point in key_points:
        for keyword in point.keyword_list:
            forms = tuple(vocabulary.content_forms(keyword))
            reason = _reason(keyword, forms, prompt, generic)
            if reason:
                problems.append(KeywordProblem(slug, point.order, keyword, reason))
    return problems


def _reason(keyword: str, forms: tuple[str, ...], prompt: set[str], generic) -> str:
    if not forms or keyword.lower() in STOP_WORDS:
        return "a stop word"
    if len(forms) == 1 and forms[0] in _GENERIC_FORMS:
        return "a word almost any answer uses"
    if set(forms) <= prompt:
        return "already in the title or prompt"
    if any(keyword_at(sentence, forms) is not None for sentence in generic):
        return "covers the point in a generic answer"
    return ""
