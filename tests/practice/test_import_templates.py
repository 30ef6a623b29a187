"""The question admin offers a template of each import format to download."""

import pytest
from django.urls import reverse

from practice.import_formats import read_upload
from tests.practice.test_import_permissions import _staff_client

pytestmark = pytest.mark.django_db


def _url(key: str) -> str:
    return reverse("admin:practice_question_import_template", args=[key])


@pytest.mark.parametrize(
    ("key", "filename"),
    [
        ("csv", "mlcareer-questions.csv"),
        ("xlsx", "mlcareer-questions.xlsx"),
        ("json", "mlcareer-questions.json"),
        ("md", "mlcareer-questions.md"),
        ("txt", "mlcareer-questions-anki.txt"),
        ("apkg", "mlcareer-questions.apkg"),
        ("zip", "mlcareer-questions.zip"),
    ],
)
def test_an_editor_downloads_each_template_as_an_attachment(editor_client, key, filename):
    response = editor_client.get(_url(key))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert len(read_upload(filename, response.content).rows) == 2


def test_staff_who_may_not_import_get_no_template():
    assert _staff_client("view_question").get(_url("csv")).status_code == 403
    assert _staff_client("add_question", "change_question").get(_url("csv")).status_code == 200


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(_url("csv"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_an_unknown_template_is_not_found(editor_client):
    assert editor_client.get(_url("docx")).status_code == 404
