from django.core.management.base import BaseCommand

from mlcareer.content import content_load


class Command(BaseCommand):
    help = (
        "Load MLCareer's shipped content from fixtures/ (role guide, salaries, and later the "
        "question bank and skills). Safe to run again: rows are matched by their slug, new ones "
        "are added and existing ones are left as editors keep them, unless --overwrite is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace rows that already exist with the shipped version, undoing admin edits.",
        )

    def handle(self, *args, overwrite: bool, **options):
        report = content_load(overwrite=overwrite)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {len(report.files)} fixture files: {report.created} created, "
                f"{report.updated} overwritten, {report.kept} kept as they were."
            )
        )
