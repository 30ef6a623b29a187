"""Load without loss: gunicorn under 50 simulated learners answering questions.

    .venv/bin/python bench/load.py                      # SQLite in a temporary file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/load.py

Builds a fresh database, starts gunicorn with production settings, logs in USERS learners
and lets each one start sessions, answer and grade questions for DURATION seconds. Then it
checks that every answer the server acknowledged is stored exactly once, and prints the
figures (requests, failures, latency, throughput) as one JSON object.
"""

import http.cookiejar
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
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USERS = int(os.environ.get("BENCH_USERS", 50))
DURATION = float(os.environ.get("BENCH_SECONDS", 60))
PORT = int(os.environ.get("BENCH_PORT", 8765 + 100))
PASSWORD = "load-test-password-2026"
BASE = f"http://127.0.0.1:{PORT}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Learner:
    def __init__(self, username: str, stats: dict, lock: threading.Lock):
        self.username = username
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        self.stats, self.lock = stats, lock
        self.acknowledged = 0

    def _record(self, kind: str, seconds: float, status: int):
        with self.lock:
            self.stats.setdefault(kind, []).append(seconds)
            if status not in (200, 204, 302):
                self.stats.setdefault("failures", []).append(f"{kind} {status}")

    def request(self, kind: str, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = None
        headers = {"Referer": BASE + path}
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.csrf()}
            body = urllib.parse.urlencode(data, doseq=True).encode()
        started = time.perf_counter()
        try:
            response = self.opener.open(
                urllib.request.Request(BASE + path, body, headers), timeout=30
            )
            status, text, location = response.status, response.read().decode(), ""
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
            location = error.headers.get("Location", "")
        except OSError:
            status, text, location = 0, "", ""
        self._record(kind, time.perf_counter() - started, status)
        return status, text, location

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def log_in(self):
        self.request("login-page", "/accounts/login/")
        status, _, _ = self.request(
            "login", "/accounts/login/", {"username": self.username, "password": PASSWORD}
        )
        if status != 302:
            raise RuntimeError(f"{self.username} could not log in ({status})")

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


def _manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def main() -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="mlcareer-load-"))
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "SQLITE_PATH": str(workdir / "load.sqlite3"),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    database = "postgresql" if env.get("DATABASE_URL") else "sqlite"
    if database == "postgresql":
        _manage(env, "flush", "--noinput")
    _manage(env, "migrate", "--noinput")
    _manage(env, "collectstatic", "--noinput")
    _manage(env, "load_content")
    create = (
        "from mlcareer.accounts import account_create\n"
        f"for n in range({USERS}):\n"
        f"    account_create(username=f'learner{{n}}', email=f'l{{n}}@example.com',\n"
        f"                   password='{PASSWORD}')\n"
    )
    _manage(env, "shell", "-c", create)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "mlcareer.wsgi", "--bind", f"127.0.0.1:{PORT}",
         "--workers", "2", "--threads", "4", "--worker-class", "gthread"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(workdir / "server.log").open("w"),
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(BASE + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        stats: dict = {}
        lock = threading.Lock()
        learners = [Learner(f"learner{n}", stats, lock) for n in range(USERS)]
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
    finally:
        server.terminate()
        server.wait(timeout=30)
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
    requests = sum(len(stats[k]) for k in kinds if k not in ("login", "login-page"))
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
