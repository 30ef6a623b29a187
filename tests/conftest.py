import pytest

from tests.factories import make_user

# The AI judge's fixtures (a real local model server), for tests/ai and its browser test.
pytest_plugins = ["tests.ai.fixtures"]


def pytest_configure(config):
    """Test-only settings, applied once for the whole run (the live server included)."""
    from django.conf import settings

    # The manifest storage needs `collectstatic`; tests serve static files from the source
    # folders through the finders, as `runserver` does.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: rows it caches are rolled back with the test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(db):
    """The owner in most tests."""
    return make_user(username="alice")


@pytest.fixture
def bob(db):
    """Another user, who must never see Alice's data."""
    return make_user(username="bob")


@pytest.fixture
def editor(db):
    """A staff member who curates content in admin."""
    return make_user(username="editor", is_staff=True, is_superuser=True)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def threads_db(transactional_db, tmp_path):
    """A database that many threads write at once: see `tests/concurrency.py`."""
    from tests.concurrency import database_for_threads

    with database_for_threads(tmp_path):
        yield
