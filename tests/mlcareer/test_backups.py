import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from assessments.models import Assessment, Rating
from mlcareer.content import content_load
from mlcareer.demo import demo_create
from practice.models import AIReview, Attempt, Question, QuestionNote, ReviewCard
from practice.tasks import review_answer
from tests.factories import ai_verdict, make_ai_review, make_history, make_question, make_user


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            get_user_model(),
            Question,
            Attempt,
            ReviewCard,
            Assessment,
            Rating,
            QuestionNote,
        )
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["backup.json", "backup.json.gz"])
def test_backup_and_restore_round_trip_the_whole_database(tmp_path, name, capsys):
    content_load()
    demo_create(username="demo", password="demo-password-2026", now=timezone.now(), days=20)
    note = QuestionNote.objects.create(
        user=get_user_model().objects.get(username="demo"),
        question=Question.objects.first(),
        text="Ünïcode ✓ note",
    )
    before = _counts()
    first, second = tmp_path / name, tmp_path / f"again-{name}"

    call_command("backup", str(first))
    get_user_model().objects.all().delete()
    Question.objects.update(title="changed")
    call_command("restore", str(first), "--yes")
    call_command("backup", str(second))

    assert _counts() == before
    assert QuestionNote.objects.get(pk=note.pk).text == "Ünïcode ✓ note"
    assert get_user_model().objects.get(username="demo").check_password("demo-password-2026")
    read = (
        (lambda p: __import__("gzip").open(p, "rt").read())
        if name.endswith(".gz")
        else (lambda p: p.read_text())
    )
    assert read(first) == read(second)
    assert "Backup written to" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_keep_ai_reviews_and_queue_the_unfinished_again(tmp_path):
    """The task queue stays out of the backup; reviews still waiting get a new task."""
    user = make_user(username="learner")
    question = make_question()
    make_history(user=user, questions=[question], attempts_per_question=3)
    done_attempt, queued_attempt, running_attempt = Attempt.objects.order_by("pk")
    done = make_ai_review(done_attempt, grade=3)
    queued = make_ai_review(queued_attempt, status=AIReview.Status.QUEUED)
    running = make_ai_review(
        running_attempt, status=AIReview.Status.RUNNING, tries=1, started_at=timezone.now()
    )
    review_answer.enqueue(queued.pk)
    assert DBTaskResult.objects.count() == 1
    path = tmp_path / "backup.json"

    call_command("backup", str(path))
    get_user_model().objects.all().delete()
    call_command("restore", str(path), "--yes")

    assert '"model": "practice.aireview"' in path.read_text()
    assert "dbtaskresult" not in path.read_text()
    restored = AIReview.objects.get(pk=done.pk)
    assert (restored.status, restored.verdict, restored.suggested_grade) == (
        AIReview.Status.DONE,
        ai_verdict(grade=3),
        3,
    )
    assert restored.attempt_id == done_attempt.pk and restored.user.username == "learner"
    assert set(
        AIReview.objects.filter(pk__in=[queued.pk, running.pk]).values_list("status", flat=True)
    ) == {AIReview.Status.QUEUED}
    queued_again = sorted(task.args_kwargs["args"][0] for task in DBTaskResult.objects.all())
    assert queued_again == sorted([queued.pk, running.pk])


@pytest.mark.django_db
def test_backup_refuses_a_name_it_could_not_restore(tmp_path):
    with pytest.raises(CommandError, match=r"Name the backup file \*.json or \*.json.gz"):
        call_command("backup", str(tmp_path / "backup.txt"))


@pytest.mark.django_db
def test_restore_of_a_missing_file_changes_nothing(tmp_path, alice):
    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore", str(tmp_path / "nope.json"), "--yes")
    assert get_user_model().objects.filter(pk=alice.pk).exists()


def test_every_migration_can_be_reversed(tmp_path):
    """Migrate a fresh database forward, all the way back to zero, and forward again."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_DEBUG="1",
        SQLITE_PATH=str(tmp_path / "m.sqlite3"),
        DJANGO_SETTINGS_MODULE="mlcareer.settings",
    )

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    manage("migrate", "--noinput")
    for app in ("practice", "mlcareer", "assessments"):
        manage("migrate", app, "zero", "--noinput")
    manage("migrate", "--noinput")
    assert "[ ]" not in manage("showmigrations", "practice", "assessments", "mlcareer")
