"""Background tasks (Django's tasks API; `manage.py db_worker` runs them)."""

from django_tasks import task

from practice.ai_reviews import run_review
from practice.import_jobs import import_job_apply, import_job_preview


@task()
def review_answer(review_id: int) -> str:
    """The AI judge's verdict on one answer; see `practice.ai_reviews.run_review`."""
    return run_review(review_id)


@task()
def preview_import(job_id: int) -> str:
    """What an uploaded file's rows would do; see `practice.import_jobs.import_job_preview`."""
    return import_job_preview(job_id)


@task()
def apply_import(job_id: int) -> str:
    """A confirmed file imported; see `practice.import_jobs.import_job_apply`."""
    return import_job_apply(job_id)
