import logging

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import Client
from django.urls import path

from mlcareer.logging import OneLineFormatter
from mlcareer.urls import urlpatterns as site_urls

pytestmark = pytest.mark.django_db


@login_not_required
def broken_view(request):
    raise RuntimeError("the database fell over")


urlpatterns = [path("broken/", broken_view), *site_urls]


def test_each_request_is_logged_on_one_line(client, alice, caplog):
    client.force_login(alice)

    with caplog.at_level(logging.INFO, logger="mlcareer.requests"):
        client.get("/dashboard/?tab=1")

    lines = [r.getMessage() for r in caplog.records if r.name == "mlcareer.requests"]
    assert len(lines) == 1
    assert lines[0].startswith("GET /dashboard/?tab=1 200 ")
    assert lines[0].endswith(f"user={alice.pk}")


def test_a_server_error_shows_the_friendly_page_and_logs_the_traceback(settings, caplog):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/broken/")

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    error = next(r for r in caplog.records if r.name == "django.request")
    line = OneLineFormatter("%(levelname)s %(message)s").format(error)
    assert "\n" not in line
    assert "Traceback (most recent call last): | " in line
    assert "RuntimeError: the database fell over" in line
