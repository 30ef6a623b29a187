from django.core.management.base import BaseCommand
from django.db import transaction

from practice.search import search_index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the search index of the question bank from every question and its key points. "
        "Run it after writes that bypass the app (loaddata, SQL by hand)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            count = search_index_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {count} questions."))
