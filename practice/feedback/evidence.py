"""Where in the learner's own text each found key point is made, for the panel to highlight."""

from dataclasses import dataclass


@dataclass(frozen=True)
class EvidenceSpan:
    start: int
    end: int
    numbers: tuple[int, ...]  # the panel's numbers (1-based) of the points this sentence makes


def evidence_spans(answer: str, evidence: list[str | None]) -> list[EvidenceSpan]:
    """The stretches of `answer` that are the evidence sentences, in order and not overlapping.

    `evidence` holds, per key point in the panel's order, the sentence that makes it or None.
    A sentence that makes several points is one span carrying all their numbers; a sentence
    the answer does not hold word for word (the matcher drops Markdown emphasis) is left out.
    """
    by_position: dict[tuple[int, int], list[int]] = {}
    for number, sentence in enumerate(evidence, start=1):
        if not sentence:
            continue
        start = answer.find(sentence)
        if start >= 0:
            by_position.setdefault((start, start + len(sentence)), []).append(number)
    spans, covered_until = [], 0
    for (start, end), numbers in sorted(by_position.items()):
        if start >= covered_until:
            spans.append(EvidenceSpan(start, end, tuple(numbers)))
            covered_until = end
    return spans
