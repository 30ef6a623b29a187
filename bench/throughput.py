"""Throughput of the main pages under wrk, against gunicorn with production settings.

    DJANGO_SECRET_KEY=x SQLITE_PATH=/tmp/bench.sqlite3 .venv/bin/python bench/throughput.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/throughput.py

Runs on a database built by bench/dataset.py (a log-in is all it adds). Starts
gunicorn with bench.settings and 2 sync workers, each serving one request at a time; logs in
as "heavy" (BENCH_USER for another learner) and has wrk request each page over 8 connections
for BENCH_WRK_SECONDS (default 20) with that learner's session cookie, after a warm-up.
Prints, as JSON, requests per second, latency median and 99th percentile, failed requests
(any status but 2xx, socket errors), and the ratio of requests per second to the floor's: a
bare view that renders a template and runs no query, requested with the same cookie so that
it pays the same session and user look-up.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.serving import Visitor, free_port, gunicorn, production_env  # noqa: E402

SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", 20))
WARM_UP_SECONDS = min(3, SECONDS)
WORKERS = 2
THREADS = 2
CONNECTIONS = 8
# wrk's default of 2 s would count a slow page's queued requests as socket timeouts.
WRK_TIMEOUT = "30s"
# Measured where bench/urls.py has it: the site's own page shell around one paragraph.
SHELL_FLOOR = "/bench-floor/shell/"
USERNAME = os.environ.get("BENCH_USER", "heavy")
PASSWORD = "bench-password-2026"

# wrk itself counts only statuses of 400 and above; a 3xx here would mean a lost session
# (a redirect to the log-in page) measured as if it were the page.
STATUS_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then not_2xx = not_2xx + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("not_2xx") end
  io.write(string.format("Not 2xx responses: %d\\n", total))
end
"""


def log(message: str):
    print(f"[throughput] {message}", file=sys.stderr, flush=True)


def _prepare(env: dict) -> int:
    """Collect static files and pick the published question to measure; returns its pk."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from practice.models import Question

    call_command("collectstatic", "--noinput", verbosity=0)
    question = Question.objects.published().order_by("pk").first()
    if question is None:
        raise SystemExit("No published question: build the database with bench/dataset.py.")
    # Another process is about to share this database; hold no connection meanwhile.
    connection.close()
    return question.pk


def _log_in(base: str) -> Visitor:
    """The learner measured, signed in, with the time zone already in the session."""
    visitor = Visitor(base)
    visitor.log_in(USERNAME, PASSWORD)
    # The first signed-in request stores the learner's time zone in the session: a write
    # that must not fall inside a measurement. The floor always answers, so the write is done
    # even if the dashboard fails (a 500 leaves the session unsaved); the dashboard's own
    # check reports that.
    for url in ("/bench-floor/", "/dashboard/"):
        visitor.request(url)
    return visitor


def _drain(base: str, slowest_ms: float):
    """Waits until requests wrk left queued are served, so that none falls in the next run.

    wrk hangs up when its time is out, but gunicorn still serves what is in the listen
    queue; behind a slow page that is seconds of work. A /healthz request waits behind all
    of it; once it is answered, at most one earlier request is still running.
    """
    with urllib.request.urlopen(base + "/healthz", timeout=120) as response:
        response.read()
    time.sleep(slowest_ms / 1000 + 0.1)


def _check(visitor: Visitor, url: str) -> str | None:
    """Why the page cannot be measured, or None if it answers 200 to the learner."""
    status, _, where = visitor.request(url)
    return None if status == 200 else f"{url} answered {status} {where}".strip()


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text).groups()
    return round(float(value) * _UNITS_MS[unit], 2)


def parse_wrk(output: str) -> dict:
    """The figures of wrk's report (run with --latency and STATUS_SCRIPT)."""

    def number(pattern: str, default=None):
        match = re.search(pattern, output)
        return match.group(1) if match else default

    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    socket_errors = dict(
        zip(
            ("connect", "read", "write", "timeout"),
            (int(n) for n in sockets.groups()) if sockets else (0, 0, 0, 0),
            strict=True,
        )
    )
    not_2xx = number(r"Not 2xx responses: (\d+)")
    return {
        "requests": int(number(r"(\d+) requests in ")),
        "requests_per_second": float(number(r"Requests/sec:\s+([\d.]+)")),
        "latency_ms": {
            "p50": _ms(number(r"\n\s+50%\s+(\S+)")),
            "p99": _ms(number(r"\n\s+99%\s+(\S+)")),
            "max": _ms(number(r"Latency\s+\S+\s+\S+\s+(\S+)")),
        },
        "status_4xx_5xx": int(number(r"Non-2xx or 3xx responses: (\d+)", 0)),
        "not_2xx": int(not_2xx) if not_2xx is not None else None,
        "socket_errors": socket_errors,
    }


def _wrk(url: str, cookie: str, seconds: int, script: Path) -> tuple[dict, str]:
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        WRK_TIMEOUT,
        "-s",
        str(script),
        "-H",
        f"Cookie: {cookie}",
        url,
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return parse_wrk(output), output


def main() -> dict:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk).")
    workdir = Path(tempfile.mkdtemp(prefix="mlcareer-throughput-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = production_env(workdir, DJANGO_SETTINGS_MODULE="bench.settings")
    database = "postgresql" if env.get("DATABASE_URL") else "sqlite"
    log(f"collectstatic into {workdir / 'static'}")
    question_pk = _prepare(env)
    script = workdir / "status.lua"
    script.write_text(STATUS_SCRIPT)
    server_log = workdir / "server.log"
    log(f"gunicorn on {base}, {WORKERS} sync workers, log in {server_log}")
    pages = {
        "floor": "/bench-floor/",
        "floor with the site's page shell": SHELL_FLOOR,
        "question detail": f"/questions/{question_pk}/",
        "dashboard": "/dashboard/",
        "question list": "/questions/",
    }
    results = {}
    with gunicorn(env, port, server_log, "--workers", str(WORKERS), "--worker-class", "sync"):
        visitor = _log_in(base)
        cookie = f"sessionid={visitor.cookie('sessionid')}"
        for name, url in pages.items():
            problem = _check(visitor, url)
            if problem:
                log(f"{name}: not measured: {problem}")
                results[name] = {"url": url, "problem": problem}
                continue
            log(f"{name}: warm-up {WARM_UP_SECONDS} s, then {SECONDS} s on {url}")
            warm_up, _ = _wrk(base + url, cookie, WARM_UP_SECONDS, script)
            _drain(base, warm_up["latency_ms"]["max"] or 1000)
            figures, output = _wrk(base + url, cookie, SECONDS, script)
            _drain(base, figures["latency_ms"]["max"] or 1000)
            slug = re.sub(r"\W+", "-", name)
            (workdir / f"wrk-{slug}.txt").write_text(output)
            # A lost session would turn every page into a redirect to the log-in page.
            results[name] = {"url": url, "problem": _check(visitor, url), **figures}
            log(
                f"{name}: {figures['requests_per_second']} requests/s, "
                f"p50 {figures['latency_ms']['p50']} ms, p99 {figures['latency_ms']['p99']} ms"
            )
    server_errors = sum(" ERROR " in line for line in server_log.open(errors="replace"))
    floor = results["floor"].get("requests_per_second")
    return {
        "database": database,
        "server": f"gunicorn, {WORKERS} sync workers (one request at a time each)",
        "wrk": f"wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s --latency --timeout {WRK_TIMEOUT}",
        "workers": WORKERS,
        "connections": CONNECTIONS,
        "seconds": SECONDS,
        "warm_up_seconds": WARM_UP_SECONDS,
        "user": USERNAME,
        "server_log": str(server_log),
        "server_errors_logged": server_errors,
        "pages": {name: _page(r, floor) for name, r in results.items()},
    }


def _page(r: dict, floor: float | None) -> dict:
    if "requests" not in r:
        return {"url": r["url"], "requests_per_second": None, "errors": r["problem"]}
    rps = r["requests_per_second"]
    errors = r["not_2xx"] if r["not_2xx"] is not None else r["status_4xx_5xx"]
    return {
        "url": r["url"],
        "requests": r["requests"],
        "requests_per_second": round(rps, 1),
        # wrk reports zeros when no request finished within the run.
        "latency_ms": r["latency_ms"] if r["requests"] else None,
        "errors": errors + sum(r["socket_errors"].values()),
        "not_2xx": r["not_2xx"],
        "socket_errors": r["socket_errors"],
        "after_run": r["problem"] or "200",
        "ratio_to_floor": round(rps / floor, 3) if floor else None,
    }


if __name__ == "__main__":
    result = main()
    print(json.dumps(result, indent=2))
    failed = result["server_errors_logged"] or any(
        p["errors"] or not p.get("requests") or p.get("after_run") != "200"
        for p in result["pages"].values()
    )
    sys.exit(1 if failed else 0)
