"""Random and hostile data posted to every form: never a server error, nothing stored when the
input is refused, and what the user typed is shown back with the error."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Assessment, Rating
from mlcareer.models import Profile
from practice.models import (
    Attempt,
    Bookmark,
    PracticeSession,
    QuestionFlag,
    QuestionNote,
    ReviewCard,
)
from tests.factories import make_catalogue, make_question, make_session, make_user

EXAMPLES = 40
HOSTILE_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "' OR '1'='1' --",
            "'; DROP TABLE practice_attempt; --",
            "{{ 7*7 }}",
            "../../etc/passwd",
            "-1",
            "0",
            "99999999999999999999999999",
            "3.5",
            "1e10",
            "null",
            "true",
            "🚀" * 200,
            "ß" * 5000,
            "x" * 25_000,
            "\u202e\u200b\ufeff",
        ]
    ),
)
# A field missing, sent once, or sent several times.
FIELD_VALUE = st.one_of(st.none(), HOSTILE_TEXT, st.lists(HOSTILE_TEXT, min_size=2, max_size=3))


def _snapshot(user):
    return (
        tuple(
            model.objects.filter(user=user).count()
            for model in (
                PracticeSession,
                Attempt,
                ReviewCard,
                Bookmark,
                QuestionNote,
                QuestionFlag,
                Assessment,
            )
        ),
        Rating.objects.filter(assessment__user=user).count(),
        tuple(
            Attempt.objects.filter(user=user)
            .values_list("status", "grade", "answer")
            .order_by("pk")
        ),
        tuple(
            Profile.objects.filter(user=user).values_list(
                "display_name", "daily_goal", "time_zone", "interview_date"
            )
        ),
        get_user_model().objects.count(),
    )


@pytest.fixture
def world(db):
    user = make_user(username="hypo")
    skills, role = make_catalogue(size=2)
    question = make_question(skills=skills, key_points=[("A", "alpha"), ("B", "beta")])
    session = make_session(user=user, questions=[question, make_question()])
    answered = session.attempts.get(position=1)
    client = Client()
    client.force_login(user)
    client.post(
        f"/practice/sessions/{session.pk}/attempts/{answered.pk}/submit/", {"answer": "alpha"}
    )
    pending = session.attempts.get(position=2)
    return {
        "user": user,
        "client": client,
        "question": question,
        "session": session,
        "answered": answered,
        "pending": pending,
        "skills": skills,
        "role": role,
        "draft": Assessment.objects.create(user=user, created=timezone.now()),
    }


def _endpoints(world):
    s, q = world["session"], world["question"]
    skills = world["skills"]
    attempt = f"/practice/sessions/{s.pk}/attempts"
    return {
        "profile": (
            "/accounts/profile/",
            ["display_name", "daily_goal", "time_zone", "target_role", "interview_date"],
        ),
        "reset": ("/accounts/reset/", ["scope", "confirm"]),
        "delete": ("/accounts/delete/", ["password"]),
        "password-change": (
            "/accounts/password_change/",
            ["old_password", "new_password1", "new_password2"],
        ),
        "note": (f"/questions/{q.pk}/note/", ["text"]),
        "flag": (f"/questions/{q.pk}/flag/", ["reason", "comment"]),
        "bookmark": (f"/questions/{q.pk}/bookmark/", ["on"]),
        "practice-start": (
            "/practice/",
            ["start", "mode", "source", "count", "difficulty", "topics", "skills"],
        ),
        "submit": (f"{attempt}/{world['pending'].pk}/submit/", ["answer"]),
        "draft": (f"{attempt}/{world['pending'].pk}/draft/", ["answer"]),
        "grade": (f"{attempt}/{world['answered'].pk}/grade/", ["grade", "key_points", "next"]),
        "assessment-step": (
            f"/assessments/{world['draft'].pk}/steps/1/",
            [
                "role_profile",
                "note",
                "finish",
                f"level_{skills[0].slug}",
                f"evidence_{skills[0].slug}",
            ],
        ),
        "quick-start": (
            "/assessments/new/quick/",
            [
                "role_profile",
                "form_key",
                "finish",
                f"level_{skills[0].slug}",
                f"evidence_{skills[0].slug}",
            ],
        ),
    }


ENDPOINTS = ["profile", "reset", "delete", "password-change", "note", "flag", "bookmark",
             "practice-start", "submit", "draft", "grade", "assessment-step",
             "quick-start"]  # fmt: skip
TEXT_FIELDS = {"display_name", "text", "comment", "answer", "note", "evidence"}


@pytest.mark.parametrize("name", ENDPOINTS)
def test_hostile_posts_never_break_and_refusals_store_nothing(world, name):
    url, fields = _endpoints(world)[name]

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({field: FIELD_VALUE for field in fields}))
    def attack(values):
        data = {k: v for k, v in values.items() if v is not None}
        before = _snapshot(world["user"])
        response = world["client"].post(url, data)
        assert response.status_code < 500, (name, data)
        # An answer draft and a step of the self-assessment save what is valid even when the
        # page comes back (finishing with skills left to rate).
        refused = response.status_code in (200, 400) and name not in ("draft", "assessment-step")
        if refused:
            assert _snapshot(world["user"]) == before, (name, data)
            page = response.content.decode()
            for field, value in data.items():
                typed_text = isinstance(value, str) and (
                    field in TEXT_FIELDS or field.split("_")[0] in TEXT_FIELDS
                )
                if typed_text and value.strip() and "\x00" not in value and len(value) <= 5000:
                    assert escape(value) in page or escape(value.strip()) in page, (field, value)

    attack()


@pytest.mark.parametrize("name", ENDPOINTS)
def test_an_oversized_body_is_refused_cleanly(world, name):
    url, fields = _endpoints(world)[name]

    response = world["client"].post(url, {fields[0]: "x" * 3_000_000})

    assert response.status_code in (200, 400, 413), response.status_code
    assert get_user_model().objects.filter(pk=world["user"].pk).exists()


def test_signup_and_login_with_hostile_data_never_break(db):
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.fixed_dictionaries(
            {f: FIELD_VALUE for f in ("username", "email", "password1", "password2")}
        )
    )
    def attack(values):
        data = {k: v for k, v in values.items() if v is not None}
        users = get_user_model().objects.count()
        response = Client().post("/accounts/signup/", data)
        assert response.status_code < 500
        if response.status_code != 302:
            assert get_user_model().objects.count() == users
        login = Client().post(
            "/accounts/login/",
            {"username": data.get("username", ""), "password": data.get("password1", "")},
        )
        assert login.status_code < 500

    attack()
