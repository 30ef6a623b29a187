from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mlcareer.backups import backup_restore


class Command(BaseCommand):
    help = (
        "Replace every row of the database with the backup at PATH (made by `backup`). The "
        "database must be migrated first. Asks for confirmation unless --yes is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, path: Path, yes: bool, **options):
        if not path.exists():
            raise CommandError(f"No backup at {path}.")
        if not yes:
            answer = input("This deletes every current row and loads the backup. Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            backup_restore(path)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Database restored from {path}."))
