"""Deleting thousands of rows at once, as admin's "Delete selected" on "all N selected" does.

Django's own deletion loads every row and every row that goes with it, sends a signal for each
and deletes in batches of a few hundred; its confirmation lists each object and posts one field
per row back, which the request's field limit refuses past a thousand. Here the rows that go
with a selection are found from the models' relations once (`deletion_plan`), counted with one
query per relation (`deletion_summary`), and deleted table by table, leaves first, one
statement per table, in one transaction (`selection_delete`).

What Django's deletion would protect stays protected: a selected row that a PROTECT (or
RESTRICT) relation holds is kept, with everything that goes with it, and the summary says how
many are kept and why. Per-row delete signals are not sent; the content cache, the only
listener, is told once.
"""

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.contrib.contenttypes.fields import GenericRelation
from django.db import connections, models, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from mlcareer.caching import content_changed
from practice.models import Question
from practice.search import search_index_forget

# Ids per statement on a database that takes them one parameter each.
CHUNK_MAX = 900
SAMPLE_SIZE = 10
MAX_DEPTH = 5


class DeletionUnsupported(Exception):
    """The model's relations need Django's own deletion (a custom on_delete, a generic
    relation, a parent model, or relations nested too deep)."""


class SelectionChanged(Exception):
    """The rows to delete are no longer those the confirmation summarised."""

    def __init__(self, count: int):
        super().__init__(f"{count} rows would be deleted now.")
        self.count = count


@dataclass(frozen=True)
class Step:
    """Rows of `model` reached from the selected rows through `path` (a lookup ending at the
    selected model's primary key): deleted, set to null in `null_field`, or protecting."""

    model: type[models.Model]
    path: str
    action: str  # "delete", "null" or "protect"
    null_field: str = ""

    def label(self, count: int) -> str:
        opts = self.model._meta
        return str(opts.verbose_name if count == 1 else opts.verbose_name_plural)

    def rows(self, roots) -> QuerySet:
        return self.model._base_manager.filter(**{f"{self.path}__in": roots})


@dataclass(frozen=True)
class DeletionPlan:
    model: type[models.Model]
    selection: QuerySet
    steps: tuple[Step, ...]  # leaves first: each step's rows go before the rows they point to

    @property
    def protecting(self) -> list[Step]:
        return [step for step in self.steps if step.action == "protect"]

    def targets(self) -> QuerySet:
        """The selected rows that will be deleted."""
        targets = self.selection
        for step in self.protecting:
            targets = targets.exclude(
                pk__in=step.rows(self.selection.values("pk")).values(step.path)
            )
        return targets


@dataclass
class DeletionSummary:
    selected: int
    deleted: int
    kept: int
    # (what, how many) of the rows that go with the deleted ones, and of those that protect
    cascades: list[tuple[str, int]] = field(default_factory=list)
    protecting: list[tuple[str, int]] = field(default_factory=list)
    nulled: list[tuple[str, int]] = field(default_factory=list)
    sample: list[str] = field(default_factory=list)
    # The models whose rows go with the deleted ones, for permission checks.
    cascade_models: list[type[models.Model]] = field(default_factory=list)


def _walk(model, path: str, depth: int) -> Iterator[Step]:
    if depth > MAX_DEPTH:
        raise DeletionUnsupported(f"{model.__name__}: relations nested deeper than {MAX_DEPTH}")
    opts = model._meta
    if opts.parents or any(isinstance(f, GenericRelation) for f in opts.private_fields):
        raise DeletionUnsupported(f"{model.__name__}: parent models or generic relations")
    for m2m in opts.local_many_to_many:
        through = m2m.remote_field.through
        if through._meta.auto_created:
            yield Step(through, f"{m2m.m2m_field_name()}__{path}", "delete")
    for relation in opts.related_objects:
        if relation.many_to_many:
            through = relation.through
            if through._meta.auto_created:
                name = relation.field.m2m_reverse_field_name()
                yield Step(through, f"{name}__{path}", "delete")
            continue
        related, name = relation.related_model, relation.field.name
        on_delete = relation.on_delete
        step_path = f"{name}__{path}"
        if on_delete is models.CASCADE:
            yield from _walk(related, step_path, depth + 1)
            yield Step(related, step_path, "delete")
        elif on_delete in (models.PROTECT, models.RESTRICT):
            yield Step(related, step_path, "protect")
        elif on_delete is models.SET_NULL:
            yield Step(related, step_path, "null", null_field=name)
        elif on_delete is not models.DO_NOTHING:
            raise DeletionUnsupported(f"{related.__name__}.{name}: on_delete={on_delete}")


def deletion_plan(queryset: QuerySet) -> DeletionPlan:
    """What deleting the rows of `queryset` involves, from the models' relations alone.

    Raises DeletionUnsupported where Django's own deletion is needed.
    """
    model = queryset.model
    # A plain queryset of the selected rows: the change list's annotations and ordering are
    # of no use here and would weigh on every subquery.
    selection = model._base_manager.filter(pk__in=queryset.order_by().values("pk"))
    return DeletionPlan(model=model, selection=selection, steps=tuple(_walk(model, "pk", 0)))


def deletion_summary(plan: DeletionPlan, *, sample_size: int = SAMPLE_SIZE) -> DeletionSummary:
    """How many rows are selected, deleted and kept, and how many go with them per relation
    (one query each, whatever the selection's size), with the first few deleted rows' names."""
    targets = plan.targets()
    selected = plan.selection.count()
    deleted = targets.count() if plan.protecting else selected
    summary = DeletionSummary(selected=selected, deleted=deleted, kept=selected - deleted)
    for step in plan.steps:
        roots = plan.selection if step.action == "protect" else targets
        count = step.rows(roots.values("pk")).count()
        if not count:
            continue
        counted = (step.label(count), count)
        if step.action == "delete":
            summary.cascades.append(counted)
            summary.cascade_models.append(step.model)
        elif step.action == "protect":
            summary.protecting.append(counted)
        else:
            summary.nulled.append(counted)
    summary.sample = [str(row) for row in targets.order_by("pk")[:sample_size]]
    return summary


def target_ids(plan: DeletionPlan) -> list[int]:
    """The ids of the rows the deletion would remove now, in order."""
    return list(plan.targets().order_by("pk").values_list("pk", flat=True))


def selection_fingerprint(ids: Sequence[int]) -> str:
    """A short digest of a list of ids: equal digests, equal rows to delete."""
    return hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:32]


def _id_sets(ids: list[int], *, model, using: str) -> Iterator:
    """The ids as few `__in` right-hand sides as the database allows: one parameter holding
    them all where it can read a list from one (SQLite's json_each, PostgreSQL's arrays),
    else chunks of ids within its limit on parameters."""
    vendor = connections[using].vendor
    integer_keys = isinstance(model._meta.pk, models.AutoField | models.IntegerField)
    if integer_keys and vendor == "sqlite":
        yield RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])
    elif integer_keys and vendor == "postgresql":
        yield RawSQL("SELECT unnest(%s::bigint[])", [ids])
    else:
        size = min(CHUNK_MAX, connections[using].features.max_query_params or CHUNK_MAX)
        for start in range(0, len(ids), size):
            yield ids[start : start + size]


def selection_delete(plan: DeletionPlan, *, fingerprint: str | None = None) -> int:
    """Delete the plan's target rows and every row that goes with them, in one transaction;
    returns how many selected rows were deleted.

    With `fingerprint` (of `selection_fingerprint`), raises SelectionChanged, deleting
    nothing, when the rows to delete are no longer those it was computed from.
    """
    using = plan.selection.db
    with transaction.atomic(using=using):
        ids = target_ids(plan)
        if fingerprint is not None and selection_fingerprint(ids) != fingerprint:
            raise SelectionChanged(len(ids))
        # Ten thousand ids written out as parameters cost Django a second per statement.
        for roots in _id_sets(ids, model=plan.model, using=using):
            for step in plan.steps:
                rows = step.rows(roots)
                if step.action == "delete":
                    # One DELETE per table, without loading the rows: what Django's own
                    # deletion does for rows nothing else depends on.
                    rows._raw_delete(using)
                elif step.action == "null":
                    rows.update(**{step.null_field: None})
            plan.model._base_manager.filter(pk__in=roots)._raw_delete(using)
        if plan.model is Question:
            # The deletes sent no signals: the questions leave the search index here.
            search_index_forget(ids)
        transaction.on_commit(content_changed, using=using)
    return len(ids)
