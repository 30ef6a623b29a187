from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mlcareer.demo import DemoError, demo_create


class Command(BaseCommand):
    help = (
        "Create a demo learner with months of practice history (sessions, graded answers, FSRS "
        "review cards) and three self-assessments. Needs the shipped content: run load_content "
        "first. Refuses to touch an existing user unless --replace is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo")
        parser.add_argument("--password", default="demo-password-2026")
        parser.add_argument("--days", type=int, default=182, help="Days of history (182).")
        parser.add_argument("--per-day", type=int, default=6, help="Questions a session (6).")
        parser.add_argument("--replace", action="store_true", help="Rebuild an existing user.")

    def handle(self, *args, **options):
        try:
            report = demo_create(
                username=options["username"],
                password=options["password"],
                now=timezone.now(),
                days=options["days"],
                per_day=options["per_day"],
                replace=options["replace"],
            )
        except DemoError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created “{report.username}” (password: {options['password']}): "
                f"{report.sessions} sessions, {report.attempts} attempts, {report.cards} review "
                f"cards, {report.assessments} self-assessments."
            )
        )
