"""CSV as spreadsheets write it: comma, semicolon (European Excel) or tab, a byte order mark,
CRLF line ends, quoted cells over several lines. Rows are placed at the row a spreadsheet shows
them in, the header being row 1, and, where cells span lines, at the line a text editor shows
them start on too."""

import csv
import io
import re

import tablib
from import_export.formats.base_formats import CSV

from mlcareer.spreadsheets import spreadsheet_safe, spreadsheet_unescape
from practice.import_formats.base import (
    COLUMNS,
    MAX_QUESTIONS,
    REQUIRED_COLUMNS,
    ImportFile,
    ImportFileError,
    ImportRow,
    check_question_count,
    decode_text,
    expected_columns_sentence,
)

SEPARATORS = {",": "comma “,”", ";": "semicolon “;”", "\t": "tab"}
# Excel reads, and some tools write, a first line naming the separator.
_SEPARATOR_LINE = re.compile(r"sep=(.)\s*")


def _map_cells(dataset: tablib.Dataset, change) -> tablib.Dataset:
    mapped = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        mapped.append([change(cell) for cell in row])
    return mapped


class SpreadsheetSafeCSV(CSV):
    """CSV whose cells a spreadsheet shows as text, never runs as a formula.

    The apostrophe put in front on export is taken off again on import, so an exported file
    imports as the text it was written with (a Markdown list in a model answer starts with "-").
    A file is read with the separator its header line uses, as `read_csv` does.
    """

    def export_data(self, dataset, **kwargs):
        return super().export_data(_map_cells(dataset, spreadsheet_safe), **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        in_stream = in_stream.removeprefix("\ufeff")
        header_line = in_stream.partition("\n")[0].rstrip("\r")
        kwargs.setdefault("delimiter", detect_separator(header_line))
        return _map_cells(super().create_dataset(in_stream, **kwargs), spreadsheet_unescape)


def _header_names(line: str, separator: str) -> list[str]:
    return [name.strip().strip('"').strip() for name in line.split(separator)]


def detect_separator(header_line: str) -> str:
    """The separator that splits the header line into the most known column names; with none
    known, the one the line holds most of (a comma when it holds none)."""

    def known(separator):
        return sum(name in COLUMNS for name in _header_names(header_line, separator))

    best = max(SEPARATORS, key=lambda sep: (known(sep), header_line.count(sep)))
    return best if known(best) or header_line.count(best) else ","


def header_problem(names: list[str], *, where: str, separator_words: str) -> str | None:
    """A sentence saying which required columns a header lacks, or None when it has them."""
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if not missing:
        return None
    found = ", ".join(f"“{name}”" for name in names[:12] if name) or "nothing"
    if len(missing) == len(REQUIRED_COLUMNS):
        return (
            f"{where} does not name the question columns{separator_words}: it reads {found}. "
            f"Put the column names in the first line. {expected_columns_sentence()}"
        )
    return (
        f"{where} lacks the column(s) {', '.join(missing)}{separator_words}; it reads {found}. "
        f"{expected_columns_sentence()}"
    )


def read_csv(data: bytes) -> ImportFile:
    text = decode_text(data)
    first_line, _, _ = text.partition("\n")
    first_line = first_line.rstrip("\r")
    offset = 0
    if named := _SEPARATOR_LINE.fullmatch(first_line):
        separator, offset = named.group(1), 1
        text = text.partition("\n")[2]
    else:
        separator = detect_separator(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=False)
    separator_words = f" (read with the {SEPARATORS.get(separator, f'“{separator}”')} "
    separator_words += "as the separator)"

    header, header_line = None, 0
    rows = []
    try:
        previous = 0
        for record_number, record in enumerate(reader, start=1):
            start, previous = previous + 1 + offset, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header, header_line = [cell.strip() for cell in record], start
                where = "The first line" if start == 1 else f"The header line (line {start})"
                problem = header_problem(header, where=where, separator_words=separator_words)
                if problem:
                    raise ImportFileError(problem)
                _check_names(header, header_line)
                continue
            if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
                raise ImportFileError(
                    f"Line {start} has {len(record)} cells, but the header line names "
                    f"{len(header)} columns. A cell holding the separator "
                    f"{SEPARATORS.get(separator, separator)} must be in double quotes; "
                    "re-save the file from the spreadsheet to quote it."
                )
            cells = {
                column: _cell(record[index]) if index < len(record) else ""
                for index, column in enumerate(header)
                if column
            }
            # A spreadsheet shows one row a record (and hides a "sep=" line); a text editor
            # shows every line.
            row_number = record_number
            rows.append(
                ImportRow(
                    place=row_number,
                    cells=cells,
                    text_line=start if start != row_number else None,
                )
            )
            if len(rows) > MAX_QUESTIONS:
                check_question_count(len(rows), "rows")
    except csv.Error as error:
        raise ImportFileError(
            f"Line {reader.line_num + offset} cannot be read as CSV ({error}). A cell that holds "
            "quotes must be in double quotes, with each quote inside it doubled."
        ) from None
    if header is None:
        raise ImportFileError(
            "The file is empty: its first line must name the columns, and each line after it "
            f"holds one question. {expected_columns_sentence()}"
        )
    return ImportFile(
        format_name="CSV",
        place_word="row",
        columns=[column for column in header if column],
        rows=rows,
    )


def _cell(text: str) -> str:
    # A line break inside a cell is one "\n", whatever the file's own line ends are.
    return spreadsheet_unescape(text.replace("\r\n", "\n") if "\r" in text else text)


def _check_names(header: list[str], line: int) -> None:
    seen = set()
    for name in header:
        if name and name in seen:
            raise ImportFileError(
                f"The header line (line {line}) names the column “{name}” twice; keep one of them."
            )
        seen.add(name)
