"""Aggregates for editors: how each question is used. No learner's answer is ever read here."""

from django.db.models import Avg, Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from practice.models import Attempt, Question, QuestionFlag

STATISTICS_LIMIT = 20
MIN_GRADED_FOR_RANKING = 3


def _count_per_question(rows: QuerySet) -> Coalesce:
    counts = (
        rows.filter(question=OuterRef("pk")).values("question").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counts[:1]), Value(0), output_field=IntegerField())


def questions_with_usage(questions: QuerySet[Question]) -> QuerySet[Question]:
    """Annotate attempt count, graded count, mean grade, skips, answers cut off at a mock
    interview's time-up (counted apart from the answers finished in time), looked-at answers
    and open flags.

    Each figure is its own subquery so that joins never multiply one another.
    """
    done = Attempt.objects.filter(status__in=Attempt.DONE_STATUSES)
    graded = Attempt.objects.filter(grade__isnull=False)
    mean_grade = (
        graded.filter(question=OuterRef("pk"))
        .values("question")
        .annotate(mean=Avg("grade"))
        .values("mean")
    )
    return questions.annotate(
        attempt_count=_count_per_question(done),
        graded_count=_count_per_question(graded),
        mean_grade=Subquery(mean_grade[:1]),
        skip_count=_count_per_question(done.filter(status=Attempt.Status.SKIPPED)),
        cut_off_count=_count_per_question(done.filter(status=Attempt.Status.CUT_OFF)),
        looked_count=_count_per_question(done.filter(revealed_early=True)),
        open_flag_count=_count_per_question(QuestionFlag.objects.filter(resolved_at__isnull=True)),
    )


def content_statistics(*, limit: int = STATISTICS_LIMIT) -> dict:
    """The editors' overview: most-missed, never-practised and most-flagged published questions.

    Most-missed ranks by mean grade among questions graded at least MIN_GRADED_FOR_RANKING
    times, so that one bad answer does not put a question on top.
    """
    published = questions_with_usage(Question.objects.published().select_related("topic"))
    never = published.filter(attempt_count=0)
    return {
        "most_missed": list(
            published.filter(graded_count__gte=MIN_GRADED_FOR_RANKING).order_by(
                "mean_grade", "title"
            )[:limit]
        ),
        "never_practised": list(never.order_by("topic__order", "title")[:limit]),
        "never_practised_count": never.count(),
        "most_flagged": list(
            published.filter(open_flag_count__gt=0).order_by("-open_flag_count", "title")[:limit]
        ),
        "published_count": published.count(),
        "attempt_count": Attempt.objects.filter(status__in=Attempt.DONE_STATUSES).count(),
        "min_graded": MIN_GRADED_FOR_RANKING,
    }
