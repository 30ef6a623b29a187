"""Load without loss: gunicorn under 50 simulated learners answering questions.

    .venv/bin/python bench/load.py                      # SQLite in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/load.py

Builds a fresh database, starts gunicorn with production settings, logs in USERS learners
and lets each one start sessions, answer and grade questions for DURATION seconds. Then it
checks that every answer the server acknowledged is stored exactly once, and prints the
figures (requests, failures, latency, throughput) as one JSON object.
"""

import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serving import Visitor, free_port, gunicorn, manage, production_env  # noqa: E402

USERS = int(os.environ.get("BENCH_USERS", 50))
DURATION = float(os.environ.get("BENCH_SECONDS", 60))
PASSWORD = "load-test-password-2026"


class Learner:
    def __init__(self, username: str, base: str, stats: dict, lock: threading.Lock):
        self.username = username
        self.visitor = Visitor(base)
        self.stats, self.lock = stats, lock
        self.acknowledged = 0

    def _record(self, kind: str, seconds: float, status: int):
        with self.lock:
            self.stats.setdefault(kind, []).append(seconds)
            if status not in (200, 204, 302):
                self.stats.setdefault("failures", []).append(f"{kind} {status}")

    def request(self, kind: str, path: str, data: dict | None = None) -> tuple[int, str, str]:
        started = time.perf_counter()
        status, text, location = self.visitor.request(path, data)
        self._record(kind, time.perf_counter() - started, status)
        return status, text, location

    def log_in(self):
        self.visitor.log_in(self.username, PASSWORD)

    def practise_until(self, deadline: float):
        session_url = ""
        while time.time() < deadline:
            if not session_url:
                status, _, location = self.request("start", "/practice/", {"quick": "1"})
                if status != 302:
                    continue
                session_url = location
            status, page, location = self.request("session-page", session_url)
            if status == 302:  # the session is over: its summary
                session_url = ""
                continue
            submit = re.search(r'action="(/practice/sessions/\d+/attempts/\d+/submit/)"', page)
            grade = re.search(r'action="(/practice/sessions/\d+/attempts/\d+/grade/)"', page)
            if submit:
                answer = f"{self.username} answers with precision, recall and a baseline."
                status, _, _ = self.request("submit", submit.group(1), {"answer": answer})
                if status == 302:
                    self.acknowledged += 1
            elif grade:
                self.request("grade", grade.group(1), {"grade": str(secrets.randbelow(5))})


def main() -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="mlcareer-load-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = production_env(workdir, SQLITE_PATH=str(workdir / "load.sqlite3"))
    database = "postgresql" if env.get("DATABASE_URL") else "sqlite"
    if database == "postgresql":
        manage(env, "flush", "--noinput")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "load_content")
    create = (
        "from mlcareer.accounts import account_create\n"
        f"for n in range({USERS}):\n"
        f"    account_create(username=f'learner{{n}}', email=f'l{{n}}@example.com',\n"
        f"                   password='{PASSWORD}')\n"
    )
    manage(env, "shell", "-c", create)
    with gunicorn(
        env, port, workdir / "server.log",
        "--workers", "2", "--threads", "4", "--worker-class", "gthread",
    ):  # fmt: skip
        stats: dict = {}
        lock = threading.Lock()
        learners = [Learner(f"learner{n}", base, stats, lock) for n in range(USERS)]
        for learner in learners:
            learner.log_in()
        deadline = time.time() + DURATION
        started = time.perf_counter()
        threads = [threading.Thread(target=lr.practise_until, args=(deadline,)) for lr in learners]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    count = (
        "from practice.models import Attempt\n"
        "answered = Attempt.objects.filter(status='answered')\n"
        "print(answered.filter(user__username__startswith='learner').count())"
    )
    stored = int(
        subprocess.run([sys.executable, "manage.py", "shell", "-c", count], cwd=ROOT, env=env,
                       check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    )  # fmt: skip
    kinds = [k for k in stats if k != "failures"]
    requests = sum(len(stats[k]) for k in kinds)
    return {
        "database": database,
        "users": USERS,
        "seconds": round(elapsed, 1),
        "requests": requests,
        "requests_per_second": round(requests / elapsed, 1),
        "failed_requests": len(stats.get("failures", [])),
        "failures_by_kind": dict(Counter(stats.get("failures", []))),
        "server_log": str(workdir / "server.log"),
        "answers_acknowledged": sum(learner.acknowledged for learner in learners),
        "answers_stored": stored,
        "latency_ms": {
            k: {
                "median": round(statistics.median(stats[k]) * 1000, 1),
                "p95": round(statistics.quantiles(stats[k], n=20)[-1] * 1000, 1)
                if len(stats[k]) > 1
                else None,
                "count": len(stats[k]),
            }
            for k in sorted(kinds)
        },
    }


if __name__ == "__main__":
    result = main()
    print(json.dumps(result, indent=2))
    lost = result["answers_acknowledged"] != result["answers_stored"]
    sys.exit(1 if lost or result["failed_requests"] else 0)
