"""Running the background worker (`manage.py db_worker`) from a test, in this process or not."""

import io
import os
import signal
import subprocess
import sys
import urllib.parse
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django_tasks_db.management.commands import db_worker

ROOT = Path(__file__).resolve().parents[2]


def run_worker() -> str:
    """Run every queued task here and now, as `manage.py db_worker --batch` does; its log.

    The worker installs its own SIGINT and SIGTERM handlers; the test run gets its own back.
    """
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    out = io.StringIO()
    # The worker closes connections it finds in a transaction, as a long-running process
    # should; here the connection is the test's, inside the test's transaction (on PostgreSQL
    # closing it would end the test), so it is left open, as Django's test client leaves it.
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        try:
            call_command("db_worker", "--batch", "--no-startup-delay", stdout=out, stderr=out)
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
    return out.getvalue()


def worker_environment(*, base_url: str) -> dict[str, str]:
    """The environment of a worker process that shares this test's database and judge.

    pytest-django's SQLite test database lives in this process's memory, where no other
    process can see it: tests that start a worker process use `threads_db`, which moves it to
    a file, named here. On PostgreSQL the worker connects to the same test database.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MLCAREER_AI_", "DATABASE_URL", "SQLITE_PATH"))
    }
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        if "mode=memory" in database["NAME"] or database["NAME"] == ":memory:":
            raise RuntimeError("No other process sees an in-memory database: use threads_db.")
        env["SQLITE_PATH"] = database["NAME"]
    else:
        url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = url._replace(path="/" + database["NAME"]).geturl()
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        MLCAREER_AI_BASE_URL=base_url,
        MLCAREER_AI_MODEL=settings.AI_MODEL,
        MLCAREER_AI_TIMEOUT=str(settings.AI_TIMEOUT),
    )
    return env


def start_worker_process(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    """`manage.py db_worker` as a process of its own, writing to `log`."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
