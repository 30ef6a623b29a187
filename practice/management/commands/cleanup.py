from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from practice.ai_reviews import recover_stalled
from practice.import_staging import STAGED_IMPORT_LIFETIME, staged_imports_expire


class Command(BaseCommand):
    help = (
        "Delete what is only kept for a while: admin import files left unconfirmed for "
        f"{STAGED_IMPORT_LIFETIME.days} day, expired log-in sessions and finished background "
        "task records a week old; queue again AI reviews whose worker died. Safe to run at any "
        "time; run it daily (see docs/DEPLOY.md)."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        staged = staged_imports_expire(now=now)
        call_command("clearsessions")
        call_command("prune_db_task_results", min_age_days=7, verbosity=0)
        recovered = recover_stalled(now=now)
        self.stdout.write(
            f"Deleted {staged} unconfirmed import file(s), expired sessions and old task "
            f"records; queued again or failed {recovered} interrupted AI review(s)."
        )
