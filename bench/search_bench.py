"""Time of the question bank's search at 5,000 questions: word matching (icontains) against
the full text index.

    DJANGO_DEBUG=1 .venv/bin/python bench/search_bench.py
    DJANGO_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/search_bench.py

It builds a scratch database of its own (a SQLite file in /tmp, or "bench_search" on the
PostgreSQL server), loads the shipped content and copies its questions with their key points up
to BENCH_QUESTIONS (5,000); then times what the bank's page asks of the database for a search,
the count and the first page of twenty of the bank's queryset for a learner, three ways:

- title+prompt icontains: the bank's search before the index (each word in the title or
  the prompt, any case);
- content icontains: the same over the model answer and key points too, which is what
  searching the content would cost without an index;
- full text: practice.search, by stems, ranked.

Each figure is the median of ROUNDS runs in milliseconds. The database is dropped at the end.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlcareer.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Exists, OuterRef, Q  # noqa: E402

from mlcareer.content import content_load  # noqa: E402
from practice.models import KeyPoint, Question, Topic  # noqa: E402
from practice.queries import question_search  # noqa: E402
from practice.search import search_index_refresh  # noqa: E402

QUESTIONS = int(os.environ.get("BENCH_QUESTIONS", 5_000))
ROUNDS = 15
PAGE = 20
SQLITE_SCRATCH = "/tmp/bench_search.sqlite3"
SEARCHES = ["overfitting", "precision recall", "regularization", "gradient descent", "zebra"]


def bank() -> int:
    """The shipped questions, and copies of them up to QUESTIONS, indexed in bulk."""
    content_load()
    originals = list(Question.objects.prefetch_related("key_points", "skills"))
    copies = []
    for n in range(QUESTIONS - len(originals)):
        source = originals[n % len(originals)]
        copies.append(
            Question(
                title=f"{source.title} ({n})",
                slug=f"copy-{n}",
                prompt=source.prompt,
                difficulty=source.difficulty,
                kind=source.kind,
                topic_id=source.topic_id,
                model_answer=source.model_answer,
                status=Question.Status.PUBLISHED,
            )
        )
    copies = Question.objects.bulk_create(copies, batch_size=500)
    KeyPoint.objects.bulk_create(
        (
            KeyPoint(question=copy, order=point.order, text=point.text, keywords=point.keywords)
            for n, copy in enumerate(copies)
            for point in originals[n % len(originals)].key_points.all()
        ),
        batch_size=1_000,
    )
    started = time.perf_counter()
    search_index_refresh(copy.pk for copy in copies)
    print(f"Indexed {len(copies):,} copies in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        # Statistics, as autovacuum gathers soon after a bulk load (bench/dataset.py too).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Question.objects.count()


def icontains(questions, text: str, *, content: bool):
    """Each word in the title or the prompt, or with `content` anywhere in the question."""
    for word in text.split():
        match = Q(title__icontains=word) | Q(prompt__icontains=word)
        if content:
            in_points = KeyPoint.objects.filter(
                Q(text__icontains=word) | Q(keywords__icontains=word), question=OuterRef("pk")
            )
            match |= Q(model_answer__icontains=word) | Exists(in_points)
        questions = questions.filter(match)
    return questions


# Each builds the bank's queryset for a learner, as its page does, with the other filters.
WAYS = {
    "title+prompt icontains": lambda user, text, **filters: icontains(
        question_search(user=user, **filters), text, content=False
    ),
    "content icontains": lambda user, text, **filters: icontains(
        question_search(user=user, **filters), text, content=True
    ),
    "full text": lambda user, text, **filters: question_search(user=user, text=text, **filters),
}


def timed(search, user, text: str, filters: dict) -> tuple[float, int]:
    """Median milliseconds of the page's two queries, and the count found."""
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        questions = search(user, text, **filters)
        count = questions.count()
        list(questions[:PAGE])
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), count


def main() -> None:
    scratch = "bench_search" if connection.vendor == "postgresql" else SQLITE_SCRATCH
    connection.settings_dict["TEST"]["NAME"] = scratch
    creation = connection.creation
    old_name = creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"{connection.vendor}: {bank():,} questions")
        print("| search | " + " | ".join(WAYS) + " |")
        print("| --- |" + " --- |" * len(WAYS))
        user = get_user_model().objects.create_user("bench-learner")
        topic = Topic.objects.order_by("order").first().slug
        for text, filters in [*((text, {}) for text in SEARCHES), (SEARCHES[0], {"topic": topic})]:
            cells = []
            for search in WAYS.values():
                ms, count = timed(search, user, text, filters)
                cells.append(f"{ms:.1f} ms ({count:,} found)")
            label = text + (f" (topic {topic})" if filters else "")
            print(f"| {label} | " + " | ".join(cells) + " |")
        if os.environ.get("BENCH_EXPLAIN"):
            print(question_search(user=user, text=SEARCHES[-1]).explain(analyze=True))
    finally:
        creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
