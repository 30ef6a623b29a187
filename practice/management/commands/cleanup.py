import datetime as dt

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from practice.ai_reviews import recover_stalled
from practice.import_jobs import IMPORT_JOB_LIFETIME, import_jobs_expire
from practice.trials import TRIAL_LIFETIME, trials_expire

# Finished background tasks are kept this long for a look in the admin, then deleted: their
# outcome is on the AI review itself, and a failed one holds a traceback.
TASK_RESULTS_KEPT_DAYS = 14


class Command(BaseCommand):
    help = (
        "Delete what is only kept for a while: admin import files and their previews after "
        f"{IMPORT_JOB_LIFETIME.days} day, answers tried on the landing page and not kept "
        f"by a sign-up within {TRIAL_LIFETIME // dt.timedelta(hours=1)} hours, expired log-in "
        f"sessions and background task results older than {TASK_RESULTS_KEPT_DAYS} days; queue "
        "again the AI reviews whose worker stopped mid-run. Safe to run at any time; run it "
        "daily (see docs/DEPLOY.md)."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        imports = import_jobs_expire(now=now)
        trials = trials_expire(now=now)
        call_command("clearsessions")
        recovered = recover_stalled(now=now)
        call_command(
            "prune_db_task_results",
            min_age_days=TASK_RESULTS_KEPT_DAYS,
            queue_name="*",
            verbosity=0,
        )
        self.stdout.write(
            f"Deleted {imports} import file(s), {trials} expired trial answer(s), "
            f"expired sessions and old task results; queued {recovered} stalled AI review(s) "
            "again."
        )
