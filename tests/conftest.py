import pytest

from tests.factories import make_user


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # The manifest storage needs `collectstatic`; tests serve static files from the source.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Serve static files from the finders, as `runserver` does, instead of STATIC_ROOT.
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


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
