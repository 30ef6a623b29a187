"""Admin actions on "all N selected": thousands of questions or flags at once."""

from html.parser import HTMLParser

import pytest
from django.utils import timezone

from practice.models import (
    Attempt,
    Bookmark,
    KeyPoint,
    PracticeSession,
    Question,
    QuestionFlag,
    ReviewCard,
)
from tests.factories import make_topic

pytestmark = pytest.mark.django_db

QUESTIONS = "/admin/practice/question/"
FLAGS = "/admin/practice/questionflag/"


class HiddenInputs(HTMLParser):
    """The hidden fields of a page's forms, as a browser would post them back."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields.append((attrs["name"], attrs.get("value") or ""))


def confirmation_post(response) -> dict[str, list[str]]:
    """What pressing "Yes, I'm sure" on a confirmation page posts."""
    parser = HiddenInputs()
    parser.feed(response.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data


def bulk_bank(
    count: int, *, status=Question.Status.DRAFT, topic=None, key_points=True
) -> list[int]:
    """`count` questions made in bulk, each with a key point unless told not to; their ids."""
    topic = topic or make_topic()
    questions = Question.objects.bulk_create(
        Question(
            title=f"Bulk question {n:05}", slug=f"bulk-{topic.pk}-{n}", prompt="p",
            model_answer="a", topic=topic, difficulty="easy", kind="conceptual", status=status,
        )
        for n in range(count)
    )  # fmt: skip
    if key_points:
        KeyPoint.objects.bulk_create(
            KeyPoint(question=question, order=1, text="Point", keywords="point")
            for question in questions
        )
    return [question.pk for question in questions]


def select_all(client, url, action, ids, **filters):
    """Choose "Select all N" and an action on the change list (filtered by `filters`)."""
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return client.post(
        f"{url}?{query}" if query else url,
        {"action": action, "select_across": "1", "index": "0", "_selected_action": ids[:100]},
    )


def test_deleting_all_2000_selected_questions_deletes_them(editor_client):
    ids = bulk_bank(2_000)

    confirmation = select_all(editor_client, QUESTIONS, "delete_selected", ids)
    response = editor_client.post(QUESTIONS, confirmation_post(confirmation))

    assert response.status_code == 302
    assert not Question.objects.filter(pk__in=ids).exists()
    assert not KeyPoint.objects.exists()


def test_deleting_all_2000_selected_flags_deletes_them(editor_client, alice):
    ids = bulk_bank(2_000)
    QuestionFlag.objects.bulk_create(
        QuestionFlag(user=alice, question_id=pk, reason="unclear") for pk in ids
    )
    flag_ids = list(QuestionFlag.objects.values_list("pk", flat=True))

    confirmation = select_all(editor_client, FLAGS, "delete_selected", flag_ids)
    response = editor_client.post(FLAGS, confirmation_post(confirmation))

    assert response.status_code == 302
    assert not QuestionFlag.objects.exists()
    assert Question.objects.count() == 2_000


def make_attempts(user, question_ids):
    session = PracticeSession.objects.create(user=user, started_at=timezone.now())
    Attempt.objects.bulk_create(
        Attempt(session=session, user=user, question_id=pk, position=n)
        for n, pk in enumerate(question_ids, start=1)
    )


def test_the_confirmation_summarises_instead_of_listing_every_question(
    editor_client, alice, django_assert_max_num_queries
):
    ids = bulk_bank(2_000)
    Bookmark.objects.bulk_create(Bookmark(user=alice, question_id=pk) for pk in ids[:30])

    # the change list (session, user, permissions, filter choices, counts: 9) and the
    # summary: selection, targets, one count per relation (8), the sample and the ids to sign
    with django_assert_max_num_queries(30):
        page = select_all(editor_client, QUESTIONS, "delete_selected", ids)

    text = page.content.decode()
    assert "Delete 2,000 questions?" in text
    assert "2,000 key points" in text and "30 bookmarks" in text
    assert "Bulk question 00000" in text and "… and 1,990 more." in text
    assert "Bulk question 01999" not in text
    posted = confirmation_post(page)
    assert sum(len(values) for values in posted.values()) < 120
    assert posted["select_across"] == ["1"] and posted["post"] == ["yes"]


def test_deleting_all_selected_takes_what_goes_with_them_and_keeps_what_has_attempts(
    editor_client, alice, bob, django_assert_max_num_queries
):
    ids = bulk_bank(2_000)
    practised = ids[:5]
    make_attempts(alice, practised)
    Bookmark.objects.bulk_create(Bookmark(user=bob, question_id=pk) for pk in ids[:100])
    ReviewCard.objects.bulk_create(
        ReviewCard(user=bob, question_id=pk, state=2, due=timezone.now()) for pk in ids[:100]
    )
    QuestionFlag.objects.bulk_create(
        QuestionFlag(user=bob, question_id=pk, reason="unclear") for pk in ids[:50]
    )

    page = select_all(editor_client, QUESTIONS, "delete_selected", ids)
    text = page.content.decode()
    assert "Delete 1,995 questions?" in text
    assert "5 questions of the selection are kept: 5 attempts depend on them" in text
    # the change list (9), the summary again (13), the ids, one statement per table (10),
    # the history entry (2)
    with django_assert_max_num_queries(40):
        response = editor_client.post(QUESTIONS, confirmation_post(page))

    message = editor_client.get(response.url).content.decode()
    assert "Deleted 1,995 questions, with 1,995 key points" in message
    assert set(Question.objects.values_list("pk", flat=True)) == set(practised)
    assert Attempt.objects.count() == 5
    assert set(KeyPoint.objects.values_list("question_id", flat=True)) == set(practised)
    assert set(Bookmark.objects.values_list("question_id", flat=True)) == set(practised)
    assert ReviewCard.objects.count() == QuestionFlag.objects.count() == 5


def test_select_across_deletes_only_what_the_change_list_filter_shows(editor_client):
    drafts = bulk_bank(2_000, status=Question.Status.DRAFT)
    published = bulk_bank(10, status=Question.Status.PUBLISHED)

    page = select_all(editor_client, QUESTIONS, "delete_selected", drafts, status__exact="draft")
    assert "Delete 2,000 questions?" in page.content.decode()
    editor_client.post(f"{QUESTIONS}?status__exact=draft", confirmation_post(page))

    assert set(Question.objects.values_list("pk", flat=True)) == set(published)


def test_a_filter_on_skills_still_deletes_every_question_it_showed(editor_client):
    """The skill links go first: the deletion must not lose sight of the selection then."""
    from tests.factories import make_skill

    skill = make_skill(slug="metrics")
    ids = bulk_bank(1_500)
    Question.skills.through.objects.bulk_create(
        Question.skills.through(question_id=pk, skill_id=skill.pk) for pk in ids
    )

    page = select_all(editor_client, QUESTIONS, "delete_selected", ids, skills__id__exact=skill.pk)
    editor_client.post(f"{QUESTIONS}?skills__id__exact={skill.pk}", confirmation_post(page))

    assert not Question.objects.exists()


def test_a_selection_that_changed_since_the_confirmation_deletes_nothing(editor_client):
    ids = bulk_bank(1_200)
    page = select_all(editor_client, QUESTIONS, "delete_selected", ids)
    bulk_bank(3)

    response = editor_client.post(QUESTIONS, confirmation_post(page), follow=True)

    assert "The selection changed since you confirmed (1,200 then, 1,203 now)" in (
        response.content.decode()
    )
    assert Question.objects.count() == 1_203


def test_an_altered_confirmation_deletes_nothing(editor_client):
    ids = bulk_bank(1_200)
    posted = confirmation_post(select_all(editor_client, QUESTIONS, "delete_selected", ids))
    posted["selection"] = [posted["selection"][0][:-2] + "xx"]

    response = editor_client.post(QUESTIONS, posted, follow=True)

    assert "Nothing was deleted" in response.content.decode()
    assert Question.objects.count() == 1_200


def test_the_confirmation_is_csrf_protected(editor_client, editor):
    from django.test import Client

    ids = bulk_bank(1_200)
    posted = confirmation_post(select_all(editor_client, QUESTIONS, "delete_selected", ids))
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    posted.pop("csrfmiddlewaretoken")

    assert strict.post(QUESTIONS, posted).status_code == 403
    assert Question.objects.count() == 1_200


def test_deleting_needs_the_delete_permission(db):
    from django.contrib.auth.models import Permission
    from django.test import Client

    from tests.factories import make_user

    viewer = make_user(username="viewer", is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_question", "change_question"])
    )
    client = Client()
    client.force_login(viewer)
    ids = bulk_bank(50)

    changelist = client.get(QUESTIONS).content.decode()
    response = select_all(client, QUESTIONS, "delete_selected", ids)

    assert 'value="delete_selected"' not in changelist
    assert response.status_code == 302
    assert Question.objects.count() == 50


def test_the_default_delete_action_is_replaced_in_the_admins_with_bulk_actions(editor, rf):
    from django.contrib import admin as django_admin

    from practice import admin_actions
    from practice.models import AIReview

    request = rf.get(QUESTIONS)
    request.user = editor
    for model in (Question, QuestionFlag, AIReview):
        actions = django_admin.site._registry[model].get_actions(request)
        assert actions["delete_selected"][0] is admin_actions.delete_selected, model


def test_the_summary_counts_what_djangos_own_deletion_would_delete(editor, alice, rf):
    """The relations are read from the models: the counts match Django's collector."""
    from django.contrib import admin as django_admin

    from practice.bulk_delete import deletion_plan, deletion_summary
    from practice.models import CommonMistake, QuestionNote, TrialAttempt
    from tests.factories import make_question

    questions = [make_question(mistakes=[("Claim", "Correction")]) for _ in range(3)]
    for question in questions:
        Bookmark.objects.create(user=alice, question=question)
        QuestionNote.objects.create(user=alice, question=question, text="n")
        QuestionFlag.objects.create(user=alice, question=question, reason="wrong")
        ReviewCard.objects.create(user=alice, question=question, state=1, due=timezone.now())
        now = timezone.now()
        TrialAttempt.objects.create(
            token=f"t{question.pk}", question=question, answer="a", submitted_at=now,
            created=now, expires_at=now,
        )  # fmt: skip
    selection = Question.objects.filter(pk__in=[q.pk for q in questions])
    request = rf.post(QUESTIONS)
    request.user = editor

    _, django_counts, _, _ = django_admin.site._registry[Question].get_deleted_objects(
        selection, request
    )
    summary = deletion_summary(deletion_plan(selection))

    assert dict(summary.cascades) | {"questions": summary.deleted} == dict(django_counts)
    assert CommonMistake.objects.count() == 3


def test_publish_and_retire_work_on_all_20000_selected(
    editor_client, django_assert_max_num_queries
):
    ids = bulk_bank(20_000, key_points=False)

    # the change list's (session, user, profile, permissions, filter choices, counts) and
    # one UPDATE, whatever the number of questions
    with django_assert_max_num_queries(16):
        response = select_all(editor_client, QUESTIONS, "publish", ids)
    assert response.status_code == 302
    assert Question.objects.filter(status=Question.Status.PUBLISHED).count() == 20_000
    select_all(editor_client, QUESTIONS, "retire", ids)
    assert Question.objects.filter(status=Question.Status.RETIRED).count() == 20_000


def test_duplicate_refuses_more_than_a_hundred_and_says_what_to_do(editor_client):
    ids = bulk_bank(101)

    response = select_all(editor_client, QUESTIONS, "duplicate", ids)
    page = editor_client.get(response.url).content.decode()

    assert "101 questions are selected; at most 100 are duplicated at once" in page
    assert Question.objects.count() == 101


def test_deleting_all_20000_selected_questions_runs_in_a_bounded_number_of_queries(
    editor_client, alice, django_assert_max_num_queries
):
    ids = bulk_bank(20_000)
    Bookmark.objects.bulk_create(Bookmark(user=alice, question_id=pk) for pk in ids)

    with django_assert_max_num_queries(30):
        page = select_all(editor_client, QUESTIONS, "delete_selected", ids)
    assert "Delete 20,000 questions?" in page.content.decode()
    with django_assert_max_num_queries(40):
        editor_client.post(QUESTIONS, confirmation_post(page))

    assert not Question.objects.exists()
    assert not KeyPoint.objects.exists() and not Bookmark.objects.exists()


def test_when_every_selected_question_has_attempts_nothing_is_offered_for_deletion(
    editor_client, alice
):
    ids = bulk_bank(3)
    make_attempts(alice, ids)

    text = select_all(editor_client, QUESTIONS, "delete_selected", ids).content.decode()

    assert "None of the 3 selected questions can be deleted." in text
    assert "3 attempts depend on them" in text and "Retire a question instead" in text
    assert 'name="post"' not in text
