"""Background tasks (Django's tasks API; `manage.py db_worker` runs them)."""

from django_tasks import task

from practice.ai_reviews import run_review


@task()
def review_answer(review_id: int) -> str:
    """The AI judge's verdict on one answer; see `practice.ai_reviews.run_review`."""
    return run_review(review_id)
