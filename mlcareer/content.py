"""Loading the shipped content in `fixtures/` without clobbering editors' work."""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.db import transaction
from django.utils import timezone

from practice.models import KeyPoint, Question
from practice.search import search_index_refresh

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    kept: int = 0
    files: list[str] = field(default_factory=list)


def shipped_fixture_files(directory: Path = FIXTURES_DIR) -> list[Path]:
    """The shipped fixtures in load order: their names start with a number (10_, 20_, …)."""
    return sorted(directory.glob("*.json"))


@transaction.atomic
def content_load(*, files: list[Path] | None = None, overwrite: bool = False) -> LoadReport:
    """Load shipped rows, identified by natural key so that a second run adds nothing.

    A row that already exists is kept as it is (an editor may have changed it in admin)
    unless `overwrite` is true, in which case the shipped version replaces it. Returns
    how many rows were created, updated (overwritten) and kept.
    """
    report = LoadReport()
    loaded_questions: set[int] = set()
    for path in files if files is not None else shipped_fixture_files():
        report.files.append(path.name)
        with path.open(encoding="utf-8") as stream:
            for shipped in serializers.deserialize(
                "json", stream, handle_forward_references=False
            ):
                instance = shipped.object
                # The deserializer fills in the pk of an existing row found by natural key.
                exists = (
                    instance.pk is not None
                    and type(instance).objects.filter(pk=instance.pk).exists()
                )
                if exists and not overwrite:
                    report.kept += 1
                    continue
                _fill_timestamps(instance)
                shipped.save()
                loaded_questions.update(_question_ids(instance))
                if exists:
                    report.updated += 1
                else:
                    report.created += 1
    # Raw saves send no signal the search index listens to; one refresh covers them all.
    search_index_refresh(loaded_questions)
    return report


def _question_ids(instance) -> list[int]:
    """The questions whose search entry a loaded row changes."""
    if isinstance(instance, Question):
        return [instance.pk]
    if isinstance(instance, KeyPoint):
        return [instance.question_id]
    return []


def _fill_timestamps(instance) -> None:
    """Fixtures are saved raw, which skips auto_now fields; give them the load time."""
    now = timezone.now()
    for model_field in instance._meta.concrete_fields:
        automatic = getattr(model_field, "auto_now", False) or getattr(
            model_field, "auto_now_add", False
        )
        if automatic and getattr(instance, model_field.attname) is None:
            setattr(instance, model_field.attname, now)
