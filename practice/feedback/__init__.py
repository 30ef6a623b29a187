"""Automatic feedback on a written answer, and the one entry point every grader shares.

`grade_answer(question, answer_text, grader=...)` is what the views, `manage.py grade_answer`
and `make bench-feedback` call. Graders are listed in `GRADERS`; a new one is a module with a
class that follows `base.Grader`, plus one line there. `answer_feedback` gives the feedback
panel its figures (points found with their evidence, length, speaking time, fillers).
"""

from dataclasses import dataclass, field

from practice.feedback.base import (
    Grader,
    GradeResult,
    KeyPointLike,
    PointFinding,
    QuestionText,
)
from practice.feedback.delivery import (
    FILLER_PHRASES,
    SPEAKING_WORDS_PER_MINUTE,
    TOP_WORDS,
    delivery_notes,
    filler_counts,
    singular,
    speaking_seconds,
    tokens,
    top_words,
    word_count,
)
from practice.feedback.matching import MatchingGrader, match_points
from practice.feedback.text import STOP_WORDS

GRADERS: dict[str, Grader] = {
    MatchingGrader.name: MatchingGrader(),
}
DEFAULT_GRADER = MatchingGrader.name

__all__ = [
    "DEFAULT_GRADER",
    "FILLER_PHRASES",
    "GRADERS",
    "SPEAKING_WORDS_PER_MINUTE",
    "STOP_WORDS",
    "TOP_WORDS",
    "Feedback",
    "GradeResult",
    "PointFinding",
    "PointResult",
    "QuestionText",
    "answer_feedback",
    "filler_counts",
    "grade_answer",
    "key_points_covered",
    "question_text",
    "singular",
    "tokens",
    "top_words",
]


def question_text(question) -> QuestionText:
    """What a grader reads of a `Question` row (or anything with the same attributes)."""
    return QuestionText(
        title=getattr(question, "title", ""),
        prompt=getattr(question, "prompt", ""),
        model_answer=getattr(question, "model_answer", ""),
        suggested_minutes=getattr(question, "suggested_minutes", 5) or 5,
    )


def grade_answer(
    question, answer_text: str, *, grader: str = DEFAULT_GRADER, key_points=None
) -> GradeResult:
    """Grade one answer to one question with the named grader (see `GRADERS`).

    `key_points` defaults to the question's own, in order. Raises KeyError for an unknown
    grader name.
    """
    if key_points is None:
        key_points = list(question.key_points.all())
    return GRADERS[grader].grade(question_text(question), list(key_points), answer_text)


@dataclass(frozen=True)
class PointResult:
    text: str
    covered: bool
    # The sentence of the answer that makes the point ("" when not found); kept under this
    # name because the feedback panel shows it in quotes after the point.
    matched: str = ""

    @property
    def evidence(self) -> str | None:
        return self.matched or None


@dataclass(frozen=True)
class Feedback:
    points: list[PointResult]
    word_count: int
    speaking_seconds: int
    fillers: dict[str, int] = field(default_factory=dict)
    top_words: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def covered_count(self) -> int:
        return sum(point.covered for point in self.points)

    @property
    def coverage(self) -> float:
        """Share of key points found, 0.0 to 1.0 (0.0 when there are none)."""
        return self.covered_count / len(self.points) if self.points else 0.0

    @property
    def coverage_percent(self) -> int:
        return round(self.coverage * 100)

    @property
    def missing(self) -> list[str]:
        return [point.text for point in self.points if not point.covered]


def _question_of(key_points: list[KeyPointLike]):
    """The question the key points belong to, when it is already loaded (no extra query)."""
    if not key_points:
        return None
    point = key_points[0]
    descriptor = getattr(type(point), "question", None)
    is_cached = getattr(getattr(descriptor, "field", None), "is_cached", None)
    if is_cached is not None and is_cached(point):
        return point.question
    return None


def key_points_covered(
    answer: str, key_points: list[KeyPointLike], *, question=None
) -> list[PointResult]:
    """For each key point in order, whether the answer makes it, and the sentence that does."""
    question = question if question is not None else _question_of(key_points)
    findings = match_points(question_text(question), key_points, answer)
    return [PointResult(f.text, f.found, f.evidence or "") for f in findings]


def answer_feedback(answer: str, key_points: list[KeyPointLike], *, question=None) -> Feedback:
    """Everything the feedback panel shows for one written answer."""
    question = question if question is not None else _question_of(key_points)
    words = word_count(answer)
    return Feedback(
        points=key_points_covered(answer, key_points, question=question),
        word_count=words,
        speaking_seconds=speaking_seconds(words),
        fillers=filler_counts(answer),
        top_words=top_words(answer),
        notes=delivery_notes(question_text(question), answer),
    )
