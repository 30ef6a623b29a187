from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from practice.import_staging import STAGED_IMPORT_LIFETIME, staged_imports_expire


class Command(BaseCommand):
    help = (
        "Delete what is only kept for a while: admin import files left unconfirmed for "
        f"{STAGED_IMPORT_LIFETIME.days} day, and expired log-in sessions. Safe to run at any "
        "time; run it daily (see docs/DEPLOY.md)."
    )

    def handle(self, *args, **options):
        staged = staged_imports_expire(now=timezone.now())
        call_command("clearsessions")
        self.stdout.write(f"Deleted {staged} unconfirmed import file(s) and expired sessions.")
