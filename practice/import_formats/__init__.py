"""File formats of the question admin's import and export.

An upload is read by `read_upload` into an `ImportFile`: the same columns whatever the format
(those of `practice.resources`), each row with the place it starts at as the file's own editor
shows it, and the images that came with it. What cannot be read raises `ImportFileError`, worded
in the format's own terms. One module a format; `templates` writes a file of each to start from.
"""

from import_export.formats.base_formats import JSON

from practice.import_formats.anki_package import read_apkg
from practice.import_formats.anki_text import read_anki_text
from practice.import_formats.archive import read_archive
from practice.import_formats.base import (
    MAX_QUESTIONS,
    MAX_UPLOAD_BYTES,
    ImportFile,
    ImportFileError,
    ImportRow,
)
from practice.import_formats.delimited import SpreadsheetSafeCSV, read_csv
from practice.import_formats.json_file import read_json
from practice.import_formats.markdown_file import read_markdown
from practice.import_formats.templates import import_template
from practice.import_formats.workbook import read_xlsx

# What django-import-export's own import and export forms offer.
QUESTION_FORMATS = [SpreadsheetSafeCSV, JSON]

READERS = {
    "csv": read_csv,
    "tsv": read_csv,
    "xlsx": read_xlsx,
    "json": read_json,
    "md": read_markdown,
    "markdown": read_markdown,
    "txt": read_anki_text,
    "apkg": read_apkg,
}
FORMATS_SENTENCE = (
    "CSV, Excel workbook (.xlsx), JSON, Markdown (.md), Anki text export (.txt), Anki package "
    "(.apkg), or a ZIP archive of one of these with its images"
)


def _ending(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _read_one(name: str, data: bytes) -> ImportFile:
    reader = READERS.get(_ending(name))
    if reader is None:
        raise ImportFileError(f"“{name}” is not a file this import reads ({FORMATS_SENTENCE}).")
    return reader(data)


def read_upload(name: str, data: bytes) -> ImportFile:
    """The questions of an uploaded file, its format told by its name's ending."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            f"The file is {len(data) / 1024 / 1024:,.1f} MB; an upload takes at most "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Split it into several files, or leave "
            "large images out."
        )
    if _ending(name) == "zip":
        return read_archive(data, read_question_file=_read_one, question_endings=tuple(READERS))
    return _read_one(name, data)


__all__ = [
    "MAX_QUESTIONS",
    "MAX_UPLOAD_BYTES",
    "QUESTION_FORMATS",
    "ImportFile",
    "ImportFileError",
    "ImportRow",
    "SpreadsheetSafeCSV",
    "import_template",
    "read_upload",
]
