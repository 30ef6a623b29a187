import pytest
from django.test import Client

from tests.factories import make_editor, make_skill, make_topic


def editor_client_for(username: str) -> Client:
    """A test client logged in as a staff member of the Editors group, not a superuser."""
    client = Client()
    client.force_login(make_editor(username=username))
    return client


@pytest.fixture
def editor_client(db):
    """A staff member in the Editors group, not a superuser."""
    return editor_client_for("curator")


@pytest.fixture
def catalogue(db):
    """The topic and skills the import tests' rows name."""
    make_topic(slug="evaluation", name="Evaluation")
    make_skill(slug="model-evaluation")
    make_skill(slug="python")
