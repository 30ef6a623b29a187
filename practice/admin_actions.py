"""Admin actions that work on "all N selected", however large N is.

Django's "Delete selected" lists every object on its confirmation page and posts one field per
object back, which the request's field limit (DATA_UPLOAD_MAX_NUMBER_FIELDS) refuses past a
thousand: "Bad Request (400)". The `delete_selected` here replaces it, under the same name, in
the admins that list thousands of rows. Its confirmation shows a summary and posts back what
the change list itself posted (the action, "select across", the change list's filters in the
address, the ids ticked on the page) and a signed fingerprint of the rows summarised: the
deletion goes ahead only if the same rows would be deleted.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from practice.bulk_delete import (
    DeletionUnsupported,
    SelectionChanged,
    deletion_plan,
    deletion_summary,
    selection_delete,
    selection_fingerprint,
    target_ids,
)
from practice.curation import question_duplicate

CONFIRMATION_SALT = "practice.admin_actions.delete_selected"
# A confirmation left open longer than this is refused: the list may have changed a lot.
CONFIRMATION_MAX_AGE = 60 * 60
# Each copy is several writes; past this, an editor wants an import, not a click.
DUPLICATE_MAX = 100


def _plural(opts, count: int) -> str:
    name = opts.verbose_name if count == 1 else opts.verbose_name_plural
    return f"{count:,} {name}"


def _joined(counts: list[tuple[str, int]]) -> str:
    return ", ".join(f"{count:,} {label}" for label, count in counts)


def _refuse(modeladmin, request, text: str) -> None:
    modeladmin.message_user(request, text, messages.ERROR)


def _permission_lacking(modeladmin, request, summary) -> list[str]:
    """What goes with the deletion that this user may not delete in admin (as Django checks
    for the models admin lists)."""
    registry = modeladmin.admin_site._registry
    return [
        str(model._meta.verbose_name_plural)
        for model in summary.cascade_models
        if model in registry and not registry[model].has_delete_permission(request)
    ]


@admin.action(description="Delete selected %(verbose_name_plural)s", permissions=["delete"])
def delete_selected(modeladmin, request, queryset):
    """Delete the selection after a confirmation that summarises it: counts, not a list."""
    if not modeladmin.has_delete_permission(request):
        raise PermissionDenied
    opts = modeladmin.model._meta
    try:
        plan = deletion_plan(queryset)
    except DeletionUnsupported:
        return django_delete_selected(modeladmin, request, queryset)
    summary = deletion_summary(plan)
    lacking = _permission_lacking(modeladmin, request, summary)

    if request.POST.get("post") == "yes":
        if lacking:
            raise PermissionDenied
        try:
            confirmed = signing.loads(
                request.POST.get("selection", ""),
                salt=CONFIRMATION_SALT,
                max_age=CONFIRMATION_MAX_AGE,
            )
        except signing.BadSignature:
            return _refuse(
                modeladmin,
                request,
                "This confirmation is older than an hour or was altered. Nothing was deleted: "
                "select the rows and choose the action again.",
            )
        try:
            deleted = selection_delete(plan, fingerprint=confirmed["fingerprint"])
        except SelectionChanged as changed:
            return _refuse(
                modeladmin,
                request,
                f"The selection changed since you confirmed ({confirmed['count']:,} then, "
                f"{changed.count:,} now). Nothing was deleted: check the list and choose the "
                "action again.",
            )
        _log_deletion(request, opts, deleted, summary)
        text = f"Deleted {_plural(opts, deleted)}"
        if summary.cascades:
            text += f", with {_joined(summary.cascades)}"
        text += "."
        if summary.kept:
            text += f" {_kept_sentence(opts, summary)}"
        modeladmin.message_user(request, text, messages.SUCCESS if deleted else messages.WARNING)
        return None

    ids = target_ids(plan)
    token = signing.dumps(
        {"fingerprint": selection_fingerprint(ids), "count": len(ids)}, salt=CONFIRMATION_SALT
    )
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Delete {_plural(opts, summary.deleted)}?",
        "subtitle": None,
        "opts": opts,
        "summary": summary,
        "deleted_name": _plural(opts, summary.deleted),
        "more": summary.deleted - len(summary.sample),
        "kept_sentence": _kept_sentence(opts, summary) if summary.kept else "",
        "lacking": lacking,
        "token": token,
        "action": request.POST.get("action", "delete_selected"),
        "select_across": request.POST.get("select_across", "0"),
        "ticked": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "back": request.get_full_path(),
        "media": modeladmin.media,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(request, "admin/practice/delete_selection_confirmation.html", context)


def _kept_sentence(opts, summary) -> str:
    held_by = _joined(summary.protecting)
    return (
        f"{_plural(opts, summary.kept)} of the selection are kept: {held_by} depend on them "
        "and are never deleted with them. Retire a question instead of deleting it."
    )


def _log_deletion(request, opts, deleted: int, summary) -> None:
    """One history entry for the whole deletion, rather than one per row."""
    if not deleted:
        return
    sample = "; ".join(summary.sample)
    message = f"Deleted {_plural(opts, deleted)} at once"
    if summary.cascades:
        message += f", with {_joined(summary.cascades)}"
    LogEntry.objects.create(
        user_id=request.user.pk,
        content_type=ContentType.objects.get_for_model(opts.model),
        object_id=None,
        object_repr=_plural(opts, deleted)[:200],
        action_flag=DELETION,
        change_message=f"{message}. First: {sample}"[:5000],
    )


@admin.action(description="Duplicate the selected questions as drafts", permissions=["add"])
def duplicate(modeladmin, request, queryset):
    count = queryset.count()
    if count > DUPLICATE_MAX:
        return _refuse(
            modeladmin,
            request,
            f"{count:,} questions are selected; at most {DUPLICATE_MAX} are duplicated at "
            "once. Nothing was copied: filter the list or tick fewer questions.",
        )
    originals = queryset.prefetch_related("key_points", "common_mistakes", "skills")
    copies = [question_duplicate(question, author=request.user) for question in originals]
    modeladmin.message_user(request, f"{len(copies)} draft copy(ies) created.", messages.SUCCESS)
