"""Anki packages (.apkg): a ZIP holding the deck's SQLite collection and its media.

Notes are read in id order (the order Anki made them) and placed at their number from 1; each
becomes a question as a text export's note does (practice.import_formats.anki_text). The media
map ("0" → "diagram.png") gives the package's images by the name the notes use.
"""

import contextlib
import json
import os
import sqlite3
import tempfile

from practice.import_formats.anki_text import AnkiNote, notes_file
from practice.import_formats.archive import UnpackBudget, check_unpacked_size, is_image, open_zip
from practice.import_formats.base import ImportFile, ImportFileError, check_question_count

EXPORT_HINT = (
    "In Anki, choose File › Export, “Anki Deck Package (*.apkg)”, and tick “Support older "
    "Anki versions”."
)
NOT_A_PACKAGE = f"This is not an Anki package (.apkg), or it is damaged. {EXPORT_HINT}"
NEWER_PACKAGE = (
    "This package was made by a newer Anki in a compressed form the import does not read. "
    f"Export it again: {EXPORT_HINT[3:]}"
)


def _deck_names(db: sqlite3.Connection) -> dict[int, str]:
    names = {}
    try:
        (decks,) = db.execute("SELECT decks FROM col").fetchone() or ("{}",)
        for deck_id, deck in json.loads(decks or "{}").items():
            names[int(deck_id)] = deck.get("name", "")
    except (sqlite3.Error, ValueError, TypeError, AttributeError):
        pass
    if not names:
        # Newer collections keep decks in a table of their own.
        with contextlib.suppress(sqlite3.Error):
            names = dict(db.execute("SELECT id, name FROM decks"))
    return names


def _read_collection(path: str) -> list[AnkiNote]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        decks = _deck_names(db)
        deck_of = {}
        for note_id, deck_id in db.execute("SELECT nid, did FROM cards ORDER BY nid, ord"):
            deck_of.setdefault(note_id, decks.get(deck_id, ""))
        notes = []
        for number, (note_id, guid, tags, fields) in enumerate(
            db.execute("SELECT id, guid, tags, flds FROM notes ORDER BY id"), start=1
        ):
            notes.append(
                AnkiNote(
                    place=number,
                    fields=fields.split("\x1f"),
                    guid=guid or "",
                    deck=deck_of.get(note_id, ""),
                    tags=tags or "",
                )
            )
            check_question_count(len(notes), "notes")
        return notes
    except sqlite3.Error:
        raise ImportFileError(NOT_A_PACKAGE) from None
    finally:
        db.close()


def read_apkg(data: bytes) -> ImportFile:
    package = open_zip(data, not_a_zip=NOT_A_PACKAGE)
    check_unpacked_size(package, what="Anki package")
    names = set(package.namelist())
    if "collection.anki21" in names:
        collection = "collection.anki21"
    elif "collection.anki21b" in names:
        raise ImportFileError(NEWER_PACKAGE)
    elif "collection.anki2" in names:
        collection = "collection.anki2"
    else:
        raise ImportFileError(NOT_A_PACKAGE)
    budget = UnpackBudget("Anki package")
    handle, path = tempfile.mkstemp(suffix=".anki2")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(budget.read(package, package.getinfo(collection)))
        notes = _read_collection(path)
    finally:
        os.unlink(path)
    images = {}
    if "media" in names:
        try:
            media = json.loads(budget.read(package, package.getinfo("media")) or b"{}")
        except ValueError:
            media = {}
        for number, name in media.items() if isinstance(media, dict) else ():
            if str(number) not in names:
                continue
            # Sounds are named note by note; other media (a template's fonts) show nothing.
            if is_image(name):
                images[name] = budget.read(package, package.getinfo(str(number)))
    imported = notes_file(notes, html=True, format_name="Anki package", place_word="note")
    imported.images = images
    return imported
