from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mlcareer.backups import backup_write


class Command(BaseCommand):
    help = (
        "Write the whole database (users, content, practice history, assessments) to PATH as "
        "JSON; a name ending in .json.gz is compressed. Restore it with `restore PATH`."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            size = backup_write(path)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path} ({size:,} bytes)."))
