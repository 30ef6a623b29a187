"""Excel workbooks (.xlsx): the sheet named "questions", else the first one; row 1 names the
columns, and each row is placed at its spreadsheet row number."""

import datetime
import io
import zipfile
import zlib

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from practice.import_formats.archive import check_unpacked_size, open_zip
from practice.import_formats.base import (
    MAX_QUESTIONS,
    ImportFile,
    ImportFileError,
    ImportRow,
    check_question_count,
)
from practice.import_formats.delimited import header_problem

NOT_A_WORKBOOK = (
    "This file is not an Excel workbook (.xlsx), or it is damaged. In Excel or LibreOffice, "
    "save it with “Save as type: Excel Workbook (*.xlsx)”, or save it as CSV UTF-8."
)
OLD_WORKBOOK = (
    "This is an Excel 97–2003 workbook (.xls), which the import does not read. In Excel or "
    "LibreOffice, save it with “Save as type: Excel Workbook (*.xlsx)”."
)
# What a damaged archive or sheet raises from deep inside openpyxl while it is read.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, TypeError, OSError)
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def read_xlsx(data: bytes) -> ImportFile:
    if data.startswith(_OLE_SIGNATURE):
        raise ImportFileError(OLD_WORKBOOK)
    check_unpacked_size(open_zip(data, not_a_zip=NOT_A_WORKBOOK), what="workbook")
    workbook = None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return _read_sheet(workbook)
    except ImportFileError:
        raise
    except (*_DAMAGED, InvalidFileException):
        raise ImportFileError(NOT_A_WORKBOOK) from None
    finally:
        if workbook is not None:
            workbook.close()


def _read_sheet(workbook) -> ImportFile:
    sheets = workbook.worksheets
    if not sheets:
        raise ImportFileError("The workbook holds no sheet. Put the questions in its first sheet.")
    sheet = next((s for s in sheets if s.title.strip().lower() == "questions"), sheets[0])
    where = f"Row 1 of the sheet “{sheet.title}”"
    values = sheet.iter_rows(values_only=True)
    first = next(values, None) or ()
    header = [cell_text(value).strip() for value in first]
    while header and not header[-1]:
        header.pop()
    if problem := header_problem(header, where=where, separator_words=""):
        raise ImportFileError(problem)
    seen = set()
    for name in header:
        if name and name in seen:
            raise ImportFileError(f"{where} names the column “{name}” twice; keep one of them.")
        seen.add(name)
    rows = []
    for number, record in enumerate(values, start=2):
        texts = [cell_text(value) for value in record]
        if not any(text.strip() for text in texts):
            continue
        for index, text in enumerate(texts):
            if text.strip() and (index >= len(header) or not header[index]):
                raise ImportFileError(
                    f"Row {number} of the sheet “{sheet.title}” has a value in column "
                    f"{get_column_letter(index + 1)}, which row 1 does not name. Name the "
                    "column in row 1, or clear its cells."
                )
        cells = {
            column: texts[index] if index < len(texts) else ""
            for index, column in enumerate(header)
            if column
        }
        rows.append(ImportRow(place=number, cells=cells))
        if len(rows) > MAX_QUESTIONS:
            check_question_count(len(rows), "rows")
    return ImportFile(
        format_name="XLSX",
        place_word="row",
        columns=[column for column in header if column],
        rows=rows,
    )
