"""The site's URLs plus two floors: bare views that render a template and run no query.

The first renders a one-line template; the second the site's own page shell (navigation,
footer, the same stylesheets and scripts) around one paragraph, which is what every page of
the site pays before it shows anything.
"""

from pathlib import Path

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


SHELL_TEMPLATE = engines["django"].from_string(
    (Path(__file__).parent / "templates" / "bench" / "floor.html").read_text()
)


@login_not_required
def shell_floor(request):
    return HttpResponse(SHELL_TEMPLATE.render({}, request))


urlpatterns = [
    path("bench-floor/", floor),
    path("bench-floor/shell/", shell_floor),
    *site_urlpatterns,
]
