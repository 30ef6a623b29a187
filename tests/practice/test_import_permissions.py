"""Bulk import and export in admin follow the admin permissions of the model."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from practice.models import ImportJob, Question, QuestionFlag
from tests.factories import make_question, make_user
from tests.practice.test_admin import _csv, _previewed, _row, _upload

pytestmark = pytest.mark.django_db


def _staff_client(*codenames: str) -> Client:
    """A staff member outside the Editors group, holding only the given permissions."""
    user = make_user(is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def existing(catalogue):
    question = make_question(slug="imported-1", title="Untouched", status="draft")
    return question


@pytest.mark.parametrize(
    "codenames",
    [(), ("view_question",), ("add_question",), ("change_question",)],
    ids=["no permissions", "view only", "add only", "change only"],
)
def test_import_needs_both_add_and_change_permission(existing, codenames):
    client = _staff_client(*codenames)
    file = _csv([_row(1, title="Overwritten", status="published"), _row(2)])

    now = timezone.now()
    # A job of theirs from when they had the permissions, previewed and ready.
    job = ImportJob.objects.create(
        uploader=client.user,
        file_name="questions.csv",
        data=file,
        status="ready",
        report={"format_name": "CSV", "rows": []},
        created=now,
        updated=now,
    )

    assert client.get("/admin/practice/question/import/").status_code == 403
    assert _upload(client, file).status_code == 403
    assert client.get(f"/admin/practice/question/import/{job.pk}/").status_code == 403
    assert client.get(f"/admin/practice/question/import/{job.pk}/progress/").status_code == 403
    assert client.post(f"/admin/practice/question/import/{job.pk}/confirm/").status_code == 403
    assert "Import</a>" not in client.get("/admin/practice/question/").content.decode()

    existing.refresh_from_db()
    assert (existing.title, existing.status) == ("Untouched", "draft")
    assert not Question.objects.filter(slug="imported-2").exists()


def test_import_opens_with_add_and_change_permission(existing):
    client = _staff_client("view_question", "add_question", "change_question")

    assert client.get("/admin/practice/question/import/").status_code == 200
    assert "Import</a>" in client.get("/admin/practice/question/").content.decode()
    preview = _upload(client, _csv([_row(1, title="Overwritten")]))
    assert _previewed(preview)


def test_export_needs_the_view_permission(existing):
    outsider = _staff_client()
    assert outsider.get("/admin/practice/question/export/").status_code == 403
    exported = outsider.post("/admin/practice/question/export/", {"format": "0"})
    assert exported.status_code == 403
    assert b"Untouched" not in exported.content

    viewer = _staff_client("view_question")
    assert viewer.get("/admin/practice/question/export/").status_code == 200


def test_bulk_actions_need_the_permission_they_use(existing):
    """A view-only member of staff sees the list but cannot publish, retire or duplicate."""
    viewer = _staff_client("view_question")
    page = viewer.get("/admin/practice/question/").content.decode()
    assert 'value="publish"' not in page
    assert 'value="duplicate"' not in page

    for action in ("publish", "retire", "duplicate"):
        viewer.post(
            "/admin/practice/question/",
            {"action": action, "_selected_action": [existing.pk]},
        )
    existing.refresh_from_db()
    assert existing.status == "draft"
    assert Question.objects.count() == 1


def test_resolving_flags_needs_the_change_permission(existing, alice):
    flag = QuestionFlag.objects.create(user=alice, question=existing, reason="unclear")
    viewer = _staff_client("view_questionflag")

    viewer.post(
        "/admin/practice/questionflag/", {"action": "resolve", "_selected_action": [flag.pk]}
    )

    flag.refresh_from_db()
    assert flag.resolved_at is None
