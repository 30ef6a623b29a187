"""Settings are read once at start-up, so each case starts a fresh Python process."""

import os
import subprocess
import sys
import textwrap

from django.conf import settings

PROBE = "import django; django.setup(); from django.conf import settings as s; print({expr})"


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    clean.update(DJANGO_SETTINGS_MODULE="mlcareer.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_is_refused_with_the_variable_named():
    result = _run(PROBE.format(expr="s.DEBUG"))

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_mode_runs_without_a_secret_key():
    result = _run(PROBE.format(expr="s.DEBUG"), DJANGO_DEBUG="1")

    assert result.stdout.strip() == "True", result.stderr


def test_malformed_boolean_is_refused_not_guessed():
    result = _run(PROBE.format(expr="s.DEBUG"), DJANGO_DEBUG="maybe")

    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_database_url_selects_postgresql_and_allowed_hosts_are_a_list():
    result = _run(
        PROBE.format(expr="s.DATABASES['default']['ENGINE'], s.ALLOWED_HOSTS"),
        DJANGO_SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://app@db.internal:5432/mlcareer",
        DJANGO_ALLOWED_HOSTS="mlcareer.example, www.mlcareer.example",
    )

    assert result.stdout.strip() == (
        "django.db.backends.postgresql ['mlcareer.example', 'www.mlcareer.example']"
    ), result.stderr


def test_redis_url_shares_cache_and_throttling():
    expr = "s.CACHES['default']['BACKEND'], s.AXES_HANDLER"

    with_redis = _run(
        PROBE.format(expr=expr), DJANGO_DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/1"
    )
    without = _run(PROBE.format(expr=expr), DJANGO_DEBUG="1")

    assert with_redis.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "axes.handlers.cache.AxesCacheHandler",
    ], with_redis.stderr
    assert without.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "axes.handlers.database.AxesDatabaseHandler",
    ], without.stderr


def test_sqlite_default_uses_wal_and_lets_concurrent_writers_wait(tmp_path):
    """Eight threads write at once through Django; none may fail with 'database is locked'."""
    code = textwrap.dedent(
        """
        import threading, django
        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction
        call_command("migrate", "assessments", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            print(cursor.fetchone()[0])
        from assessments.models import GuideSection
        errors = []

        def writer(n):
            try:
                for i in range(15):
                    with transaction.atomic():
                        GuideSection.objects.count()
                        GuideSection.objects.create(slug=f"s-{n}-{i}", title="t")
            except Exception as exc:
                errors.append(repr(exc))
            finally:
                connection.close()

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
        for t in threads: t.start()
        for t in threads: t.join()
        print(GuideSection.objects.count(), errors)
        """
    )
    result = _run(code, DJANGO_DEBUG="1", SQLITE_PATH=str(tmp_path / "db.sqlite3"))

    assert result.stdout.split("\n")[:2] == ["wal", "120 []"], result.stderr


def test_trusted_proxies_default_to_one_and_refuse_a_negative_count():
    default = _run(PROBE.format(expr="s.TRUSTED_PROXIES"), DJANGO_DEBUG="1")
    negative = _run(
        PROBE.format(expr="s.TRUSTED_PROXIES"), DJANGO_DEBUG="1", DJANGO_TRUSTED_PROXIES="-1"
    )

    assert default.stdout.strip() == "1", default.stderr
    assert "DJANGO_TRUSTED_PROXIES must be 0 or more" in negative.stderr


def test_an_ai_judge_without_a_model_or_with_a_bare_host_is_refused_with_a_message():
    without_model = _run(
        PROBE.format(expr="s.AI_MODEL"), DJANGO_DEBUG="1", MLCAREER_AI_BASE_URL="http://x/v1"
    )
    bare_host = _run(
        PROBE.format(expr="s.AI_MODEL"),
        DJANGO_DEBUG="1",
        MLCAREER_AI_BASE_URL="localhost:11434/v1",
        MLCAREER_AI_MODEL="llama3",
    )

    assert "MLCAREER_AI_MODEL is not" in without_model.stderr
    assert "must start with http:// or https://" in bare_host.stderr


def test_without_ai_variables_there_is_no_judge():
    result = _run(PROBE.format(expr="repr(s.AI_BASE_URL)"), DJANGO_DEBUG="1")

    assert result.stdout.strip() == "''", result.stderr
