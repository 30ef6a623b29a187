"""The file waiting between an import's preview and its confirmation belongs to its uploader."""

import datetime as dt
import os
import tempfile

import pytest
from django.core.management import call_command
from django.utils import timezone

from practice.models import Question, StagedImport
from tests.practice.conftest import editor_client_for
from tests.practice.test_admin import _csv, _row, _upload

pytestmark = pytest.mark.django_db


def _confirm(client, **fields):
    payload = {
        "import_file_name": "",
        "original_file_name": "questions.csv",
        "format": "0",
        "resource": "0",
    } | fields
    return client.post("/admin/practice/question/process_import/", payload, follow=True)


def test_a_file_in_the_temp_directory_cannot_be_named_for_import(catalogue):
    editor = editor_client_for("curator")
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as planted:
        planted.write(_csv([_row(1, title="Planted", status="published")]).decode())

    response = _confirm(editor, import_file_name=os.path.basename(planted.name))

    assert response.status_code == 200
    assert "This upload is unknown or has expired" in response.content.decode()
    assert not Question.objects.filter(title="Planted").exists()
    assert os.path.exists(planted.name), "the named file was deleted"
    os.remove(planted.name)


@pytest.mark.parametrize(
    "name", ["", "no-such-file", "/etc/passwd", "../../etc", ".", "/", "\x00", "x" * 5000]
)
def test_an_unknown_staged_name_gets_a_message_not_a_500(catalogue, name):
    response = _confirm(editor_client_for("curator"), import_file_name=name)

    assert response.status_code == 200
    assert "This upload is unknown or has expired" in response.content.decode()
    assert Question.objects.count() == 0


def test_another_editors_staged_upload_cannot_be_confirmed(catalogue):
    first, second = editor_client_for("first"), editor_client_for("second")
    preview = _upload(first, _csv([_row(1)]))
    staged = preview.context["confirm_form"].initial

    response = second.post("/admin/practice/question/process_import/", staged, follow=True)

    assert "This upload is unknown or has expired" in response.content.decode()
    assert Question.objects.count() == 0
    # The uploader can still confirm their own file.
    first.post("/admin/practice/question/process_import/", staged, follow=True)
    assert Question.objects.filter(slug="imported-1").exists()
    assert StagedImport.objects.count() == 0


def test_a_confirmed_upload_cannot_be_imported_twice(catalogue):
    editor = editor_client_for("curator")
    staged = _upload(editor, _csv([_row(1)])).context["confirm_form"].initial
    editor.post("/admin/practice/question/process_import/", staged, follow=True)
    Question.objects.all().delete()

    again = editor.post("/admin/practice/question/process_import/", staged, follow=True)

    assert "This upload is unknown or has expired" in again.content.decode()
    assert Question.objects.count() == 0


def test_staged_uploads_expire_after_a_day(catalogue):
    editor = editor_client_for("curator")
    staged = _upload(editor, _csv([_row(1)])).context["confirm_form"].initial
    StagedImport.objects.update(created=timezone.now() - dt.timedelta(hours=25))

    response = editor.post("/admin/practice/question/process_import/", staged, follow=True)

    assert "This upload is unknown or has expired" in response.content.decode()
    assert Question.objects.count() == 0


def test_cleanup_removes_staged_uploads_left_unconfirmed_for_a_day(catalogue):
    editor = editor_client_for("curator")
    _upload(editor, _csv([_row(1)]))
    _upload(editor, _csv([_row(2)]))
    StagedImport.objects.filter(pk=StagedImport.objects.order_by("pk").first().pk).update(
        created=timezone.now() - dt.timedelta(days=2)
    )

    call_command("cleanup")

    assert StagedImport.objects.count() == 1


@pytest.mark.parametrize(
    "change", [{"format": "7"}, {"format": "-9"}, {"format": "abc"}, {"resource": "3"}]
)
def test_a_confirmation_naming_an_unknown_format_gets_a_message_not_a_500(catalogue, change):
    editor = editor_client_for("curator")
    staged = _upload(editor, _csv([_row(1)])).context["confirm_form"].initial

    response = editor.post(
        "/admin/practice/question/process_import/", {**staged, **change}, follow=True
    )

    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert Question.objects.count() == 0
