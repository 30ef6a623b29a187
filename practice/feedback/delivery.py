"""How an answer would sound spoken: length, speaking time, fillers, the most used words.

A filler counts only where it is one: "kind of" in "a kind of model" names a kind, while in
"it kind of works" it hedges. Two-word fillers that can also be ordinary words count when
nothing of substance follows them: punctuation, the end, or a verb or adjective rather than
a noun (told apart by a few endings and common words, not a parser).
"""

import re
from collections import Counter

from practice.feedback.base import QuestionText
from practice.feedback.text import STOP_WORDS

SPEAKING_WORDS_PER_MINUTE = 140
TOP_WORDS = 5
# An answer under this share of the model answer's length is far shorter than needed.
SHORT_SHARE = 0.25
SHORT_MIN_MODEL_WORDS = 40

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
# Fillers that are also ordinary phrases ("what kind of model", "if you know the mean").
AMBIGUOUS_FILLERS = frozenset({"sort of", "kind of", "you know", "i mean"})
_NOUN_MARKERS = frozenset(
    """a an the this that these those what which whatever any some every each another same
    different one new other my our your their its""".split()  # noqa: SIM905
)
_HEDGED_WORDS = frozenset(
    """like just want wanted think thought know knew feel felt works work worked worry guess
    depends depend is was are were looks look looked seems seem seemed makes make made
    helps help helped goes go went did do does has had have get got gets mean hard easy big
    small good bad similar random important tricky messy slow fast new old different same
    overfit overfits underfit okay ok fine true wrong right""".split()  # noqa: SIM905
)

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_WORD_OR_MARK = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.,;:!?()\u2013\u2014]|\.\.\.")

# Words that end in "s" without being plurals.
_SINGULAR_WITH_S = frozenset(
    """bias alias atlas canvas lens news series species pandas kubernetes redis has was does
    yes plus its this thus gas""".split()  # noqa: SIM905
)


def singular(word: str) -> str:
    """A crude English singular, enough to count "outliers" and "outlier" as one word."""
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
    words = _WORD.findall(text.lower().replace("\u2019", "'"))
    return [singular(word.removesuffix("'s")) for word in words]


def word_count(answer: str) -> int:
    return len(_WORD.findall(answer.lower()))


def speaking_seconds(words: int) -> int:
    """Seconds to say this many words at an interview pace."""
    return round(words * 60 / SPEAKING_WORDS_PER_MINUTE)


def _is_filler_here(phrase: str, before: str | None, after: str | None) -> bool:
    if phrase not in AMBIGUOUS_FILLERS:
        return True
    if after is None or not after[0].isalnum():
        return True
    if before is not None and not before[0].isalnum() and phrase in {"you know", "i mean"}:
        return True
    if phrase in {"sort of", "kind of"}:
        if before in _NOUN_MARKERS:
            return False
        return after in _HEDGED_WORDS or after.endswith(("ed", "ing", "ly", "ful", "ous"))
    return before is None and after in _HEDGED_WORDS


def filler_counts(answer: str) -> dict[str, int]:
    """How often each filler occurs where it is a filler, most frequent first."""
    pieces = _WORD_OR_MARK.findall(answer.lower().replace("\u2019", "'"))
    counts: Counter[str] = Counter()
    for phrase in FILLER_PHRASES:
        needle = phrase.split()
        size = len(needle)
        for i in range(len(pieces) - size + 1):
            if pieces[i : i + size] != needle:
                continue
            before = pieces[i - 1] if i else None
            after = pieces[i + size] if i + size < len(pieces) else None
            if _is_filler_here(phrase, before, after):
                counts[phrase] += 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def top_words(answer: str, limit: int = TOP_WORDS) -> list[tuple[str, int]]:
    """The most used words of three letters or more, stop words left out; ties alphabetical.

    Plural and singular count as one word, shown in the form the answer uses most.
    """
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for word in _WORD.findall(answer.lower().replace("\u2019", "'")):
        word = word.removesuffix("'s")
        base = singular(word)
        if len(base) < 3 or base in STOP_WORDS or word in STOP_WORDS:
            continue
        counts[base] += 1
        forms.setdefault(base, Counter())[word] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [(forms[base].most_common(1)[0][0], count) for base, count in ranked]


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def expected_minutes(question: QuestionText) -> tuple[int, int]:
    """The speaking time a full answer takes, as a range of whole minutes.

    From the model answer's length at interview pace, capped by the suggested minutes.
    """
    model_minutes = word_count(question.model_answer) / SPEAKING_WORDS_PER_MINUTE
    low = max(1, min(question.suggested_minutes, round(model_minutes)))
    high = max(low + 1, min(question.suggested_minutes, round(model_minutes * 2)))
    return low, high


def short_answer_note(question: QuestionText, answer: str) -> str:
    """A note when the answer is far shorter than the question needs, else ""."""
    words = word_count(answer)
    model_words = word_count(question.model_answer)
    if not words or model_words < SHORT_MIN_MODEL_WORDS or words >= SHORT_SHARE * model_words:
        return ""
    low, high = expected_minutes(question)
    plural = "s" if words != 1 else ""
    return (
        f"Only {words} word{plural}; interviewers expect {low}–{high} minutes here. "
        "Say what you would do, why, and one trade-off."
    )


def delivery_notes(question: QuestionText, answer: str) -> list[str]:
    """Plain-words notes on how the answer would sound: length, time, fillers."""
    words = word_count(answer)
    if not words:
        return ["No answer written."]
    notes = [f"{words} words, about {_duration(speaking_seconds(words))} spoken."]
    if short := short_answer_note(question, answer):
        notes.append(short)
    if fillers := filler_counts(answer):
        listed = ", ".join(f"“{word}” ×{count}" for word, count in fillers.items())
        notes.append(f"Filler words: {listed}.")
    return notes
