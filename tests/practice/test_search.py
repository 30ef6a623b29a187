"""The question bank's full text search: what it finds, in which order, and how it stays
up to date. Every test runs on the database of the run (SQLite, or PostgreSQL by DATABASE_URL)."""

import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from mlcareer.content import content_load
from practice.models import KeyPoint, Question, Topic
from practice.queries import question_search
from practice.search import (
    FOUND_IN_ANSWER,
    FOUND_IN_BOTH,
    FOUND_IN_KEY_POINTS,
    question_ids_matching,
    search_found_in,
    search_index_refresh,
    search_terms,
)
from tests.factories import make_question, make_topic
from tests.practice.test_admin import _change_form

pytestmark = pytest.mark.django_db


def _found(user, text, **filters):
    return [question.title for question in question_search(user=user, text=text, **filters)]


def _titles(response):
    return [question.title for question in response.context["page"].object_list]


def _admin_found(client, text):
    response = client.get("/admin/practice/question/", {"q": text})
    assert response.status_code == 200
    return {question.title for question in response.context["cl"].result_list}


def test_a_word_finds_other_forms_of_it_by_its_stem(alice):
    make_question(title="L2 regularization", prompt="Why does it help?")
    make_question(title="Word embedding", prompt="What does one hold?")
    make_question(title="Gradient descent")

    assert _found(alice, "regularizing") == ["L2 regularization"]
    assert _found(alice, "Regularized") == ["L2 regularization"]
    assert _found(alice, "embeddings") == ["Word embedding"]


def test_british_and_american_spellings_find_each_other(alice):
    make_question(title="How does dropout regularise a network?")
    make_question(title="Tokenization of text")

    assert _found(alice, "regularizing") == ["How does dropout regularise a network?"]
    assert _found(alice, "regularization dropout") == ["How does dropout regularise a network?"]
    assert _found(alice, "tokenisation") == ["Tokenization of text"]


def test_a_word_only_in_the_model_answer_finds_the_question_and_says_so(alice_client, alice):
    make_question(
        title="Linear regression assumptions",
        prompt="What must hold for least squares to be trusted?",
        model_answer="Linearity, independence and **homoscedasticity** of the residuals.",
    )

    response = alice_client.get("/questions/", {"q": "homoscedasticity"})

    assert _titles(response) == ["Linear regression assumptions"]
    assert FOUND_IN_ANSWER in response.content.decode()


def test_a_word_only_in_a_key_point_finds_the_question_and_says_so(alice_client):
    make_question(
        title="Class imbalance",
        key_points=[("Resample the classes", "oversampling, SMOTE, undersampling")],
    )

    response = alice_client.get("/questions/", {"q": "smote"})

    assert _titles(response) == ["Class imbalance"]
    assert FOUND_IN_KEY_POINTS in response.content.decode()


def test_where_the_words_were_found_is_said_only_when_the_title_and_prompt_have_none(alice):
    in_title = make_question(title="Dropout", model_answer="Dropout zeroes units at random.")
    in_both = make_question(
        model_answer="Units are dropped during training.",
        key_points=[("Dropout rate", "dropout, rate")],
    )
    in_answer = make_question(model_answer="Zeroing units, a kind of dropout.")
    ids = [in_title.pk, in_both.pk, in_answer.pk]

    assert search_found_in(question_ids=ids, text="dropout units") == {
        in_both.pk: FOUND_IN_BOTH,
        in_answer.pk: FOUND_IN_ANSWER,
    }


def test_title_matches_come_before_prompt_matches_before_answer_matches(alice):
    make_question(title="Question one", model_answer="Batch normalization keeps scales steady.")
    make_question(title="Batch normalization", prompt="When would you use it?")
    make_question(title="Question three", prompt="Explain batch normalization in a CNN.")

    assert _found(alice, "batch normalization") == [
        "Batch normalization",
        "Question three",
        "Question one",
    ]


def test_every_word_must_match_somewhere(alice):
    make_question(title="Precision and recall", model_answer="A spam filter trades one off.")
    make_question(title="Precision at k")

    assert _found(alice, "precision spam") == ["Precision and recall"]
    assert _found(alice, "precision zebra") == []


def test_an_unfinished_last_word_matches_the_start_of_words(alice):
    make_question(title="L2 regularization")
    make_question(title="Word embedding")

    assert _found(alice, "regulari") == ["L2 regularization"]
    assert _found(alice, "embeddi") == ["Word embedding"]
    assert _found(alice, "l2 reg") == ["L2 regularization"]


def test_quoted_words_must_follow_each_other(alice):
    make_question(title="Learning rate schedules")
    make_question(title="Rate of learning", prompt="How fast does a child learn?")

    both = ["Learning rate schedules", "Rate of learning"]
    assert sorted(_found(alice, "learning rate")) == both
    assert _found(alice, '"learning rate"') == ["Learning rate schedules"]


def test_without_words_the_order_is_the_usual_one(alice):
    first, second = make_topic(order=1), make_topic(order=2)
    make_question(title="B in the first topic", topic=first)
    make_question(title="A in the second topic", topic=second)
    make_question(title="A in the first topic", topic=first)

    expected = ["A in the first topic", "B in the first topic", "A in the second topic"]
    assert _found(alice, "") == expected
    assert _found(alice, "  ") == expected
    assert _found(alice, "topic") == expected  # equal ranks keep the usual order


def test_drafts_and_retired_questions_are_never_listed_to_learners(alice_client, alice):
    make_question(title="Live dropout")
    make_question(title="Draft dropout", status=Question.Status.DRAFT)
    make_question(title="Retired dropout", status=Question.Status.RETIRED)

    assert _found(alice, "dropout") == ["Live dropout"]
    assert _titles(alice_client.get("/questions/", {"q": "dropout"})) == ["Live dropout"]


def test_search_combines_with_the_other_filters(alice):
    stats = make_topic(slug="stats")
    make_question(title="Bias in stats", topic=stats)
    make_question(title="Bias elsewhere")

    assert _found(alice, "bias", topic="stats") == ["Bias in stats"]


HOSTILE = [
    '"',
    '""',
    '"unclosed phrase',
    "*",
    "regular*",
    "-",
    "-bias",
    "NEAR",
    "NEAR(bias variance)",
    "bias AND",
    "AND OR NOT",
    "bias OR variance",
    "(",
    "())(",
    "{title} : bias",
    "title:bias",
    "^bias",
    "bias:*",
    "'bias' & !variance | <->",
    "\\",
    "%_%",
    "😀 ñandú 日本語 Ωmega",
    "\x00",
    "the",
    "a an the of",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_any_typed_text_gives_a_page_never_an_error(alice_client, alice, text):
    make_question(title="Bias and variance", prompt="Explain the tradeoff.")

    response = alice_client.get("/questions/", {"q": text})

    assert response.status_code == 200
    assert len(_found(alice, text)) <= 1
    assert len(_found(alice, text * 40)) <= 1  # ≥ 1,000 characters, past the form's limit


def test_a_thousand_characters_of_words_are_searched_without_error(alice):
    make_question(title="Bias and variance")
    pasted = " ".join(["variance"] * 111)  # 998 characters

    assert len(pasted) >= 990
    assert _found(alice, pasted) == ["Bias and variance"]
    assert _found(alice, "x" * 1000) == []


def test_punctuation_is_ignored_but_words_joined_by_it_stay_together(alice):
    make_question(title="Visualising with t-SNE", prompt="When is it misleading?")

    assert _found(alice, "t-SNE") == ["Visualising with t-SNE"]
    assert _found(alice, "(t-SNE)!") == ["Visualising with t-SNE"]


def test_terms_keep_only_letters_and_digits():
    assert [term.words for term in search_terms('NEAR(a "b* c" -d) e:f')] == [
        ("near", "a"),
        ("b", "c"),
        ("d",),
        ("e", "f"),
    ]
    assert search_terms('"*" - ()') == []
    assert [term.typing for term in search_terms('bias "learning rate" varia')] == [
        False,
        False,
        True,
    ]


def test_the_index_follows_an_edit_of_the_model_answer_in_admin(editor_client, alice):
    question = make_question(title="Linear models", model_answer="Ordinary least squares.")
    data = _change_form(question, [])
    data["model_answer"] = "Check heteroscedasticity of the residuals."

    response = editor_client.post(f"/admin/practice/question/{question.pk}/change/", data)

    assert response.status_code == 302
    assert _found(alice, "heteroscedasticity") == ["Linear models"]
    assert _found(alice, "squares") == []


def test_the_index_follows_key_points_added_changed_and_removed_in_admin(editor_client, alice):
    question = make_question(title="Trees", key_points=[("Splits", "gini, entropy")])
    data = _change_form(question, [])
    data |= {
        "key_points-TOTAL_FORMS": 2,
        "key_points-0-keywords": "impurity",
        "key_points-1-question": question.pk,
        "key_points-1-order": "",
        "key_points-1-text": "Pruning",
        "key_points-1-keywords": "cost complexity",
    }

    response = editor_client.post(f"/admin/practice/question/{question.pk}/change/", data)

    assert response.status_code == 302
    assert _found(alice, "impurity") == ["Trees"]
    assert _found(alice, "pruning complexity") == ["Trees"]
    assert _found(alice, "gini") == []

    data = _change_form(question, [])
    data["key_points-1-DELETE"] = "on"
    editor_client.post(f"/admin/practice/question/{question.pk}/change/", data)

    assert _found(alice, "pruning") == []


def test_the_index_follows_key_points_saved_and_deleted_anywhere(alice):
    question = make_question(title="Boosting", key_points=[])
    point = KeyPoint.objects.create(question=question, order=1, text="Shrinkage", keywords="eta")
    assert _found(alice, "shrinkage") == ["Boosting"]

    point.text = "Learning rate"
    point.save()
    assert _found(alice, "shrinkage") == []

    point.delete()
    assert _found(alice, "learning") == []


def test_a_deleted_question_leaves_the_index(alice):
    question = make_question(title="Bagging")
    pk = question.pk

    question.delete()

    assert not Question.objects.filter(pk__in=question_ids_matching("bagging")).exists()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM practice_question_fts WHERE rowid = %s", [pk])
            assert cursor.fetchone() == (0,)


def test_bulk_writes_are_found_once_refreshed(alice):
    question = make_question(title="Bagging")
    Question.objects.filter(pk=question.pk).update(title="Stacking")
    assert _found(alice, "stacking") == []

    search_index_refresh([question.pk])

    assert _found(alice, "stacking") == ["Stacking"]
    assert _found(alice, "bagging") == []


def test_search_reindex_rebuilds_everything(alice, capsys):
    question = make_question(title="Bagging")
    Question.objects.filter(pk=question.pk).update(model_answer="Bootstrap aggregating.")

    call_command("search_reindex")

    assert _found(alice, "bootstrap") == ["Bagging"]
    assert "Search index rebuilt: 1 questions." in capsys.readouterr().out


def test_the_duplicate_action_indexes_the_copy_with_its_key_points(editor_client):
    original = make_question(title="Calibration", key_points=[("Platt scaling", "sigmoid")])

    editor_client.post(
        "/admin/practice/question/",
        {"action": "duplicate", "_selected_action": [original.pk]},
    )

    assert _admin_found(editor_client, "platt") == {"Calibration", "Calibration (copy)"}


def test_shipped_content_is_searchable_after_load_content(alice):
    call_command("load_content", verbosity=0)

    question = Question.objects.published().order_by("pk").first()
    word = max(question.model_answer.split(), key=len).strip(".,;:()*`")
    assert question.title in _found(alice, word)
    point = question.key_points.order_by("order").first()
    assert question.title in _found(alice, point.text)


def _fixture(tmp_path, *, answer: str, point: str):
    rows = [
        {"model": "practice.topic", "fields": {"name": "Trees", "slug": "trees", "order": 1}},
        {
            "model": "practice.question",
            "fields": {
                "title": "Random forests",
                "slug": "random-forests",
                "prompt": "Why average many trees?",
                "difficulty": "easy",
                "kind": "conceptual",
                "topic": ["trees"],
                "model_answer": answer,
                "status": "published",
            },
        },
        {
            "model": "practice.keypoint",
            "fields": {"question": ["random-forests"], "order": 1, "text": point, "keywords": "x"},
        },
    ]
    path = tmp_path / "60_forests.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    return path


def test_load_content_with_overwrite_reindexes_what_it_replaced(alice, tmp_path):
    content_load(files=[_fixture(tmp_path, answer="Bootstrap samples.", point="Bagging")])
    assert _found(alice, "bootstrap") == _found(alice, "bagging") == ["Random forests"]

    new = _fixture(tmp_path, answer="Decorrelated trees.", point="Feature subsampling")
    content_load(files=[new], overwrite=True)

    assert _found(alice, "bootstrap") == _found(alice, "bagging") == []
    assert _found(alice, "decorrelated subsampling") == ["Random forests"]


def test_admin_search_finds_content_words_and_still_slugs_and_sources(editor_client):
    make_question(title="Assumptions", model_answer="Homoscedasticity matters.", status="draft")
    make_question(title="By slug", slug="odd-slug-42")
    make_question(title="By source", source_name="Deep Learning Book")
    make_question(title="Unrelated")

    assert _admin_found(editor_client, "homoscedasticity") == {"Assumptions"}
    assert _admin_found(editor_client, "odd-slug") == {"By slug"}
    assert _admin_found(editor_client, "Learning Book") == {"By source"}
    assert _admin_found(editor_client, '"(') == set()


def test_the_index_lives_where_each_database_keeps_it():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'practice_question_fts'")
            (sql,) = cursor.fetchone()
            assert "fts5" in sql and "porter unicode61" in sql
        else:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_document_gin'"
            )
            (definition,) = cursor.fetchone()
            assert "USING gin (document)" in definition


def _bulk_bank(count: int) -> None:
    """`count` published questions written as a bulk import does: no signals, one refresh."""
    topic = Topic.objects.create(name="Bulk", slug="bulk")
    now = timezone.now()
    questions = Question.objects.bulk_create(
        Question(
            title=f"Question {n} on {'dropout' if n % 10 == 0 else 'trees'}",
            slug=f"bulk-{n}",
            prompt=f"Explain idea {n} about models.",
            model_answer="Regularization and variance." if n % 7 == 0 else "It depends.",
            difficulty="medium",
            kind="conceptual",
            topic=topic,
            status="published",
            created=now,
            updated=now,
        )
        for n in range(count)
    )
    KeyPoint.objects.bulk_create(
        KeyPoint(question=question, order=1, text="Point", keywords="idea")
        for question in questions
    )
    search_index_refresh(question.pk for question in questions)


def test_the_page_query_count_stays_flat_at_five_thousand_questions(
    alice_client, django_assert_max_num_queries
):
    _bulk_bank(5_000)
    alice_client.get("/questions/")
    # the bank's budget (tests/practice/test_question_views.py): session, user, count, page,
    # skills of the page, the learner's progress, where the words were found (topics and
    # skills of the filters come from the cache)
    for text in ("dropout", "regularizing", "models", "zebra", "question trees"):
        with django_assert_max_num_queries(8):
            response = alice_client.get("/questions/", {"q": text, "page": 2})
        assert response.status_code == 200
    assert response.context["page"].paginator.count == 4_500
