"""File formats of the question admin's import and export.

An upload is read by `read_upload` into an `ImportFile`: the same columns whatever the format
(those of `practice.resources`), each row with the place it starts at as the file's own editor
shows it, and the images that came with it. What cannot be read raises `ImportFileError`, worded
in the format's own terms.
"""

from dataclasses import dataclass, field

import tablib
from import_export.formats.base_formats import CSV, JSON

from mlcareer.spreadsheets import spreadsheet_safe, spreadsheet_unescape


class ImportFileError(ValueError):
    """The upload cannot be read; the message says why and what to do, in the format's terms."""


@dataclass
class ImportRow:
    # Where the row starts, counted as the file's editor counts (a spreadsheet's row number,
    # a text editor's line number, a JSON list's item number, an Anki note's number).
    place: int
    cells: dict[str, str]


@dataclass
class ImportFile:
    format_name: str  # "CSV", "XLSX", "JSON", "Markdown", "Anki text export", "Anki package"
    place_word: str  # what `ImportRow.place` counts: "line", "row", "item", "note"
    columns: list[str]
    rows: list[ImportRow]
    # Images that came with the file (an archive's, an Anki package's media), by the path
    # the Markdown names them with.
    images: dict[str, bytes] = field(default_factory=dict)

    def where(self, row: ImportRow) -> str:
        """ "line 40", "row 12": the place of a row as a message names it."""
        return f"{self.place_word} {row.place}"


def _map_cells(dataset: tablib.Dataset, change) -> tablib.Dataset:
    mapped = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        mapped.append([change(cell) for cell in row])
    return mapped


class SpreadsheetSafeCSV(CSV):
    """CSV whose cells a spreadsheet shows as text, never runs as a formula.

    The apostrophe put in front on export is taken off again on import, so an exported file
    imports as the text it was written with (a Markdown list in a model answer starts with "-").
    """

    def export_data(self, dataset, **kwargs):
        return super().export_data(_map_cells(dataset, spreadsheet_safe), **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        return _map_cells(super().create_dataset(in_stream, **kwargs), spreadsheet_unescape)


QUESTION_FORMATS = [SpreadsheetSafeCSV, JSON]


def _dataset_file(dataset: tablib.Dataset, *, format_name: str, place_word: str, first: int):
    columns = [str(header).strip() for header in (dataset.headers or [])]
    rows = [
        ImportRow(
            place=first + index,
            cells={
                column: "" if cell is None else str(cell)
                for column, cell in zip(columns, row, strict=False)
            },
        )
        for index, row in enumerate(dataset)
    ]
    return ImportFile(format_name=format_name, place_word=place_word, columns=columns, rows=rows)


def read_upload(name: str, data: bytes) -> ImportFile:
    """The questions of an uploaded file, its format told by its name's ending."""
    ending = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"The file is not UTF-8 text (byte {error.start + 1} is not). Save it as UTF-8."
        ) from None
    if ending == "json":
        dataset = JSON().create_dataset(text)
        return _dataset_file(dataset, format_name="JSON", place_word="item", first=1)
    if ending == "csv":
        dataset = SpreadsheetSafeCSV().create_dataset(text)
        return _dataset_file(dataset, format_name="CSV", place_word="line", first=2)
    raise ImportFileError(f"“{name}” is not a file this import reads (CSV or JSON).")
