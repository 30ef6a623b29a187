"""An import's pages in admin: the job belongs to its uploader, shows its progress, its preview
a page at a time, and its result; it is confirmed once, and expires after a day."""

import datetime as dt
import html

import pytest
from django.core.management import call_command
from django.utils import timezone

from practice.import_jobs import import_job_stalled
from practice.models import ImportJob, Question
from tests.ai.workers import run_worker
from tests.practice.conftest import editor_client_for
from tests.practice.test_admin import _csv, _import, _previewed, _row, _upload

pytestmark = pytest.mark.django_db

IMPORT = "/admin/practice/question/import/"


def _job_urls(job) -> list[str]:
    return [f"{IMPORT}{job.pk}/", f"{IMPORT}{job.pk}/progress/"]


def _started(client, content: bytes, **defaults) -> ImportJob:
    """An upload the worker has not taken yet."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("questions.csv", content, content_type="text/csv")
    response = client.post(IMPORT, {"import_file": upload, "status": "draft", **defaults})
    assert response.status_code == 302, response.content.decode()[-2000:]
    return ImportJob.objects.latest("pk")


def test_another_editors_import_is_not_found_and_cannot_be_confirmed(catalogue):
    first, second = editor_client_for("first"), editor_client_for("second")
    job = _upload(first, _csv([_row(1)])).context["job"]

    for url in _job_urls(job):
        assert second.get(url).status_code == 404
    assert second.post(f"{IMPORT}{job.pk}/confirm/").status_code == 404
    run_worker()
    assert Question.objects.count() == 0

    first.post(f"{IMPORT}{job.pk}/confirm/")
    run_worker()
    assert Question.objects.filter(slug="imported-1").exists()


def test_a_confirmed_import_cannot_be_confirmed_again(catalogue):
    editor = editor_client_for("curator")
    job = _upload(editor, _csv([_row(1)])).context["job"]
    editor.post(f"{IMPORT}{job.pk}/confirm/")
    run_worker()
    Question.objects.all().delete()

    again = editor.post(f"{IMPORT}{job.pk}/confirm/", follow=True)
    run_worker()

    assert "This import cannot be confirmed" in html.unescape(again.content.decode())
    assert Question.objects.count() == 0


def test_an_import_with_errors_has_no_confirm_button_and_refuses_a_confirmation(catalogue):
    editor = editor_client_for("curator")
    preview = _upload(editor, _csv([_row(1), _row(2, topic="nowhere")]))
    job = preview.context["job"]

    assert "Confirm import" not in preview.content.decode()
    editor.post(f"{IMPORT}{job.pk}/confirm/")
    run_worker()
    assert Question.objects.count() == 0


def test_the_job_page_shows_progress_polled_by_htmx_until_the_preview_is_ready(catalogue):
    editor = editor_client_for("curator")
    job = _started(editor, _csv([_row(1)]))

    waiting = editor.get(f"{IMPORT}{job.pk}/").content.decode()
    fragment = editor.get(f"{IMPORT}{job.pk}/progress/")

    assert "<progress" in waiting
    assert 'data-hx-trigger="every 1s"' in waiting
    assert f'data-hx-get="{IMPORT}{job.pk}/progress/"' in waiting
    assert "Waiting for a worker" in fragment.content.decode()
    assert "HX-Refresh" not in fragment

    run_worker()
    done = editor.get(f"{IMPORT}{job.pk}/progress/")
    assert done["HX-Refresh"] == "true"
    page = editor.get(f"{IMPORT}{job.pk}/").content.decode()
    assert "data-hx-get" not in page
    assert "Confirm import" in page


def test_a_job_whose_worker_died_says_it_failed_and_to_upload_again(catalogue):
    editor = editor_client_for("curator")
    job = _started(editor, _csv([_row(1)]))
    ImportJob.objects.filter(pk=job.pk).update(
        status="previewing", updated=timezone.now() - dt.timedelta(minutes=11)
    )

    page = html.unescape(editor.get(f"{IMPORT}{job.pk}/").content.decode())

    assert "Failed: The worker handling this file stopped before it finished." in page
    assert "upload the file again" in page
    assert editor.get(f"{IMPORT}{job.pk}/progress/")["HX-Refresh"] == "true"


def test_a_job_is_stalled_only_when_it_runs_and_has_not_moved_for_ten_minutes():
    now = timezone.now()

    def job(status, minutes):
        return ImportJob(status=status, updated=now - dt.timedelta(minutes=minutes))

    assert import_job_stalled(job("importing", 11), now=now)
    assert import_job_stalled(job("waiting", 11), now=now)
    assert not import_job_stalled(job("importing", 9), now=now)
    assert not import_job_stalled(job("ready", 60), now=now)


def test_the_preview_lists_problems_first_a_hundred_rows_a_page(catalogue):
    rows = [_row(n) for n in range(150)]
    rows[120] = _row(120, topic="nowhere")
    rows[130] = _row(130, key_points="Uses a validation set to tune hyperparameters")
    editor = editor_client_for("curator")
    job = _upload(editor, _csv(rows)).context["job"]

    first = editor.get(f"{IMPORT}{job.pk}/")
    second = editor.get(f"{IMPORT}{job.pk}/?page=2")
    problems = editor.get(f"{IMPORT}{job.pk}/?show=problems")

    places = [row.place.split(" (")[0] for row in first.context["page"]]
    assert places[:3] == ["row 122", "row 132", "row 2"]
    assert len(places) == 100
    assert len(second.context["page"]) == 50
    assert "Page 1 of 2" in first.content.decode()
    assert [row.place.split(" (")[0] for row in problems.context["page"]] == ["row 122", "row 132"]
    page = html.unescape(problems.content.decode())
    assert "there is no topic “nowhere”; the topics are: evaluation." in page
    assert "suggested “validation, tune, hyperparameters”" in page


def test_the_job_page_reads_a_fixed_number_of_queries(catalogue, django_assert_max_num_queries):
    editor = editor_client_for("curator")
    job = _upload(editor, _csv([_row(n) for n in range(150)])).context["job"]

    with django_assert_max_num_queries(8):
        editor.get(f"{IMPORT}{job.pk}/")
    with django_assert_max_num_queries(8):
        editor.get(f"{IMPORT}{job.pk}/progress/")


def test_the_result_links_to_the_new_and_changed_questions(catalogue):
    from tests.factories import make_question

    make_question(slug="untouched-elsewhere")
    editor = editor_client_for("curator")

    result = _import(editor, _csv([_row(1), _row(2)]))

    assert "Imported: 2 new, 0 changed, 0 unchanged." in result.content.decode()
    link = result.context["changed_link"]
    listed = editor.get(link)
    assert listed.status_code == 200
    assert sorted(q.slug for q in listed.context["cl"].result_list) == [
        "imported-1",
        "imported-2",
    ]


def test_reimporting_an_unchanged_file_says_no_changes(catalogue):
    editor = editor_client_for("curator")
    _import(editor, _csv([_row(1), _row(2)]))

    preview = _upload(editor, _csv([_row(1), _row(2)]))

    assert "No changes: the 2 questions are as the file says." in preview.content.decode()
    assert not _previewed(preview)


def test_defaults_chosen_on_the_upload_page_fill_what_the_file_leaves_out(catalogue):
    editor = editor_client_for("curator")
    columns = ["slug", "title", "prompt", "model_answer", "key_points"]

    _import(
        editor,
        _csv([_row(1)], columns=columns),
        topic="evaluation",
        skills=["python"],
        difficulty="hard",
        kind="coding",
        suggested_minutes="12",
    )

    question = Question.objects.get(slug="imported-1")
    assert (question.topic.slug, question.difficulty, question.kind) == (
        "evaluation",
        "hard",
        "coding",
    )
    assert (question.status, question.suggested_minutes) == ("draft", 12)
    assert list(question.skills.values_list("slug", flat=True)) == ["python"]


def test_a_file_over_the_sites_form_limit_is_taken_up_to_twenty_megabytes(catalogue, settings):
    """Django's 2.5 MB limit is for a form's text: an uploaded file does not count."""
    padding = "x" * 2_000
    rows = [_row(n, model_answer=f"Metric {n}. {padding}") for n in range(1_400)]
    content = _csv(rows)
    assert len(content) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    job = _started(editor_client_for("curator"), content)

    assert bytes(job.data) == content


def test_cleanup_deletes_imports_uploaded_more_than_a_day_ago(catalogue):
    editor = editor_client_for("curator")
    old = _started(editor, _csv([_row(1)]))
    _started(editor, _csv([_row(2)]))
    ImportJob.objects.filter(pk=old.pk).update(created=timezone.now() - dt.timedelta(hours=25))

    call_command("cleanup")

    assert list(ImportJob.objects.values_list("file_name", flat=True)) == ["questions.csv"]
    assert not ImportJob.objects.filter(pk=old.pk).exists()
    assert editor.get(f"{IMPORT}{old.pk}/").status_code == 404


def test_the_upload_page_explains_the_key_point_syntax_with_an_example(editor_client):
    page = html.unescape(editor_client.get(IMPORT).content.decode())

    assert "text :: keyword, keyword" in page
    assert "Defines recall as the share of actual positives found :: recall" in page
    assert 'enctype="multipart/form-data"' in page


def test_a_stored_file_the_worker_cannot_read_fails_with_the_readers_sentence(catalogue):
    editor = editor_client_for("curator")
    job = _started(editor, _csv([_row(1)]))
    ImportJob.objects.filter(pk=job.pk).update(data=b"\xff\xfe not text")

    run_worker()

    job.refresh_from_db()
    assert job.status == "failed"
    page = html.unescape(editor.get(f"{IMPORT}{job.pk}/").content.decode())
    assert "Failed: The file is not UTF-8 text: line 1 holds the byte 0xFF" in page


def test_a_big_file_is_read_by_the_worker_and_its_job_page_says_what_is_wrong(catalogue):
    editor = editor_client_for("curator")
    # Over the size read on upload: the form takes it, and the worker finds it unreadable.
    job = _started(editor, b"\xff" * (3 * 1024 * 1024))

    run_worker()

    job.refresh_from_db()
    assert job.status == "failed"
    page = html.unescape(editor.get(f"{IMPORT}{job.pk}/").content.decode())
    assert "Failed: The file is not UTF-8 text" in page
