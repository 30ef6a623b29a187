"""A bulk import refuses what the models would refuse, naming the rows, and imports nothing."""

import csv
import io

import pytest

from practice.models import KeyPoint, Question
from tests.factories import make_question
from tests.practice.test_admin import _csv, _import, _previewed, _row, _rows_with_errors, _upload

pytestmark = pytest.mark.django_db


def _refused(response) -> str:
    assert not _previewed(response)
    assert not Question.objects.filter(slug__startswith="imported-").exists()
    return response.content.decode()


@pytest.mark.parametrize("second_slug", ["imported-1", "Imported-1"])
def test_two_rows_with_one_slug_are_refused_naming_both_rows(
    editor_client, catalogue, second_slug
):
    rows = [_row(1), _row(2), _row(3, slug=second_slug)]

    page = _refused(_upload(editor_client, _csv(rows)))

    assert "Rows 2 and 4 have the same slug “imported-1”" in page


def test_a_nul_character_in_any_cell_is_refused_naming_the_column(editor_client, catalogue):
    page = _refused(_upload(editor_client, _csv([_row(1), _row(2, prompt="Bad\x00prompt")])))

    assert "prompt contains a NUL character" in page
    assert _rows_with_errors(_upload(editor_client, _csv([_row(2, title="a\x00")]))) == ["row 2"]


def test_a_key_point_over_its_length_limit_is_refused(editor_client, catalogue):
    long_point = "x" * 301 + " :: keyword"

    page = _refused(_upload(editor_client, _csv([_row(1), _row(2, key_points=long_point)])))

    assert "key point 1 has 301 characters; the limit is 300" in page
    assert KeyPoint.objects.count() == 0


@pytest.mark.parametrize("minutes", ["5.7", "five", "0", "61", "-3", "1e3"])
def test_suggested_minutes_must_be_a_whole_number_in_range(editor_client, catalogue, minutes):
    page = _refused(_upload(editor_client, _csv([_row(1, suggested_minutes=minutes)])))

    assert "ConversionSyntax" not in page
    assert (
        f"suggested_minutes must be a whole number of minutes from 1 to 60; got “{minutes}”"
        in page
    )


def test_whole_minutes_written_as_a_decimal_are_accepted(editor_client, catalogue):
    _import(editor_client, _csv([_row(1, suggested_minutes="7.0")]))

    assert Question.objects.get(slug="imported-1").suggested_minutes == 7


def _export(client, fmt: str) -> str:
    """The export page's form posted with every column ticked, as an editor sends it."""
    form = client.get("/admin/practice/question/export/").context["form"]
    columns = {name: "on" for name in form.fields if name.startswith("questionresource_")}
    response = client.post(
        "/admin/practice/question/export/", {"format": fmt, "resource": "0", **columns}
    )
    assert response["Content-Disposition"].startswith("attachment"), response.content[-2000:]
    return response.content.decode("utf-8-sig")


def _admin_csv_export(client) -> list[dict]:
    return list(csv.DictReader(io.StringIO(_export(client, "0"))))


def test_admin_csv_export_neutralises_formulas_and_reimports_as_written(editor_client, catalogue):
    """A cell a spreadsheet would run gets a leading apostrophe; our import drops it again."""
    hostile = '=HYPERLINK("https://evil.example","Click")'
    listed = "- first point\n- second point"
    question = make_question(title="+1 for formulas", prompt=hostile, model_answer=listed)

    rows = _admin_csv_export(editor_client)

    (row,) = rows
    assert row["title"] == "'+1 for formulas"
    assert row["prompt"] == "'" + hostile
    assert row["model_answer"] == "'" + listed
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    Question.objects.all().delete()
    _import(editor_client, buffer.getvalue().encode())
    again = Question.objects.get(slug=question.slug)
    assert (again.title, again.prompt, again.model_answer) == (
        "+1 for formulas",
        hostile,
        listed,
    )


def test_admin_json_export_keeps_text_as_written(editor_client, catalogue):
    make_question(prompt="=SUM(A1:A9)", model_answer="- a list")

    assert '"prompt": "=SUM(A1:A9)"' in _export(editor_client, "1")
