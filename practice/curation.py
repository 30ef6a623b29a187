"""Editors' bulk operations on the question bank."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet

from mlcareer.caching import content_changed
from practice.models import CommonMistake, KeyPoint, Question
from practice.search import search_index_refresh

COPY_SUFFIX = "-copy"


def questions_set_status(questions: QuerySet[Question], status: str) -> int:
    """Set the status of every question in `questions`; returns how many changed."""
    changed = questions.exclude(status=status).update(status=status)
    content_changed()  # a bulk update sends no model signal
    return changed


@transaction.atomic
def question_duplicate(question: Question, *, author: AbstractBaseUser | None) -> Question:
    """A draft copy of a question with its key points, common mistakes and skills, under a
    free slug."""
    base = f"{question.slug[: 120 - len(COPY_SUFFIX) - 4]}{COPY_SUFFIX}"
    slug, n = base, 1
    while Question.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    points = list(question.key_points.all())
    mistakes = list(question.common_mistakes.all())
    skills = list(question.skills.all())
    copy = Question.objects.create(
        title=f"{question.title} (copy)"[:200],
        slug=slug,
        prompt=question.prompt,
        difficulty=question.difficulty,
        kind=question.kind,
        topic_id=question.topic_id,
        model_answer=question.model_answer,
        suggested_minutes=question.suggested_minutes,
        source_name=question.source_name,
        source_url=question.source_url,
        source_licence=question.source_licence,
        status=Question.Status.DRAFT,
        author=author,
    )
    copy.skills.set(skills)
    KeyPoint.objects.bulk_create(
        KeyPoint(question=copy, order=p.order, text=p.text, keywords=p.keywords) for p in points
    )
    CommonMistake.objects.bulk_create(
        CommonMistake(question=copy, order=m.order, claim=m.claim, correction=m.correction)
        for m in mistakes
    )
    search_index_refresh([copy.pk])  # the key points came in bulk, without signals
    return copy
