"""The question admin's download of a file to start an import from, in each import format."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse

from practice.import_formats import import_template


def import_template_download(request, key: str, *, model_admin):
    """A template file as an attachment, for those allowed to import questions."""
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    try:
        filename, content, content_type = import_template(key)
    except KeyError:
        raise Http404("There is no import template of that kind.") from None
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
