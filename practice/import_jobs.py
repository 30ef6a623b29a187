"""An import file's way through the background: uploaded, previewed, confirmed, imported.

The admin's upload page starts a job (`import_job_start`); a worker previews it
(`import_job_preview`), the uploader reads the preview and confirms (`import_job_confirm`), and a
worker imports it (`import_job_apply`). Progress is written to the job as the rows go by, for
the job's page to show.
"""

import datetime as dt

from django.utils import timezone

from practice.import_formats import ImportFileError, read_upload
from practice.imports import ImportDefaults, ImportReport, import_apply, import_preview
from practice.models import ImportJob

IMPORT_JOB_LIFETIME = dt.timedelta(days=1)
# A job that has not moved for this long has lost its worker (a worker writes its progress
# every few hundred rows, well under a second apart).
IMPORT_JOB_STALLS_AFTER = dt.timedelta(minutes=10)
WORKER_STOPPED = (
    "The worker handling this file stopped before it finished. Nothing was imported: upload "
    "the file again."
)
UNEXPECTED = (
    "Something went wrong while {doing} the file, and nothing was imported. Upload it again; "
    "if it fails again, tell the site's administrator (the error is in the server's log)."
)


def import_job_start(*, uploader, file_name: str, data: bytes, defaults: ImportDefaults):
    """A new job for this upload, queued for its preview once the upload is saved."""
    from practice.tasks import preview_import

    now = timezone.now()
    job = ImportJob.objects.create(
        uploader=uploader,
        file_name=file_name[:255],
        data=data,
        defaults=defaults.as_json(),
        created=now,
        updated=now,
    )
    # The task is a row of the same database, saved with the job or not at all.
    preview_import.enqueue(job.pk)
    return job


def _progress(job_id: int):
    def record(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(done=done, total=total, updated=timezone.now())

    return record


def _finish(job_id: int, **fields) -> None:
    ImportJob.objects.filter(pk=job_id).update(updated=timezone.now(), **fields)


def _run(job_id: int, *, confirmed: bool, then: str, doing: str, step) -> str:
    """Take the waiting job (confirmed for its import, or not yet), run its step, and store
    the report."""
    waiting = ImportJob.objects.filter(
        pk=job_id, status=ImportJob.Status.WAITING, applied_at__isnull=not confirmed
    )
    if not waiting.update(status=then, done=0, updated=timezone.now()):
        return "skipped"
    job = ImportJob.objects.get(pk=job_id)
    try:
        file = read_upload(job.file_name, bytes(job.data))
        report, status = step(job, file)
    except ImportFileError as error:
        _finish(job_id, status=ImportJob.Status.FAILED, error=str(error))
        return ImportJob.Status.FAILED
    except Exception:
        _finish(job_id, status=ImportJob.Status.FAILED, error=UNEXPECTED.format(doing=doing))
        raise
    _finish(job_id, status=status, report=report.as_json(), done=len(file.rows))
    return status


def import_job_preview(job_id: int) -> str:
    """Check every row of the job's file and store what it would do."""

    def step(job, file):
        defaults = ImportDefaults.from_json(job.defaults)
        report = import_preview(file, defaults=defaults, progress=_progress(job.pk))
        return report, ImportJob.Status.READY

    return _run(
        job_id,
        confirmed=False,
        then=ImportJob.Status.PREVIEWING,
        doing="checking",
        step=step,
    )


def import_job_confirm(job: ImportJob) -> bool:
    """Queue the import of a previewed job; False when it is not (or no longer) ready."""
    from practice.tasks import apply_import

    report = ImportReport.from_json(job.report or {})
    if job.status != ImportJob.Status.READY or report.blocked:
        return False
    queued = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
        status=ImportJob.Status.WAITING, done=0, applied_at=timezone.now(), updated=timezone.now()
    )
    if queued:
        apply_import.enqueue(job.pk)
    return bool(queued)


def import_job_apply(job_id: int) -> str:
    """Check the job's rows again and import them all, or none when one has an error."""

    def step(job, file):
        defaults = ImportDefaults.from_json(job.defaults)
        ImportJob.objects.filter(pk=job.pk).update(applied_at=timezone.now())
        report = import_apply(
            file, defaults=defaults, user=job.uploader, progress=_progress(job.pk)
        )
        return report, ImportJob.Status.DONE

    return _run(
        job_id,
        confirmed=True,
        then=ImportJob.Status.IMPORTING,
        doing="importing",
        step=step,
    )


def import_job_stalled(job: ImportJob, *, now: dt.datetime) -> bool:
    """Whether the job waits or runs with no worker left to move it."""
    return job.status in ImportJob.RUNNING_STATUSES and now - job.updated > IMPORT_JOB_STALLS_AFTER


def import_jobs_expire(*, now: dt.datetime) -> int:
    """Delete jobs uploaded more than a day ago; returns how many were deleted."""
    deleted, _ = ImportJob.objects.filter(created__lt=now - IMPORT_JOB_LIFETIME).delete()
    return deleted
