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
