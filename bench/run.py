"""The whole benchmark, in order, on a freshly built large data set (`make bench`).

    .venv/bin/python bench/run.py                      # SQLite in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/run.py

For each database: migrate and fill it with bench/dataset.py, then run bench/server_time.py
and bench/throughput.py on it; then bench/frontend.py once, as it builds its own small SQLite
database. Each step's JSON goes to bench/results/<step>-<database>.json (frontend.json for
the front end; BENCH_RESULTS_DIR to write elsewhere), with the data set's figures and a record
of the run (commit, durations, exit codes) beside them.

SQLite is always measured; with DATABASE_URL set, PostgreSQL after it, in that database, which
is emptied first. BENCH_DATABASES=sqlite or =postgresql runs only one; BENCH_STEPS (a comma
list of server_time, throughput, frontend) only some steps. The other BENCH_* variables pass
through to the steps. Exits non-zero if any step failed; the other steps still run.
"""

import ast
import datetime as dt
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(os.environ.get("BENCH_RESULTS_DIR", ROOT / "bench" / "results"))
DATABASE_STEPS = ["server_time", "throughput"]
ONCE_STEPS = ["frontend"]
STEPS = [
    step.strip()
    for step in os.environ.get("BENCH_STEPS", ",".join(DATABASE_STEPS + ONCE_STEPS)).split(",")
]


def log(message: str):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _run(env: dict, *args: str) -> tuple[int, str, float]:
    """Runs a Python step with its stderr shown as it goes; returns code, stdout, seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    return done.returncode, done.stdout, round(time.perf_counter() - started, 1)


def _write(name: str, data) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def _databases() -> list[str]:
    default = "sqlite,postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    chosen = [d.strip() for d in os.environ.get("BENCH_DATABASES", default).split(",")]
    unknown = set(chosen) - {"sqlite", "postgresql"}
    if unknown:
        raise SystemExit(f"BENCH_DATABASES: unknown {', '.join(sorted(unknown))}")
    if "postgresql" in chosen and not os.environ.get("DATABASE_URL"):
        raise SystemExit("BENCH_DATABASES names postgresql but DATABASE_URL is not set.")
    return chosen


def _environment(database: str) -> dict:
    env = {**os.environ}
    env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    if database == "sqlite":
        # The settings take DATABASE_URL over SQLITE_PATH.
        env.pop("DATABASE_URL", None)
        workdir = Path(tempfile.mkdtemp(prefix="mlcareer-bench-"))
        env["SQLITE_PATH"] = str(workdir / "bench.sqlite3")
    return env


def _build(env: dict, database: str, record: dict) -> bool:
    build_env = {**env, "DJANGO_DEBUG": "1"}
    commands = [("migrate", ["manage.py", "migrate", "--noinput", "--verbosity", "0"])]
    if database == "postgresql":
        # The data set goes into an empty database: flush what an earlier run left, then
        # migrate (which does nothing on a database already migrated).
        commands.insert(0, ("flush", ["manage.py", "flush", "--noinput", "--verbosity", "0"]))
    commands.append(("dataset", ["bench/dataset.py"]))
    for name, args in commands:
        log(f"{database}: {name}")
        code, out, seconds = _run(build_env, *args)
        record["steps"][name] = {"exit_code": code, "seconds": seconds}
        if code != 0:
            log(f"{database}: {name} failed ({code}); nothing measured on this database")
            return False
    try:
        figures = ast.literal_eval(out.strip().splitlines()[-1])
    except (ValueError, SyntaxError, IndexError):
        figures = {"output": out}
    _write(f"dataset-{database}.json", figures)
    log(f"{database}: data set {figures}")
    return True


def _summary(step: str, result: dict) -> list[str]:
    lines = []
    for page, figures in (result.get("pages") or {}).items():
        if not isinstance(figures, dict):
            continue
        shown = {
            key: figures[key]
            for key in ("median_ms", "requests_per_second", "errors", "ratio_to_floor")
            if key in figures
        }
        lines.append(f"  {step:<12} {page:<36} {shown or figures}")
    return lines or [f"  {step:<12} see the file"]


def _step(step: str, env: dict, result_name: str, record: dict) -> tuple[bool, list[str]]:
    """Runs one measuring script and keeps its JSON; returns success and summary lines."""
    script = ROOT / "bench" / f"{step}.py"
    if not script.exists():
        log(f"{step}: {script.name} does not exist")
        record["steps"][step] = {"exit_code": None, "missing": True}
        return False, [f"  {step:<12} MISSING"]
    log(f"{record['database']}: {step}")
    code, out, seconds = _run(env, str(script))
    record["steps"][step] = {"exit_code": code, "seconds": seconds}
    try:
        result = json.loads(out)
    except json.JSONDecodeError:
        log(f"{step} printed no JSON (exit code {code})")
        return False, [f"  {step:<12} FAILED, no result (exit code {code})"]
    path = _write(result_name, result)
    record["steps"][step]["result"] = str(path)
    lines = _summary(step, result)
    if code != 0:
        lines.append(f"  {step:<12} exit code {code}: see {path}")
    return code == 0, lines


def _record(database: str, env: dict) -> dict:
    return {
        "database": database,
        "started": _now(),
        "commit": subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "sqlite_path": env.get("SQLITE_PATH") if database == "sqlite" else None,
        "steps": {},
    }


def run_database(database: str) -> tuple[bool, list[str]]:
    env = _environment(database)
    record = _record(database, env)
    ok, summary = True, [f"{database}:"]
    if _build(env, database, record):
        measure_env = {**env, "DJANGO_DEBUG": "0"}
        for step in (s for s in STEPS if s in DATABASE_STEPS):
            step_ok, lines = _step(step, measure_env, f"{step}-{database}.json", record)
            ok, summary = ok and step_ok, summary + lines
    else:
        ok = False
        summary.append("  data set not built: nothing measured")
    record["finished"] = _now()
    _write(f"run-{database}.json", record)
    return ok, summary


def run_once() -> tuple[bool, list[str]]:
    env = {**os.environ}
    env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    record = _record("sqlite, built by frontend.py", env)
    ok, summary = True, ["front end (its own SQLite database):"]
    for step in (s for s in STEPS if s in ONCE_STEPS):
        step_ok, lines = _step(step, env, f"{step}.json", record)
        ok, summary = ok and step_ok, summary + lines
    record["finished"] = _now()
    _write("run-frontend.json", record)
    return ok, summary


def main() -> int:
    unknown = set(STEPS) - set(DATABASE_STEPS + ONCE_STEPS)
    if unknown:
        raise SystemExit(f"BENCH_STEPS: unknown {', '.join(sorted(unknown))}")
    everything_ok, summary = True, []
    databases = _databases() if any(step in DATABASE_STEPS for step in STEPS) else []
    for database in databases:
        ok, lines = run_database(database)
        everything_ok, summary = everything_ok and ok, summary + lines
    if any(step in ONCE_STEPS for step in STEPS):
        ok, lines = run_once()
        everything_ok, summary = everything_ok and ok, summary + lines
    print("\n".join([f"Results in {RESULTS}", *summary]))
    return 0 if everything_ok else 1


if __name__ == "__main__":
    sys.exit(main())
