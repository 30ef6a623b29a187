"""Whole-database backup to one file, and restore from it."""

import gzip
import io
from pathlib import Path

from django.core.management import call_command
from django.db import transaction

from practice.ai_reviews import requeue_unfinished
from practice.search import search_index_rebuild

# Rebuilt by migrations on any database, dumping them would clash on restore; or only kept for
# a day (import files and their previews); or the background task queue, which is the
# machine's work in hand, not data: each AI review row says where it stands, and a restore
# queues again those that were waiting (a restored queue would hold tasks "running" on a
# worker that is gone, and the tracebacks of old failures). The search index is built again
# after a restore.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions.session",
    "mlcareer.usersession",
    "admin.logentry",
    "practice.importjob",
    "practice.searchdocument",
    "django_tasks_database.dbtaskresult",
]


SUFFIXES = (".json", ".json.gz")


def check_backup_name(path: Path) -> None:
    if not path.name.endswith(SUFFIXES):
        raise ValueError(f"Name the backup file *.json or *.json.gz, not “{path.name}”.")


def _open(path: Path, mode: str):
    if path.suffix == ".gz":
        return gzip.open(path, mode + "t", encoding="utf-8")
    return path.open(mode, encoding="utf-8")


def backup_write(path: Path) -> int:
    """Write every row (users, content, history) as JSON, gzipped if the name ends in .gz.

    Returns the file's size in bytes.
    """
    check_backup_name(path)
    buffer = io.StringIO()
    call_command(
        "dumpdata",
        exclude=EXCLUDED,
        natural_foreign=True,
        indent=None,
        stdout=buffer,
    )
    with _open(path, "w") as stream:
        stream.write(buffer.getvalue())
    return path.stat().st_size


@transaction.atomic
def backup_restore(path: Path) -> None:
    """Replace the database's rows with the backup's. All or nothing.

    AI reviews that were waiting or running when the backup was made are queued again; the
    search index is built again from the restored questions.
    """
    check_backup_name(path)
    if not path.exists():
        raise FileNotFoundError(f"No backup at {path}.")
    call_command("flush", interactive=False, verbosity=0)
    call_command("loaddata", str(path), verbosity=0)
    search_index_rebuild()  # loaddata saves raw, which the index's signals skip
    requeue_unfinished()
