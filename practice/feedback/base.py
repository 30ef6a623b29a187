"""What every answer grader returns, and what it is given.

A grader reads one written answer to one question and says, for each key point in order,
whether the answer makes it and with which sentence. It may suggest a grade (0–4) when it can
judge correctness; the offline matcher cannot, and says `None`.
"""

from dataclasses import dataclass, field
from typing import Protocol


class KeyPointLike(Protocol):
    text: str
    order: int

    @property
    def keyword_list(self) -> list[str]: ...


@dataclass(frozen=True)
class QuestionText:
    """The parts of a question a grader reads: a `Question` row or a test double gives them."""

    title: str = ""
    prompt: str = ""
    model_answer: str = ""
    suggested_minutes: int = 5
    # (claim, correction) pairs; read only by graders that judge correctness.
    mistakes: tuple[tuple[str, str], ...] = ()

    @property
    def asked(self) -> str:
        """The words the learner was shown before answering."""
        return f"{self.title}\n{self.prompt}"


@dataclass(frozen=True)
class PointFinding:
    """One key point: whether the answer makes it, and the sentence that does."""

    text: str
    found: bool
    evidence: str | None = None
    order: int = 0

    # The feedback panel's words for the same two facts.
    @property
    def covered(self) -> bool:
        return self.found

    @property
    def matched(self) -> str:
        return self.evidence or ""


@dataclass(frozen=True)
class GradeResult:
    grader: str
    points: list[PointFinding]
    suggested_grade: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def found_count(self) -> int:
        return sum(point.found for point in self.points)

    @property
    def found_share(self) -> float:
        """Share of key points found, 0.0 to 1.0 (0.0 when there are none)."""
        return self.found_count / len(self.points) if self.points else 0.0

    def as_json(self) -> dict:
        """The shape `manage.py grade_answer` prints and every grader shares."""
        return {
            "grader": self.grader,
            "points": [
                {"text": point.text, "found": point.found, "evidence": point.evidence}
                for point in self.points
            ],
            "found_share": round(self.found_share, 3),
            "suggested_grade": self.suggested_grade,
            "notes": list(self.notes),
        }


class Grader(Protocol):
    """A way of grading answers, listed by name in `practice.feedback.GRADERS`."""

    name: str
    reads_mistakes: bool  # whether `QuestionText.mistakes` must be filled in for it

    def grade(
        self, question: QuestionText, key_points: list[KeyPointLike], answer_text: str
    ) -> GradeResult: ...
