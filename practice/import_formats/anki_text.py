"""Anki's "Notes in Plain Text" export (.txt), and what Anki's notes share with its packages.

Anki 2.1.55 and later start the file with header lines (`#separator:tab`, `#html:true`,
`#guid column:1`, `#notetype column:2`, `#deck column:3`, `#tags column:6`); older versions
write tab-separated fields with no header. The first field of a note is its front, the second
its back. Each note is placed at the line it starts on.

What a note gives a question: the front is its prompt and its title, the back its model answer
(and, through the back's list items or "Key points" and "Common mistakes" headings, its key
points and common mistakes), the deck's last part its topic. Tags `difficulty::…`,
`kind::…`, `status::…`, `skill::…` and `minutes::…`, or a bare difficulty or kind ("hard",
"coding"), give those columns. A note with a guid gets a slug made from it, so importing the
deck again updates the same questions.
"""

import csv
import io
from dataclasses import dataclass

from practice.import_formats.anki_html import html_to_markdown, plain_html_text
from practice.import_formats.base import (
    ImportFile,
    ImportFileError,
    ImportRow,
    SlugMaker,
    check_question_count,
    columns_of,
    decode_text,
    one_line,
    slug_from_guid,
    title_from,
)
from practice.import_formats.markdown_file import (
    blocks_of,
    markdown_lines,
    plain_text,
    read_answer,
)
from practice.models import Question

ANKI_HINT = "Export the notes from Anki again (File › Export › Notes in Plain Text)."
SEPARATOR_NAMES = {
    "tab": "\t",
    "comma": ",",
    "semicolon": ";",
    "space": " ",
    "pipe": "|",
    "colon": ":",
}
_SEPARATOR_WORDS = {"\t": "tab", ",": "comma", ";": "semicolon", " ": "space"}
_TAG_COLUMNS = {
    "difficulty": "difficulty",
    "kind": "kind",
    "status": "status",
    "minutes": "suggested_minutes",
}


@dataclass
class AnkiNote:
    place: int
    fields: list[str]
    guid: str = ""
    deck: str = ""
    tags: str = ""


def deck_topic(deck: str) -> str:
    """A deck's topic: the last part of its name ("ML::Model evaluation" → "Model
    evaluation")."""
    return deck.replace("\x1f", "::").split("::")[-1].strip()


def tag_cells(tags: str) -> dict[str, str]:
    cells, skills = {}, []
    difficulties, kinds = set(Question.Difficulty.values), set(Question.Kind.values)
    for tag in tags.split():
        key, separator, value = tag.partition("::")
        key = key.lower()
        if separator and key in _TAG_COLUMNS:
            cells[_TAG_COLUMNS[key]] = value
        elif separator and key in ("skill", "skills"):
            skills.append(value)
        elif tag.lower() in difficulties:
            cells["difficulty"] = tag.lower()
        elif tag.lower() in kinds:
            cells["kind"] = tag.lower()
    if skills:
        cells["skills"] = ", ".join(skills)
    return cells


def notes_file(
    notes: list[AnkiNote], *, html: bool, format_name: str, place_word: str, notes_out=None
) -> ImportFile:
    """The ImportFile of Anki notes, whether from a text export or a package."""
    slugs, rows, left_out = SlugMaker(), [], list(notes_out or [])
    convert = html_to_markdown if html else plain_html_text
    for note in notes:
        front = convert(note.fields[0] if note.fields else "")
        back = convert(note.fields[1] if len(note.fields) > 1 else "")
        title_blocks = blocks_of(front.markdown)
        title = " ".join(plain_text(block.inline) for block in title_blocks if block.inline)
        back_text, back_lines = markdown_lines(back.markdown)
        answer = read_answer(back_lines, blocks_of(back_text))
        cells = {
            "slug": slug_from_guid(note.guid) if note.guid else "",
            "title": title_from(title or one_line(front.markdown)),
            "topic": deck_topic(note.deck),
            "difficulty": "",
            "kind": "",
            "status": "",
            "suggested_minutes": "",
            "skills": "",
            "prompt": front.markdown,
            "model_answer": answer.text,
            "key_points": answer.key_points,
        }
        if answer.common_mistakes is not None:
            cells["common_mistakes"] = answer.common_mistakes
        cells.update(tag_cells(note.tags))
        if cells["slug"]:
            slugs.claim(cells["slug"])
        for sound in front.sounds + back.sounds:
            left_out.append(
                f"{place_word.capitalize()} {note.place}: the sound “{sound}” was left out; "
                "a question holds no sound."
            )
        rows.append(ImportRow(place=note.place, cells=cells))
    for row in rows:
        if not row.cells["slug"]:
            row.cells["slug"] = slugs.from_title(row.cells["title"])
    return ImportFile(
        format_name=format_name,
        place_word=place_word,
        columns=columns_of(rows),
        rows=rows,
        notes=left_out,
    )


def _column(headers: dict[str, str], name: str, line_of: dict[str, int]) -> int | None:
    value = headers.get(f"{name} column")
    if value is None:
        return None
    if not value.strip().isdigit() or int(value) < 1:
        raise ImportFileError(
            f"Line {line_of[name + ' column']}: “#{name} column:{value}” must name a column "
            f"by its number, from 1. {ANKI_HINT}"
        )
    return int(value) - 1


def read_anki_text(data: bytes) -> ImportFile:
    text = decode_text(data, hint=ANKI_HINT)
    stream = io.StringIO(text, newline="")
    headers, line_of, header_lines = {}, {}, 0
    while True:
        position = stream.tell()
        line = stream.readline()
        if not line.startswith("#") or ":" not in line:
            stream.seek(position)
            break
        header_lines += 1
        key, _, value = line[1:].rstrip("\r\n").partition(":")
        headers[key.strip().lower()] = value
        line_of[key.strip().lower()] = header_lines
    separator = headers.get("separator", "tab").strip()
    separator = SEPARATOR_NAMES.get(separator.lower(), separator)
    if len(separator) != 1:
        raise ImportFileError(
            f"Line {line_of.get('separator', 1)}: “#separator:{headers['separator']}” names no "
            f"separator Anki writes (tab, comma, semicolon, space, pipe or colon). {ANKI_HINT}"
        )
    html = headers.get("html", "true").strip().lower() != "false"
    guid, notetype, deck, tags = (
        _column(headers, name, line_of) for name in ("guid", "notetype", "deck", "tags")
    )
    special = {index for index in (guid, notetype, deck, tags) if index is not None}
    reader = csv.reader(stream, delimiter=separator, strict=False)
    notes, previous = [], 0
    try:
        for record in reader:
            start, previous = header_lines + previous + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue

            def cell(index, record=record):
                return record[index] if index is not None and index < len(record) else ""

            fields = [value for index, value in enumerate(record) if index not in special]
            notes.append(
                AnkiNote(
                    place=start,
                    fields=fields,
                    guid=cell(guid).strip(),
                    deck=cell(deck) or headers.get("deck", ""),
                    tags=" ".join((cell(tags), headers.get("tags", ""))),
                )
            )
            check_question_count(len(notes), "notes")
    except csv.Error as error:
        raise ImportFileError(
            f"Line {header_lines + reader.line_num} cannot be read ({error}). {ANKI_HINT}"
        ) from None
    if not notes:
        raise ImportFileError(f"The file holds no note. {ANKI_HINT}")
    if all(len(note.fields) < 2 for note in notes):
        raise ImportFileError(
            f"Line {notes[0].place} holds one field, but a note needs a front and a back "
            f"separated by a {_SEPARATOR_WORDS.get(separator, f'“{separator}”')}. {ANKI_HINT}"
        )
    return notes_file(notes, html=html, format_name="Anki text export", place_word="line")
