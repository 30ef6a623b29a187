"""File formats of the question admin's import and export."""

import tablib
from import_export.formats.base_formats import CSV, JSON

from mlcareer.spreadsheets import spreadsheet_safe, spreadsheet_unescape


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
