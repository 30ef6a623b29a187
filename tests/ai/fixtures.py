"""Fixtures for the AI judge against a real local model (`make test-ai`; tests marked `ai`,
left out of `make test`).

One llama-cpp-python server serves the whole run; tests that kill a server start their own.
Without llama-cpp-python or the model's weights the tests are skipped, unless AI_REQUIRED=1
(as `make test-ai` and CI set), where that is a failure.
"""

import os

import pytest

from tests.ai.server import MODEL_ALIAS, ModelServer, RecordingProxy, missing
from tests.factories import make_question, make_user


@pytest.fixture(scope="session")
def local_model():
    """llama-cpp-python and SmolLM2's weights: there, skipped, or (AI_REQUIRED=1) a failure."""
    why = missing()
    if why is None:
        return
    if os.environ.get("AI_REQUIRED") == "1":
        pytest.fail(f"AI_REQUIRED=1, but the local model cannot run: {why}", pytrace=False)
    pytest.skip(why)


@pytest.fixture(scope="session")
def model_server(local_model, tmp_path_factory):
    with ModelServer(log_dir=tmp_path_factory.mktemp("model-server")) as server:
        yield server


@pytest.fixture
def spare_server(local_model, tmp_path):
    """A server of this test's own, which it may kill mid-request.

    Killed, not stopped, at the end: a server finishes a request whose client has gone
    (llama-cpp-python does not notice), and a gentle stop would wait for it.
    """
    server = ModelServer(log_dir=tmp_path).start()
    yield server
    server.kill()


@pytest.fixture
def judge_at(settings):
    """Point the app's AI settings at a server: `judge_at(server.base_url)`."""

    def point(base_url: str, *, timeout: float = 120) -> None:
        settings.AI_BASE_URL = base_url
        settings.AI_MODEL = MODEL_ALIAS
        settings.AI_API_KEY = ""
        # A verdict takes 5–25 s on two busy cores; two minutes is slack, not a target.
        settings.AI_TIMEOUT = timeout
        settings.AI_DAILY_LIMIT = 50

    return point


@pytest.fixture
def ai_settings(judge_at, model_server):
    """The app's judge is the shared local server."""
    judge_at(model_server.base_url)


@pytest.fixture
def proxy(model_server):
    """A recording hop in front of the shared server."""
    with RecordingProxy(model_server.base_url) as recording:
        yield recording


@pytest.fixture
def learner(db):
    """A learner who turned AI reviews on in their settings."""
    user = make_user(username="learner")
    user.profile.ai_reviews = True
    user.profile.save(update_fields=["ai_reviews"])
    return user


@pytest.fixture
def precision_question(db):
    from tests.ai import material

    return make_question(**material.question_fields())
