import re

import pytest
from django.contrib.auth import get_user_model

from mlcareer.accounts import profile_for
from mlcareer.models import Profile

pytestmark = pytest.mark.django_db


def test_profile_page_shows_current_settings(alice_client):
    response = alice_client.get("/accounts/profile/")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="daily_goal"' in page
    assert 'value="5"' in page
    assert "Target role" in page


def test_profile_saves_and_confirms(alice_client, alice):
    response = alice_client.post(
        "/accounts/profile/",
        {"display_name": "Alice L.", "daily_goal": "12", "time_zone": "Europe/Berlin"},
        follow=True,
    )

    assert "Your settings are saved." in response.content.decode()
    alice.profile.refresh_from_db()
    assert (alice.profile.display_name, alice.profile.daily_goal, alice.profile.time_zone) == (
        "Alice L.",
        12,
        "Europe/Berlin",
    )
    assert "Hello, Alice L." in alice_client.get("/dashboard/").content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("daily_goal", "0", "greater than or equal to 1"),
        ("daily_goal", "500", "less than or equal to 50"),
        ("daily_goal", "many", "Enter a whole number"),
        ("time_zone", "Mars/Olympus", "Select a valid choice"),
    ],
)
def test_profile_rejects_bad_values_and_keeps_what_was_typed(
    alice_client, alice, field, value, message
):
    data = {
        "display_name": "Typed name",
        "daily_goal": "7",
        "time_zone": "Asia/Tokyo",
        field: value,
    }

    response = alice_client.post("/accounts/profile/", data)

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'value="Typed name"' in page
    alice.profile.refresh_from_db()
    assert alice.profile.display_name == ""


def test_profile_is_created_for_accounts_made_outside_signup(db):
    user = get_user_model().objects.create_user("made-in-shell", password="x")

    profile = profile_for(user)

    assert profile.daily_goal == 5
    assert Profile.objects.filter(user=user).count() == 1


def test_greeting_falls_back_to_username(alice):
    assert alice.profile.greeting_name == "alice"


# The AI judge in the settings: absent unless configured, off until the learner turns it on.


@pytest.fixture
def ai(settings):
    settings.AI_BASE_URL = "http://127.0.0.1:9/v1"
    settings.AI_MODEL = "test-model"
    return settings


def _settings_data(**overrides):
    return {"display_name": "", "daily_goal": "5", "time_zone": "UTC", **overrides}


def test_without_an_ai_configured_the_settings_page_says_nothing_about_ai(alice_client, settings):
    settings.AI_BASE_URL = ""

    page = alice_client.get("/accounts/profile/").content.decode()

    assert not re.search(r"\bAI\b", page)
    assert "ai_reviews" not in page


def test_without_an_ai_configured_a_posted_opt_in_is_ignored(alice_client, alice, settings):
    settings.AI_BASE_URL = ""

    alice_client.post("/accounts/profile/", _settings_data(ai_reviews="on"))

    alice.profile.refresh_from_db()
    assert alice.profile.ai_reviews is False


def test_with_an_ai_configured_the_opt_in_names_where_answers_go_and_is_off(alice_client, ai):
    page = alice_client.get("/accounts/profile/").content.decode()

    checkbox = re.search(r'<input type="checkbox" name="ai_reviews"[^>]*>', page).group()
    assert "checked" not in checkbox
    assert "AI review of my answers" in page
    assert "is sent to 127.0.0.1:9 (model test-model)" in page


def test_turning_ai_reviews_on_saves_and_off_again(alice_client, alice, ai):
    alice_client.post("/accounts/profile/", _settings_data(ai_reviews="on"))
    alice.profile.refresh_from_db()
    assert alice.profile.ai_reviews is True
    page = alice_client.get("/accounts/profile/").content.decode()
    assert re.search(r'<input type="checkbox" name="ai_reviews"[^>]*checked', page)

    alice_client.post("/accounts/profile/", _settings_data())
    alice.profile.refresh_from_db()
    assert alice.profile.ai_reviews is False
