"""The site's URLs plus the floor: a bare view that renders a template and runs no query."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from mlcareer.urls import urlpatterns as site_urlpatterns

FLOOR_TEMPLATE = engines["django"].from_string(
    "<!doctype html><html lang='en'><head><title>{{ title }}</title></head>"
    "<body><h1>{{ title }}</h1><p>{{ text }}</p></body></html>"
)


@login_not_required
def floor(request):
    return HttpResponse(FLOOR_TEMPLATE.render({"title": "Floor", "text": "Nothing else."}))


urlpatterns = [path("bench-floor/", floor), *site_urlpatterns]
