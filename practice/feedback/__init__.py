"""Automatic feedback on a written answer, and the one entry point every grader shares.

`grade_answer(question, answer_text, grader=...)` is what the views, `manage.py grade_answer`
and `make bench-feedback` call. Graders are listed in `GRADERS`; a new one is a module with a
class that follows `base.Grader`, plus one line there. `answer_feedback` gives the feedback
panel its figures (points found with their evidence, length, speaking time, fillers).
"""

from dataclasses import dataclass, field

from practice.feedback.base import Grader, GradeResult, PointFinding, QuestionText
from practice.feedback.delivery import (
    filler_counts,
    singular,
    speaking_seconds,
    tokens,
    top_words,
    word_count,
)
from practice.feedback.judge import AIGrader
from practice.feedback.matching import MatchingGrader

GRADERS: dict[str, Grader] = {
    MatchingGrader.name: MatchingGrader(),
    AIGrader.name: AIGrader(),
}
DEFAULT_GRADER = MatchingGrader.name

__all__ = [
    "DEFAULT_GRADER",
    "GRADERS",
    "Feedback",
    "GradeResult",
    "PointFinding",
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


def question_text(question, *, with_mistakes: bool = False) -> QuestionText:
    """What a grader reads of a `Question` row (or anything with the same attributes); None
    gives an empty question, for texts graded against bare key points."""
    mistakes = ()
    if with_mistakes and hasattr(question, "common_mistakes"):
        mistakes = tuple((m.claim, m.correction) for m in question.common_mistakes.all())
    return QuestionText(
        title=getattr(question, "title", ""),
        prompt=getattr(question, "prompt", ""),
        model_answer=getattr(question, "model_answer", ""),
        suggested_minutes=getattr(question, "suggested_minutes", 5) or 5,
        mistakes=mistakes,
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
    chosen = GRADERS[grader]
    text = question_text(question, with_mistakes=chosen.reads_mistakes)
    return chosen.grade(text, list(key_points), answer_text)


@dataclass(frozen=True)
class Feedback:
    """What the feedback panel shows: the matcher's findings plus how the answer would sound."""

    result: GradeResult
    word_count: int
    speaking_seconds: int
    fillers: dict[str, int] = field(default_factory=dict)
    top_words: list[tuple[str, int]] = field(default_factory=list)

    @property
    def points(self) -> list[PointFinding]:
        return self.result.points

    @property
    def notes(self) -> list[str]:
        return self.result.notes

    @property
    def covered_count(self) -> int:
        return self.result.found_count

    @property
    def coverage(self) -> float:
        """Share of key points found, 0.0 to 1.0 (0.0 when there are none)."""
        return self.result.found_share

    @property
    def coverage_percent(self) -> int:
        return round(self.coverage * 100)

    @property
    def missing(self) -> list[str]:
        return [point.text for point in self.points if not point.found]


def key_points_covered(answer: str, key_points, *, question=None) -> list[PointFinding]:
    """For each key point in order, whether the answer makes it, and the sentence that does."""
    return grade_answer(question, answer, key_points=key_points).points


def answer_feedback(answer: str, key_points, *, question=None) -> Feedback:
    """Everything the feedback panel shows for one written answer to `question`."""
    result = grade_answer(question, answer, key_points=key_points)
    words = word_count(answer)
    return Feedback(
        result=result,
        word_count=words,
        speaking_seconds=speaking_seconds(words),
        fillers=filler_counts(answer),
        top_words=top_words(answer),
    )
