"""Server time of the main pages for the heavy learner, against Django's own floor.

    DJANGO_SECRET_KEY=x SQLITE_PATH=/tmp/bench.sqlite3 .venv/bin/python bench/server_time.py

Runs in-process through Django's test client (no network, no browser) on a database built by
bench/dataset.py, logged in as "heavy" (10,000 answers, 100 self-assessments). Each page is
requested ROUNDS times after a warm-up; prints, as JSON, the median and 95th percentile in
milliseconds, the ratio of the median to the floor's, and the queries of one request.
"""

import json
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

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from practice.models import Question, Topic  # noqa: E402
from practice.sessions import SessionRequest, session_start  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", 30))


class QueryCounter:
    """Counts the SQL statements run, whatever happens to the connection meanwhile."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _queries(client, method, url, data=None):
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), (url, response.status_code)
    return counter.count


def _time(client, method, url, data=None, rounds=ROUNDS):
    getattr(client, method)(url, data or {})  # warm-up
    queries = _queries(client, method, url, data)
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        getattr(client, method)(url, data or {})
        samples.append((time.perf_counter() - started) * 1000)
    return samples, queries


def main() -> dict:
    setup_test_environment()
    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    user = get_user_model().objects.get(username="heavy")
    client = Client()
    client.force_login(user)
    question = Question.objects.published().order_by("pk").first()
    topic = Topic.objects.order_by("pk").first()
    session = session_start(
        user=user,
        request=SessionRequest(count=ROUNDS + 2),
        now=timezone.now(),
        questions=list(Question.objects.published().order_by("-pk")[: ROUNDS + 2]),
    )
    pages = {
        "floor": ("get", "/bench-floor/"),
        "dashboard": ("get", "/dashboard/"),
        "question list (search and filters)": (
            "get",
            f"/questions/?q=trade-off&topic={topic.slug}&difficulty=medium&unpractised=on",
        ),
        "question detail": ("get", f"/questions/{question.pk}/"),
        "practice session page": ("get", f"/practice/sessions/{session.pk}/"),
        "gaps": ("get", "/assessments/gaps/"),
    }
    results = {}
    for name, (method, url) in pages.items():
        samples, queries = _time(client, method, url)
        results[name] = {"samples": samples, "queries": queries}
    # Each submit answers the next pending question, as a learner does.
    submits, submit_queries = [], None
    for attempt in session.attempts.order_by("position")[:ROUNDS]:
        url = f"/practice/sessions/{session.pk}/attempts/{attempt.pk}/submit/"
        client.get(f"/practice/sessions/{session.pk}/")
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.perf_counter()
            client.post(url, {"answer": "Precision and recall, with a baseline and an example."})
            submits.append((time.perf_counter() - started) * 1000)
        submit_queries = counter.count if submit_queries is None else submit_queries
    results["answer submit"] = {"samples": submits, "queries": submit_queries}
    floor = statistics.median(results["floor"]["samples"])
    return {
        "database": connection.vendor,
        "rounds": ROUNDS,
        "pages": {
            name: {
                "median_ms": round(statistics.median(r["samples"]), 2),
                "p95_ms": round(statistics.quantiles(r["samples"], n=20)[-1], 2),
                "ratio_to_floor": round(statistics.median(r["samples"]) / floor, 1),
                "queries": r["queries"],
            }
            for name, r in results.items()
        },
    }


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
