import datetime as dt
import time

import pytest
from django.test import Client
from django.utils import timezone

from practice.models import Attempt, Bookmark, Question, QuestionFlag, QuestionNote, ReviewCard
from practice.rendering import render_markdown
from tests.factories import make_history, make_question, make_session, make_skill, make_topic

pytestmark = pytest.mark.django_db


def _titles(response):
    return [question.title for question in response.context["page"].object_list]


def test_question_list_requires_login(client):
    response = client.get("/questions/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/questions/"


def test_question_list_shows_published_questions_only(alice_client):
    make_question(title="Explain bagging")
    make_question(title="Secret draft", status=Question.Status.DRAFT)
    make_question(title="Old retired one", status=Question.Status.RETIRED)

    response = alice_client.get("/questions/")

    assert _titles(response) == ["Explain bagging"]
    assert "1</strong> question" in response.content.decode()


def test_search_matches_every_word_in_title_or_prompt(alice_client):
    make_question(title="Precision and recall", prompt="Define both for a spam filter.")
    make_question(title="ROC curves", prompt="When is precision more useful than ROC-AUC?")
    make_question(title="Gradient descent", prompt="Explain the learning rate.")

    assert sorted(_titles(alice_client.get("/questions/?q=precision"))) == [
        "Precision and recall",
        "ROC curves",
    ]
    assert _titles(alice_client.get("/questions/?q=PRECISION+spam")) == ["Precision and recall"]


def test_filters_combine(alice_client):
    stats, dl = make_topic(slug="stats"), make_topic(slug="dl")
    python = make_skill(slug="python")
    make_question(title="A", topic=stats, difficulty="easy", kind="coding", skills=[python])
    make_question(title="B", topic=stats, difficulty="hard", kind="coding", skills=[python])
    make_question(title="C", topic=dl, difficulty="easy", kind="coding", skills=[python])
    make_question(title="D", topic=stats, difficulty="easy", kind="conceptual", skills=[python])
    make_question(title="E", topic=stats, difficulty="easy", kind="coding", skills=[make_skill()])

    response = alice_client.get("/questions/?topic=stats&difficulty=easy&kind=coding&skill=python")

    assert _titles(response) == ["A"]
    assert "1</strong> question matches your search" in response.content.decode()


def test_bookmarked_filter_shows_only_my_bookmarks(alice_client, alice, bob):
    mine, bobs = make_question(title="Mine"), make_question(title="Bob's")
    Bookmark.objects.create(user=alice, question=mine)
    Bookmark.objects.create(user=bob, question=bobs)

    response = alice_client.get("/questions/?bookmarked=on")

    assert _titles(response) == ["Mine"]
    assert "Bookmarked" in response.content.decode()


def test_list_paginates_twenty_a_page_and_keeps_filters_in_links(alice_client):
    topic = make_topic(slug="many")
    for n in range(45):
        make_question(title=f"Q{n:02}", topic=topic)

    page_two = alice_client.get("/questions/?topic=many&page=2")

    assert len(_titles(page_two)) == 20
    assert _titles(page_two)[0] == "Q20"
    assert "page 2 of 3" in page_two.content.decode()
    assert "?topic=many&amp;page=3" in page_two.content.decode()
    assert len(_titles(alice_client.get("/questions/?topic=many&page=99"))) == 5


def test_no_match_explains_what_to_do(alice_client):
    make_question(title="Bagging")

    page = alice_client.get("/questions/?q=zebra").content.decode()

    assert "No question matches all of these filters" in page
    assert "see every question" in page


def test_empty_bank_says_how_to_load_it(alice_client):
    assert "load_content" in alice_client.get("/questions/").content.decode()


def test_unknown_filter_value_is_ignored_with_a_message_not_an_error(alice_client):
    make_question(title="Bagging")

    response = alice_client.get("/questions/?difficulty=impossible")

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_list_query_count_does_not_grow_with_the_bank(
    alice_client, alice, django_assert_max_num_queries
):
    """Guards the N+1 over topics, skills and bookmarks of listed questions."""
    topic, skill = make_topic(), make_skill()
    for n in range(60):
        question = make_question(topic=topic, skills=[skill, make_skill()])
        if n % 3 == 0:
            Bookmark.objects.create(user=alice, question=question)
    alice_client.get("/questions/")  # the first request after login stores the time zone
    # session, user, topics, skills (filter choices), count, page, skills of the page, and
    # the learner's progress on the page's questions
    with django_assert_max_num_queries(8):
        alice_client.get("/questions/")
    with django_assert_max_num_queries(8):
        alice_client.get(f"/questions/?q=Explain&skill={skill.slug}&bookmarked=on&page=2")


def test_detail_shows_prompt_and_keeps_the_answer_folded(alice_client):
    question = make_question(prompt="Why *regularise*?", model_answer="Because **variance**.")

    page = alice_client.get(f"/questions/{question.pk}/").content.decode()

    assert "<em>regularise</em>" in page
    assert "<details" in page and "<details open" not in page
    assert "<strong>variance</strong>" in page
    assert "First point" in page


def test_detail_of_a_draft_is_404_for_users_and_a_preview_for_staff(alice_client, editor):
    draft = make_question(status=Question.Status.DRAFT)

    assert alice_client.get(f"/questions/{draft.pk}/").status_code == 404
    editor_client = Client()
    editor_client.force_login(editor)
    assert "Editor preview" in editor_client.get(f"/questions/{draft.pk}/").content.decode()


def test_detail_of_missing_question_is_404(alice_client):
    assert alice_client.get("/questions/999999/").status_code == 404


def test_hostile_markdown_never_reaches_the_page(alice_client, alice):
    question = make_question(
        prompt="Hi <script>alert(1)</script>", model_answer="<img src=x onerror=alert(2)>"
    )
    QuestionNote.objects.create(user=alice, question=question, text="<script>alert(3)</script>")

    page = alice_client.get(f"/questions/{question.pk}/").content.decode()

    assert "alert(1)" not in page and "onerror" not in page
    assert "<script>alert(3)" not in page
    assert "&lt;script&gt;alert(3)" in page


@pytest.mark.parametrize("page", ["question", "session", "admin"])
def test_pathological_markdown_already_stored_is_shown_quickly_as_plain_text(alice, editor, page):
    """Rows saved before the Markdown bounds existed, or written straight to the database,
    are still shown at once: as plain text, not parsed."""
    question = make_question()
    Question.objects.filter(pk=question.pk).update(
        prompt="Explain bias. " + "[" * 20_000, model_answer="<div>" * 20_000
    )
    client = Client()
    client.force_login(editor if page == "admin" else alice)
    if page == "question":
        url = f"/questions/{question.pk}/"
    elif page == "session":
        url = f"/practice/sessions/{make_session(user=alice, questions=[question]).pk}/"
    else:
        url = f"/admin/practice/question/{question.pk}/change/"

    render_markdown.cache_clear()  # each page renders the text itself, as in a fresh worker
    started = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - started

    assert response.status_code == 200
    assert "<p>Explain bias. [[[[" in response.content.decode()
    assert seconds < 1  # it took 30 s to minutes before the bounds


def test_bookmark_on_and_off_and_repeat_is_harmless(alice_client, alice):
    question = make_question()
    url = f"/questions/{question.pk}/bookmark/"

    alice_client.post(url, {"on": "1"})
    alice_client.post(url, {"on": "1"})
    assert Bookmark.objects.filter(user=alice, question=question).count() == 1
    response = alice_client.post(url, {"on": "0"}, follow=True)
    assert not Bookmark.objects.filter(user=alice).exists()
    assert "Bookmark removed." in response.content.decode()


def test_bookmark_by_htmx_returns_the_button_only(alice_client):
    question = make_question()

    response = alice_client.post(
        f"/questions/{question.pk}/bookmark/", {"on": "1"}, headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert body.lstrip().startswith("<form")
    assert "★ Bookmarked" in body


def test_bookmark_refuses_get(alice_client):
    question = make_question()

    assert alice_client.get(f"/questions/{question.pk}/bookmark/").status_code == 405


def test_note_is_saved_private_and_deleted_when_emptied(alice_client, alice, bob):
    question = make_question()
    url = f"/questions/{question.pk}/note/"

    response = alice_client.post(url, {"text": "  Mention L1 sparsity  "}, follow=True)
    assert "Note saved." in response.content.decode()
    assert QuestionNote.objects.get(user=alice, question=question).text == "Mention L1 sparsity"

    bob_client = Client()
    bob_client.force_login(bob)
    assert "Mention L1" not in bob_client.get(f"/questions/{question.pk}/").content.decode()

    alice_client.post(url, {"text": "   "})
    assert not QuestionNote.objects.filter(user=alice).exists()


def test_overlong_note_is_refused_and_kept_on_screen(alice_client, alice):
    question = make_question()
    text = "word " * 1200

    response = alice_client.post(f"/questions/{question.pk}/note/", {"text": text})

    page = response.content.decode()
    assert "Ensure this value has at most 5000 characters" in page
    assert "word word word" in page
    assert not QuestionNote.objects.exists()


def test_flag_is_filed_once_even_when_sent_twice(alice_client, alice):
    question = make_question()
    url = f"/questions/{question.pk}/flag/"

    first = alice_client.post(url, {"reason": "unclear", "comment": "Which metric?"}, follow=True)
    second = alice_client.post(url, {"reason": "unclear", "comment": ""}, follow=True)

    assert "An editor will review this question" in first.content.decode()
    assert "You had already flagged this" in second.content.decode()
    flag = QuestionFlag.objects.get(user=alice, question=question)
    assert (flag.reason, flag.comment) == ("unclear", "Which metric?")
    assert "You reported this question as <strong>unclear</strong>" in second.content.decode()


def test_flag_without_reason_is_refused_keeping_the_comment(alice_client):
    question = make_question()

    response = alice_client.post(
        f"/questions/{question.pk}/flag/", {"reason": "", "comment": "The wording confuses me"}
    )

    page = response.content.decode()
    assert "This field is required" in page
    assert "The wording confuses me" in page
    assert not QuestionFlag.objects.exists()


def test_marks_on_an_unpublished_question_are_404(alice_client):
    draft = make_question(status=Question.Status.DRAFT)

    for action in ("bookmark", "note", "flag"):
        response = alice_client.post(f"/questions/{draft.pk}/{action}/", {"on": "1"})
        assert response.status_code == 404


def test_marks_need_a_csrf_token(alice):
    question = make_question()
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post(f"/questions/{question.pk}/note/", {"text": "x"}).status_code == 403


def test_detail_query_count_does_not_grow_with_key_points_or_flags(
    alice_client, alice, django_assert_max_num_queries
):
    """Guards against per-row queries for key points, common mistakes, skills and flags."""
    question = make_question(
        skills=[make_skill() for _ in range(3)],
        key_points=[(f"Point {n}", f"kw{n}") for n in range(6)],
        mistakes=[(f"Claim {n}", f"Correction {n}") for n in range(4)],
    )
    for reason in ("unclear", "wrong", "duplicate"):
        QuestionFlag.objects.create(user=alice, question=question, reason=reason)
    alice_client.get(f"/questions/{question.pk}/")  # stores the time zone in the session
    # session, user, question, skills, key points, common mistakes, bookmark, note, flags,
    # attempts
    with django_assert_max_num_queries(10):
        alice_client.get(f"/questions/{question.pk}/")


def test_question_page_lists_common_mistakes_inside_the_hidden_model_answer(alice_client):
    question = make_question(mistakes=[("Scale the trees", "Tree splits ignore scaling.")])

    page = alice_client.get(f"/questions/{question.pk}/").content.decode()

    hidden = page[page.index('<details class="card mb-4 model-answer">') :]
    hidden = hidden[: hidden.index("</details>")]
    assert "Scale the trees" in hidden and "Tree splits ignore scaling." in hidden
    assert page.count("Scale the trees") == 1


def _row(page: str, title: str) -> str:
    """The HTML of the bank's row of the question titled `title`."""
    return page.split(f">{title}</a>")[1].split('<li class="list-group-item">')[0]


def test_each_row_shows_my_answers_last_grade_and_review_date(alice_client, alice, bob):
    now = timezone.now()
    due, later, untouched = (
        make_question(title="Due one"),
        make_question(title="Later one"),
        make_question(title="Untouched one"),
    )
    make_history(user=alice, questions=[due], grade=1, start=now - dt.timedelta(days=4))
    make_history(user=alice, questions=[due, later], grade=3, start=now - dt.timedelta(days=1))
    make_history(user=bob, questions=[untouched], grade=4)
    ReviewCard.objects.create(user=alice, question=due, state=2, due=now, reviews=2)
    ReviewCard.objects.create(
        user=alice, question=later, state=2, due=now + dt.timedelta(days=6), reviews=1
    )

    page = alice_client.get("/questions/").content.decode()

    assert "Answered 2 times" in _row(page, "Due one")
    assert "Last grade: 3 · Correct and complete" in _row(page, "Due one")
    assert "Review due today" in _row(page, "Due one")
    assert "Answered 1 time<" in _row(page, "Later one")
    assert "Review due in 6 days" in _row(page, "Later one")
    assert "Not practised yet" in _row(page, "Untouched one")  # Bob's answers are his
    assert "Last grade" not in _row(page, "Untouched one")


def test_due_filter_keeps_the_questions_due_for_review_today(alice_client, alice):
    now = timezone.now()
    due, later = make_question(title="Due one"), make_question(title="Later one")
    make_question(title="Never practised")
    make_history(user=alice, questions=[due, later])
    ReviewCard.objects.create(user=alice, question=due, state=2, due=now, reviews=1)
    ReviewCard.objects.create(
        user=alice, question=later, state=2, due=now + dt.timedelta(days=3), reviews=1
    )

    assert _titles(alice_client.get("/questions/?due=on")) == ["Due one"]
    assert sorted(_titles(alice_client.get("/questions/?unpractised=on"))) == ["Never practised"]


def test_list_query_count_does_not_grow_with_my_history(
    alice_client, alice, django_assert_max_num_queries
):
    """A learner with 300 graded answers over 30 questions costs what a new one costs."""
    questions = [make_question() for _ in range(30)]
    alice_client.get("/questions/")
    with django_assert_max_num_queries(8) as fresh:
        alice_client.get("/questions/")

    make_history(user=alice, questions=questions, attempts_per_question=10)
    ReviewCard.objects.bulk_create(
        ReviewCard(user=alice, question=question, state=2, due=timezone.now(), reviews=10)
        for question in questions
    )
    assert Attempt.objects.filter(user=alice).count() == 300
    with django_assert_max_num_queries(len(fresh.captured_queries)):
        response = alice_client.get("/questions/")
    assert "Answered 10 times" in response.content.decode()
    with django_assert_max_num_queries(len(fresh.captured_queries)):
        response = alice_client.get("/questions/?due=on&page=2")
    assert len(response.context["page"].object_list) == 10
