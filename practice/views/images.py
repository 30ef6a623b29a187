from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from practice.models import QuestionImage

# The URL names the bytes, so what it serves never changes: browsers may keep it for a year.
IMAGE_CACHE_CONTROL = "public, max-age=31536000, immutable"


@login_not_required
@require_safe
def image(request: HttpRequest, sha256: str, extension: str) -> HttpResponse:
    """An image of a question or answer, for anyone who can see the text that shows it."""
    found = QuestionImage.objects.filter(sha256=sha256).values("data", "content_type").first()
    if found is None or QuestionImage(content_type=found["content_type"]).extension != extension:
        raise Http404("No image has this address.")
    response = HttpResponse(bytes(found["data"]), content_type=found["content_type"])
    response["Cache-Control"] = IMAGE_CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    return response
