"""The shape every upload is read into, the limits every format keeps, and the few rules that
several formats share (how a title, a slug and derived key points are made)."""

import hashlib
from dataclasses import dataclass, field

from django.utils.text import slugify

from practice.models import Question
from practice.question_columns import (  # noqa: F401 - the formats read these from here
    COLUMNS,
    KEY_POINT_MAX_CHARS,
    MAX_KEY_POINTS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    suggested_keywords,
)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_QUESTIONS = 20_000
TITLE_MAX_CHARS = Question._meta.get_field("title").max_length
SLUG_MAX_CHARS = Question._meta.get_field("slug").max_length
IMAGE_ENDINGS = ("png", "jpg", "jpeg", "gif", "webp")


class ImportFileError(ValueError):
    """The upload cannot be read; the message says why and what to do, in the format's terms."""


@dataclass
class ImportRow:
    # Where the row starts, counted as the file's editor counts (a spreadsheet's row number,
    # a text editor's line number, a JSON list's item number, an Anki note's number).
    place: int
    cells: dict[str, str]
    # For a CSV row whose cells span lines: the line a text editor shows it starting at, which
    # differs then from the spreadsheet's row number in `place`.
    text_line: int | None = None


@dataclass
class ImportFile:
    format_name: str  # "CSV", "XLSX", "JSON", "Markdown", "Anki text export", "Anki package"
    place_word: str  # what `ImportRow.place` counts: "line", "row", "item", "note"
    columns: list[str]
    rows: list[ImportRow]
    # Images that came with the file (an archive's, an Anki package's media), by the path
    # the Markdown names them with.
    images: dict[str, bytes] = field(default_factory=dict)
    # What reading left out of the file, each a sentence naming its place (an Anki sound,
    # an archive's file that is neither questions nor an image); nothing is wrong with the rows.
    notes: list[str] = field(default_factory=list)

    def where(self, row: ImportRow) -> str:
        """ "line 40", "row 12": the place of a row as a message names it."""
        if row.text_line:
            return f"{self.place_word} {row.place} (line {row.text_line} in a text editor)"
        return f"{self.place_word} {row.place}"


def expected_columns_sentence() -> str:
    return f"Expected: {', '.join(REQUIRED_COLUMNS)}; optional: {', '.join(OPTIONAL_COLUMNS)}."


def check_question_count(count: int, what: str) -> None:
    if count > MAX_QUESTIONS:
        raise ImportFileError(
            f"The file holds more than {MAX_QUESTIONS:,} {what}; an import takes at most "
            f"{MAX_QUESTIONS:,}. Split it into several files."
        )


def columns_of(rows: list[ImportRow]) -> list[str]:
    """The columns the rows fill, in the resource's order: every required one, and an optional
    one only when some row gives it (a missing optional column leaves questions as they are)."""
    given = {column for row in rows for column in row.cells}
    return [column for column in COLUMNS if column in REQUIRED_COLUMNS or column in given]


def cut_at_word(text: str, limit: int) -> str:
    """`text` on one line, cut at the last whole word that fits in `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def title_from(text: str) -> str:
    return cut_at_word(text, TITLE_MAX_CHARS)


def _slug_cut(slug: str, limit: int) -> str:
    if len(slug) <= limit:
        return slug
    cut = slug[:limit]
    return cut.rsplit("-", 1)[0] if "-" in cut else cut


class SlugMaker:
    """Slugs made from titles, the same for the same title, unique within one file (a title
    seen again gets -2, -3)."""

    def __init__(self):
        self.taken: set[str] = set()

    def claim(self, slug: str) -> str:
        self.taken.add(slug)
        return slug

    def from_title(self, title: str) -> str:
        base = _slug_cut(slugify(title), SLUG_MAX_CHARS - 4)
        if not base:
            # A title with no Latin letters or digits: its hash, still the same on every import.
            base = "question-" + hashlib.sha1(title.encode()).hexdigest()[:10]
        slug, number = base, 1
        while slug in self.taken:
            number += 1
            slug = f"{base}-{number}"
        return self.claim(slug)


def slug_from_guid(guid: str) -> str:
    """An Anki note's slug: the same for the same note whatever its text becomes."""
    return "anki-" + hashlib.sha1(guid.encode()).hexdigest()[:12]


def derived_key_points(items: list[str]) -> str:
    """Key points made from an answer's list items (or sentences): their text only, as many as
    a question holds, each cut to a key point's length.

    An item with no word to match an answer by ("P = TP / (TP + FP)", "good explainability")
    would be refused, and stop the whole import for a guess the editor never wrote: it is
    passed over instead.
    """
    points = [
        cut_at_word(item, KEY_POINT_MAX_CHARS)
        for item in items
        if item.strip() and suggested_keywords(item)
    ]
    return "\n".join(points[:MAX_KEY_POINTS])


def one_line(text: str) -> str:
    return " ".join(text.split())


UTF8_HINT = (
    "In Excel, save it with “Save as type: CSV UTF-8 (Comma delimited) (*.csv)”; in LibreOffice, "
    "tick “Edit filter settings” when saving and choose “Unicode (UTF-8)”."
)


def decode_text(data: bytes, *, hint: str = UTF8_HINT) -> str:
    """The text of an upload in UTF-8 (a byte order mark allowed, and UTF-16 with one, as
    Excel's "Unicode text" writes); ImportFileError names the first line that is not UTF-8."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportFileError(
            f"The file is not UTF-8 text: line {line} holds the byte "
            f"0x{data[error.start]:02X}, which UTF-8 cannot read, so the file was saved in "
            f"another encoding. {hint}"
        ) from None
