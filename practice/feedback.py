"""Automatic feedback on a written answer: pure functions of the text and the key points.

Matching is forgiving about form, not meaning: case, punctuation, hyphens and plural
endings are normalised, then each key point counts as covered when any of its keywords
(a word or a phrase) appears in the answer as a whole word or a run of whole words.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

SPEAKING_WORDS_PER_MINUTE = 140
TOP_WORDS = 5

# Verbal tics an interviewer notices when an answer is spoken aloud.
FILLER_PHRASES = [
    "um",
    "uh",
    "erm",
    "basically",
    "actually",
    "literally",
    "you know",
    "i mean",
    "sort of",
    "kind of",
    "to be honest",
    "obviously",
]

STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just let me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves one two use used using get make may might much many well also via
    e g eg ie etc way thing things""".split()  # noqa: SIM905
)

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


class KeyPointLike(Protocol):
    text: str

    @property
    def keyword_list(self) -> list[str]: ...


# Words that end in "s" without being plurals.
_SINGULAR_WITH_S = frozenset(
    """bias alias atlas canvas lens news series species pandas kubernetes redis has was does
    yes plus its this thus gas""".split()  # noqa: SIM905
)


def singular(word: str) -> str:
    """A crude English singular, enough to match "outliers" with "outlier"."""
    if word in _SINGULAR_WITH_S:
        return word
    if word.endswith("es") and word[:-2] in _SINGULAR_WITH_S:
        return word[:-2]
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Lower-case words with punctuation and hyphens as separators and plurals made singular."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    return [singular(word.removesuffix("'s")) for word in words]


def _contains(haystack: list[str], needle: list[str]) -> bool:
    if not needle:
        return False
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


@dataclass(frozen=True)
class PointResult:
    text: str
    covered: bool
    matched: str = ""


@dataclass(frozen=True)
class Feedback:
    points: list[PointResult]
    word_count: int
    speaking_seconds: int
    fillers: dict[str, int] = field(default_factory=dict)
    top_words: list[tuple[str, int]] = field(default_factory=list)

    @property
    def covered_count(self) -> int:
        return sum(point.covered for point in self.points)

    @property
    def coverage(self) -> float:
        """Share of key points covered, 0.0 to 1.0 (0.0 when there are none)."""
        return self.covered_count / len(self.points) if self.points else 0.0

    @property
    def coverage_percent(self) -> int:
        return round(self.coverage * 100)

    @property
    def missing(self) -> list[str]:
        return [point.text for point in self.points if not point.covered]


def key_points_covered(answer: str, key_points: list[KeyPointLike]) -> list[PointResult]:
    """For each key point in order, whether the answer uses one of its keywords, and which."""
    answer_tokens = tokens(answer)
    results = []
    for point in key_points:
        matched = next(
            (kw for kw in point.keyword_list if _contains(answer_tokens, tokens(kw))), ""
        )
        results.append(PointResult(text=point.text, covered=bool(matched), matched=matched))
    return results


def filler_counts(answer: str) -> dict[str, int]:
    """How often each filler phrase occurs, only those that do, most frequent first."""
    answer_tokens = tokens(answer)
    counts = {}
    for phrase in FILLER_PHRASES:
        needle = tokens(phrase)
        size = len(needle)
        count = sum(
            answer_tokens[i : i + size] == needle for i in range(len(answer_tokens) - size + 1)
        )
        if count:
            counts[phrase] = count
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def top_words(answer: str, limit: int = TOP_WORDS) -> list[tuple[str, int]]:
    """The most used words of three letters or more, stop words left out; ties alphabetical.

    Plural and singular count as one word, shown in the form the answer uses most.
    """
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for word in _WORD.findall(answer.lower().replace("’", "'")):
        word = word.removesuffix("'s")
        base = singular(word)
        if len(base) < 3 or base in STOP_WORDS or word in STOP_WORDS:
            continue
        counts[base] += 1
        forms.setdefault(base, Counter())[word] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [(forms[base].most_common(1)[0][0], count) for base, count in ranked]


def answer_feedback(answer: str, key_points: list[KeyPointLike]) -> Feedback:
    """Everything the feedback panel shows for one written answer."""
    word_count = len(_WORD.findall(answer.lower()))
    return Feedback(
        points=key_points_covered(answer, key_points),
        word_count=word_count,
        speaking_seconds=round(word_count * 60 / SPEAKING_WORDS_PER_MINUTE),
        fillers=filler_counts(answer),
        top_words=top_words(answer),
    )


def grade_expected_from_coverage(coverage: float) -> int:
    """The 0–4 grade that key-point coverage alone suggests (it cannot tell 3 from 4)."""
    if coverage <= 0:
        return 0
    if coverage < 1 / 3:
        return 1
    if coverage < 2 / 3:
        return 2
    return 3


def grade_disagreement(grade: int, feedback: Feedback) -> str:
    """A plain-words note when the self-grade and the coverage are two or more steps apart."""
    if not feedback.points:
        return ""
    expected = grade_expected_from_coverage(feedback.coverage)
    covered, total = feedback.covered_count, len(feedback.points)
    if grade - expected >= 2:
        return (
            f"You graded this answer {grade}, but your text covers {covered} of {total} key "
            "points. Check the missing points: an interviewer would probe them."
        )
    if expected - grade >= 2:
        return (
            f"You graded this answer {grade}, but your text covers {covered} of {total} key "
            "points. You may be harder on yourself than an interviewer would be."
        )
    return ""
