"""Cells that are safe to open in a spreadsheet program.

A CSV cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula
by Excel, LibreOffice and Google Sheets (OWASP, "CSV Injection"). Such a cell gets a leading
apostrophe, which spreadsheets show as text and do not display. Files read back by MLCareer's
own import drop that apostrophe again, so text survives an export and import unchanged.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def spreadsheet_safe(value):
    """The value as a spreadsheet shows it as text; anything but a string is returned as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return TEXT_MARK + value
    return value


def spreadsheet_unescape(value):
    """Undo `spreadsheet_safe`: drop the apostrophe in front of a formula-like start."""
    if (
        isinstance(value, str)
        and value.startswith(TEXT_MARK)
        and value[len(TEXT_MARK) :].startswith(FORMULA_STARTS)
    ):
        return value[len(TEXT_MARK) :]
    return value
