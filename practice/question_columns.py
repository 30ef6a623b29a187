"""The columns of a question file, and how each cell is written and read.

One row a question. Columns: slug (identifies the question: an existing slug updates it),
title, topic (a topic slug or name), difficulty, kind, status, suggested_minutes, skills (skill
slugs or names separated by commas), prompt and model_answer (Markdown), and key_points: one
key point a line, written `text :: keyword, keyword, …`; and, optionally, common_mistakes: one
mistake a line, written `claim => correction`, and the question's source: source_name,
source_url (http or https) and source_licence.

The export writes every column; the import reads these rules from here too, so that a file
exported is a file the import takes back unchanged.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from practice.feedback.checks import GENERIC_WORDS
from practice.feedback.text import STOP_WORDS, normal_form
from practice.models import MISTAKE_SEPARATOR, CommonMistake, KeyPoint, Question, comma_list

COLUMNS = [
    "slug",
    "title",
    "topic",
    "difficulty",
    "kind",
    "status",
    "suggested_minutes",
    "skills",
    "prompt",
    "model_answer",
    "key_points",
    "common_mistakes",
    "source_name",
    "source_url",
    "source_licence",
]
SOURCE_COLUMNS = ["source_name", "source_url", "source_licence"]
# What a file must hold for a question to be made of a row at all; the rest have defaults, or
# leave an existing question's value as it is.
REQUIRED_COLUMNS = ["title", "prompt", "model_answer", "key_points"]
OPTIONAL_COLUMNS = [column for column in COLUMNS if column not in REQUIRED_COLUMNS]

KEY_POINT_SEPARATOR = "::"
MAX_KEY_POINTS = 6
KEY_POINT_MAX_CHARS = KeyPoint._meta.get_field("text").max_length
MISTAKE_MAX_CHARS = {
    part: CommonMistake._meta.get_field(part).max_length for part in ("claim", "correction")
}
SUGGESTED_KEYWORDS = 4

_minutes_field = Question._meta.get_field("suggested_minutes")
_minutes_bounds = [v.limit_value for v in _minutes_field.validators if hasattr(v, "limit_value")]
MINUTES_LOW, MINUTES_HIGH = min(_minutes_bounds), max(_minutes_bounds)

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#-]*[A-Za-z0-9+#]|[A-Za-z]")
# Key points are often written as what the answer does ("Defines recall", "Names a trade-off"):
# those verbs say nothing of the content.
_EDITORIAL_VERBS = """define defines explain explains name names give gives mention mentions
    describe describes note notes say says state states show shows use uses list lists
    compare compares discuss discusses""".split()  # noqa: SIM905
_GENERIC_FORMS = frozenset(normal_form(word) for word in [*GENERIC_WORDS, *_EDITORIAL_VERBS])


@dataclass(frozen=True)
class KeyPointLine:
    text: str
    keywords: str  # comma-separated, one space after each comma
    suggested: bool = False  # the line gave no keywords: these come from its own words


def suggested_keywords(text: str, *, limit: int = SUGGESTED_KEYWORDS) -> list[str]:
    """Keywords for a key point written without any: its content words, one per stem.

    Stop words and words almost any answer uses give no credit, so they are left out; longer
    words say more, so they come first, in the order the text has them.
    """
    seen, words = set(), []
    for word in _WORD.findall(text):
        lowered = word.lower()
        form = normal_form(lowered)
        if len(lowered) < 3 or lowered in STOP_WORDS or form in _GENERIC_FORMS or form in seen:
            continue
        seen.add(form)
        words.append(lowered)
    longest = sorted(words, key=len, reverse=True)[:limit]
    return [word for word in words if word in longest]


def _lines(cell: str):
    for number, line in enumerate((cell or "").splitlines(), start=1):
        if line.strip():
            yield number, line.strip()


def key_points_parse(cell: str) -> list[KeyPointLine]:
    """Read the key_points cell, one point a line; ValueError says what is wrong.

    A line without `::` (or with nothing after it) gets keywords suggested from its own words.
    """
    points = []
    for number, line in _lines(cell):
        text, _, keywords = (part.strip() for part in line.partition(KEY_POINT_SEPARATOR))
        if not text:
            raise ValueError(
                f"key point {number} has keywords but no text; write it as "
                f"“text {KEY_POINT_SEPARATOR} keyword, keyword”."
            )
        if len(text) > KEY_POINT_MAX_CHARS:
            raise ValueError(
                f"key point {number} has {len(text)} characters; the limit is "
                f"{KEY_POINT_MAX_CHARS}. Shorten it, or split it into two points."
            )
        if comma_list(keywords):
            points.append(KeyPointLine(text, ", ".join(comma_list(keywords))))
            continue
        suggestion = suggested_keywords(text)
        if not suggestion:
            raise ValueError(
                f"key point {number} (“{text[:80]}”) has no keywords, and its words are too "
                f"common to suggest any; write it as “text {KEY_POINT_SEPARATOR} keyword, "
                "keyword”."
            )
        points.append(KeyPointLine(text, ", ".join(suggestion), suggested=True))
    if not 1 <= len(points) <= MAX_KEY_POINTS:
        raise ValueError(
            f"a question needs 1 to {MAX_KEY_POINTS} key points; found {len(points)}."
        )
    return points


def key_points_format(points) -> str:
    return "\n".join(f"{point.text} {KEY_POINT_SEPARATOR} {point.keywords}" for point in points)


def common_mistakes_parse(cell: str) -> list[tuple[str, str]]:
    """Read the common_mistakes cell into (claim, correction) pairs, blank lines skipped.

    A line splits at its first `=>`, so a correction may contain one and a claim may not.
    ValueError says which line is wrong and why.
    """
    mistakes = []
    for number, line in _lines(cell):
        claim, found, correction = (part.strip() for part in line.partition(MISTAKE_SEPARATOR))
        if not found or not claim or not correction:
            raise ValueError(
                f"common mistake {number} must read “claim {MISTAKE_SEPARATOR} correction”; "
                f"got “{line[:80]}”."
            )
        for part, text in (("claim", claim), ("correction", correction)):
            if len(text) > MISTAKE_MAX_CHARS[part]:
                raise ValueError(
                    f"common mistake {number} has a {part} of {len(text)} characters; "
                    f"the limit is {MISTAKE_MAX_CHARS[part]}. Shorten it."
                )
        mistakes.append((claim, correction))
    return mistakes


def common_mistakes_format(mistakes) -> str:
    return "\n".join(f"{m.claim} {MISTAKE_SEPARATOR} {m.correction}" for m in mistakes)


def minutes_parse(cell: str) -> int:
    """Suggested minutes as the model takes them: a whole number in its range, said plainly."""
    try:
        number = Decimal(cell.strip())
    except InvalidOperation:
        number = None
    whole = number is not None and number.is_finite() and number == number.to_integral()
    if not whole or not MINUTES_LOW <= number <= MINUTES_HIGH:
        raise ValueError(
            f"suggested_minutes must be a whole number of minutes from {MINUTES_LOW} to "
            f"{MINUTES_HIGH}; got “{cell}”."
        )
    return int(number)
