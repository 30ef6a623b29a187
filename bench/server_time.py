"""Server time of the main pages for the heavy learner, against Django's own floor.

    DJANGO_SECRET_KEY=x SQLITE_PATH=/tmp/bench.sqlite3 .venv/bin/python bench/server_time.py

Runs in-process through Django's test client (no network, no browser) on a database built by
bench/dataset.py, logged in as "heavy" (10,000 answers, 100 self-assessments). Each page is
requested ROUNDS times after a warm-up, with the cache kept (warm) and, for the pages that
cache, emptied before each request (cold); prints, as JSON, the median and 95th percentile in
milliseconds, the ratio of the median to the bare floor's, and the most queries of a request.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from practice.models import Question, Topic  # noqa: E402
from practice.sessions import SessionRequest, session_start  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", 30))


class QueryCounter:
    """Counts the SQL statements run and the time spent in them."""

    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def _request(client, method, url, data=None):
    response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), (url, response.status_code)
    return response


def _counted(client, method, url, data=None) -> tuple[float, int, float]:
    """Milliseconds, SQL statements and milliseconds spent running them, of one request.

    Rows are fetched lazily, so part of reading them counts outside the SQL time."""
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        _request(client, method, url, data)
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, counter.count, counter.seconds * 1000


def _time(client, url, *, rounds=ROUNDS, cold=False) -> dict:
    """Warm: the page again and again, as a learner reloading it. Cold: each time after the
    cache was emptied, as the first view after the learner's history or the content changed."""
    _request(client, "get", url)  # imports, template loading, the session's time zone
    samples, queries, sql = [], [], []
    for _ in range(rounds):
        if cold:
            cache.clear()
        elapsed, count, sql_ms = _counted(client, "get", url)
        samples.append(elapsed)
        queries.append(count)
        sql.append(sql_ms)
    return {"samples": samples, "queries": max(queries), "sql": sql}


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _summary(result: dict, floor: float) -> dict:
    samples = result["samples"]
    return {
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(statistics.quantiles(samples, n=20)[-1], 2),
        "ratio_to_floor": round(statistics.median(samples) / floor, 1),
        "queries": result["queries"],
        "sql_median_ms": round(statistics.median(result["sql"]), 2),
    }


def main() -> dict:
    settings.ALLOWED_HOSTS = ["testserver"]
    # Nothing is collected for an in-process run: static files come from the source folders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    heavy, light = _client("heavy"), _client("light")
    user = get_user_model().objects.get(username="heavy")
    question = Question.objects.published().order_by("pk").first()
    topic = Topic.objects.order_by("pk").first()
    session = session_start(
        user=user,
        request=SessionRequest(count=ROUNDS + 2),
        now=timezone.now(),
        questions=list(Question.objects.published().order_by("-pk")[: ROUNDS + 2]),
    )
    search = f"/questions/?q=trade-off&topic={topic.slug}&difficulty=medium&unpractised=on"
    results = {
        "floor": _time(heavy, "/bench-floor/"),
        "floor with the site's page shell": _time(heavy, "/bench-floor/shell/"),
        "dashboard": _time(heavy, "/dashboard/"),
        "dashboard, cold cache": _time(heavy, "/dashboard/", cold=True),
        "dashboard, light learner": _time(light, "/dashboard/"),
        "dashboard, light learner, cold cache": _time(light, "/dashboard/", cold=True),
        "question list, search and filters": _time(heavy, search),
        "question list, search and filters, cold cache": _time(heavy, search, cold=True),
        "question detail": _time(heavy, f"/questions/{question.pk}/"),
        "practice session page": _time(heavy, f"/practice/sessions/{session.pk}/"),
        "gaps": _time(heavy, "/assessments/gaps/"),
        "gaps, cold cache": _time(heavy, "/assessments/gaps/", cold=True),
    }
    # Each submit answers the next pending question, as a learner does.
    submits, submit_queries, submit_sql = [], [], []
    for attempt in session.attempts.order_by("position")[:ROUNDS]:
        heavy.get(f"/practice/sessions/{session.pk}/")
        elapsed, count, sql_ms = _counted(
            heavy,
            "post",
            f"/practice/sessions/{session.pk}/attempts/{attempt.pk}/submit/",
            {"answer": "Precision and recall, with a baseline and an example."},
        )
        submits.append(elapsed)
        submit_queries.append(count)
        submit_sql.append(sql_ms)
    results["answer submit"] = {
        "samples": submits,
        "queries": max(submit_queries),
        "sql": submit_sql,
    }
    floor = statistics.median(results["floor"]["samples"])
    return {
        "database": connection.vendor,
        "rounds": ROUNDS,
        "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        "pages": {name: _summary(result, floor) for name, result in results.items()},
    }


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
