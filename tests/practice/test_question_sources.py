"""Every question says where it comes from: its source's name, link and licence."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mlcareer.content import content_load, shipped_fixture_files
from practice.models import SHIPPED_SOURCE, UNKNOWN_SOURCE, Question
from practice.resources import QuestionResource
from tests.factories import make_question, make_skill, make_topic
from tests.practice.test_admin import (
    COLUMNS,
    _change_form,
    _csv,
    _import,
    _previewed,
    _row,
    _rows_with_errors,
    _upload,
)
from tests.practice.test_import_validation import _export

pytestmark = pytest.mark.django_db

SOURCE_COLUMNS = [*COLUMNS, "source_name", "source_url", "source_licence"]
BOOK = {
    "source_name": "Interview Notes, 2nd edition",
    "source_url": "https://example.org/interview-notes",
    "source_licence": "CC BY 4.0",
}


def _source(question: Question) -> tuple[str, str, str]:
    question.refresh_from_db()
    return (question.source_name, question.source_url, question.source_licence)


# The model


def test_a_question_written_without_a_source_is_mlcareers_own():
    question = make_question()

    assert _source(question) == ("MLCareer", "", "")
    question.full_clean()


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript://example.org/%0aalert(1)",
        "data:text/html,<p>hi</p>",
        "ftp://example.org/questions.txt",
        "mailto:editor@example.org",
        "example.org/questions",
    ],
)
def test_a_source_link_other_than_http_or_https_is_refused(link):
    question = make_question(source_name="A book")
    question.source_url = link

    with pytest.raises(ValidationError) as refused:
        question.full_clean()

    assert refused.value.message_dict == {
        "source_url": ["Enter a web address that starts with http:// or https://."]
    }


@pytest.mark.parametrize(
    "link", ["https://example.org/q?id=3#answer", "http://example.org", "HTTPS://EXAMPLE.ORG/"]
)
def test_http_and_https_source_links_are_accepted(link):
    question = make_question(source_name="A site")
    question.source_url = link

    question.full_clean()
    question.save()


def test_the_database_refuses_a_link_that_skipped_validation():
    question = make_question()

    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.filter(pk=question.pk).update(source_url="javascript:alert(1)")


def test_a_source_needs_a_name():
    question = make_question()
    question.source_name = ""

    with pytest.raises(ValidationError) as refused:
        question.full_clean()

    assert list(refused.value.message_dict) == ["source_name"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.filter(pk=question.pk).update(source_name="")


# Shipped content


def test_a_fixture_that_names_no_source_loads_as_mlcareers(tmp_path):
    make_topic(slug="metrics")
    make_skill(slug="model-evaluation")
    fixture = tmp_path / "50_questions_test.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "practice.question",
                    "fields": {
                        "title": "What is recall?",
                        "slug": "what-is-recall",
                        "prompt": "Define recall.",
                        "difficulty": "easy",
                        "kind": "conceptual",
                        "topic": ["metrics"],
                        "skills": [["model-evaluation"]],
                        "model_answer": "The share of actual positives found.",
                        "status": "published",
                    },
                }
            ]
        ),
        encoding="utf-8",
    )

    content_load(files=[fixture])

    question = Question.objects.get(slug="what-is-recall")
    assert _source(question) == (SHIPPED_SOURCE, "", "")
    question.full_clean()


def test_every_shipped_question_without_a_named_source_is_mlcareers():
    content_load()
    unnamed = {
        entry["fields"]["slug"]
        for path in shipped_fixture_files()
        for entry in json.loads(path.read_text(encoding="utf-8"))
        if entry["model"] == "practice.question" and "source_name" not in entry["fields"]
    }

    sources = set(Question.objects.filter(slug__in=unnamed).values_list("source_name", flat=True))

    assert unnamed and sources == {SHIPPED_SOURCE}


# The question page


def test_the_question_page_names_mlcareer_as_the_source_without_a_link(alice_client):
    question = make_question()

    page = alice_client.get(f"/questions/{question.pk}/").content.decode()

    assert "Source: MLCareer</p>" in page


def test_the_question_page_links_the_source_and_names_its_licence(alice_client):
    question = make_question(**BOOK)

    page = alice_client.get(f"/questions/{question.pk}/").content.decode()

    assert (
        'Source: <a href="https://example.org/interview-notes" rel="noopener">'
        "Interview Notes, 2nd edition</a> · CC BY 4.0</p>"
    ) in page


def test_the_question_page_shows_a_licence_without_a_link(alice_client):
    question = make_question(source_name="Jane Doe", source_licence="CC BY-SA 4.0")

    page = alice_client.get(f"/questions/{question.pk}/").content.decode()

    assert "Source: Jane Doe · CC BY-SA 4.0</p>" in page


def test_a_source_name_is_shown_as_text_never_as_markup(alice_client):
    question = make_question(source_name='<img src=x onerror="alert(1)">')

    page = alice_client.get(f"/questions/{question.pk}/").content.decode()

    assert "Source: &lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>" in page
    assert "<img src=x" not in page


# Admin


def test_admin_edits_the_source_and_filters_questions_by_it(editor_client):
    ours = make_question(title="Our own question")
    theirs = make_question(title="A borrowed question")
    data = _change_form(theirs, mistakes=[]) | BOOK

    response = editor_client.post(f"/admin/practice/question/{theirs.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert _source(theirs) == tuple(BOOK.values())
    form = editor_client.get(f"/admin/practice/question/{ours.pk}/change/").content.decode()
    assert 'name="source_name" value="MLCareer"' in form
    assert 'name="source_url"' in form and 'name="source_licence"' in form
    listing = editor_client.get("/admin/practice/question/", {"source_name": BOOK["source_name"]})
    assert [q.title for q in listing.context["cl"].result_list] == ["A borrowed question"]
    assert "By source" in listing.content.decode()


@pytest.mark.parametrize("link", ["ftp://example.org/q", "javascript:alert(1)"])
def test_admin_refuses_a_source_link_of_another_scheme_and_keeps_what_was_typed(
    editor_client, link
):
    question = make_question()
    data = _change_form(question, mistakes=[]) | BOOK | {"source_url": link}

    response = editor_client.post(f"/admin/practice/question/{question.pk}/change/", data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a web address that starts with http:// or https://." in page
    assert f'value="{link}"' in page
    assert _source(question) == (SHIPPED_SOURCE, "", "")


def test_a_duplicated_question_keeps_its_source(editor_client):
    question = make_question(**BOOK)

    editor_client.post(
        "/admin/practice/question/", {"action": "duplicate", "_selected_action": [question.pk]}
    )

    assert _source(Question.objects.get(slug=f"{question.slug}-copy")) == tuple(BOOK.values())


# Export and import


def test_export_writes_the_source_columns(catalogue):
    make_question(slug="borrowed", **BOOK)
    make_question(slug="ours")

    rows = {row["slug"]: row for row in QuestionResource().export().dict}

    assert {column: rows["borrowed"][column] for column in BOOK} == BOOK
    assert {column: rows["ours"][column] for column in BOOK} == {
        "source_name": "MLCareer",
        "source_url": "",
        "source_licence": "",
    }


def test_import_reads_the_source_columns(editor_client, catalogue):
    rows = [_row(1, **BOOK), _row(2, source_name="MLCareer", source_url="", source_licence="")]

    _import(editor_client, _csv(rows, columns=SOURCE_COLUMNS))

    assert _source(Question.objects.get(slug="imported-1")) == tuple(BOOK.values())
    assert _source(Question.objects.get(slug="imported-2")) == ("MLCareer", "", "")


def test_a_new_question_imported_without_a_source_is_from_an_unknown_source(
    editor_client, catalogue
):
    """A file that does not say where its questions come from does not make them MLCareer's."""
    preview = _upload(editor_client, _csv([_row(1)], columns=COLUMNS)).content.decode()
    assert UNKNOWN_SOURCE in preview

    _import(editor_client, _csv([_row(1)], columns=COLUMNS))
    blank = _row(2, source_name="  ", source_url="", source_licence="")
    _import(editor_client, _csv([blank], columns=SOURCE_COLUMNS))

    assert _source(Question.objects.get(slug="imported-1")) == (UNKNOWN_SOURCE, "", "")
    assert _source(Question.objects.get(slug="imported-2")) == (UNKNOWN_SOURCE, "", "")


def test_a_file_without_source_columns_leaves_existing_sources_as_they_are(
    editor_client, catalogue
):
    _import(editor_client, _csv([_row(1, **BOOK)], columns=SOURCE_COLUMNS))

    _import(editor_client, _csv([_row(1, title="Renamed")], columns=COLUMNS))

    question = Question.objects.get(slug="imported-1")
    assert question.title == "Renamed"
    assert _source(question) == tuple(BOOK.values())


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"source_url": "javascript:alert(1)"}, "starts with http:// or https://"),
        ({"source_url": "ftp://example.org/q"}, "starts with http:// or https://"),
        (
            {"source_name": "", "source_licence": "CC BY 4.0"},
            "gives a source link or licence but no source_name",
        ),
        ({"source_licence": "x" * 101}, "at most 100 characters (it has 101)"),
    ],
)
def test_a_bad_source_is_reported_by_row_and_nothing_is_imported(
    editor_client, catalogue, bad, message
):
    rows = [_row(1, **BOOK), _row(2, **{**BOOK, **bad})]

    response = _upload(editor_client, _csv(rows, columns=SOURCE_COLUMNS))

    assert not _previewed(response)
    assert message in response.content.decode()
    assert _rows_with_errors(response) == ["row 3"]
    assert not Question.objects.filter(slug__startswith="imported-").exists()


def test_an_exported_bank_imports_back_with_every_source_unchanged(editor_client, catalogue):
    topic = make_topic(slug="stats")
    make_question(topic=topic, slug="ours")
    make_question(topic=topic, slug="borrowed", **BOOK)
    make_question(topic=topic, slug="unknown", source_name=UNKNOWN_SOURCE)
    before = {q.slug: _source(q) for q in Question.objects.all()}

    for fmt, name in (("0", "questions.csv"), ("1", "questions.json")):
        exported = _export(editor_client, fmt)
        Question.objects.all().delete()

        _import(editor_client, exported.encode(), name=name)

        assert {q.slug: _source(q) for q in Question.objects.all()} == before


def test_the_import_page_explains_the_source_columns(editor_client):
    page = editor_client.get("/admin/practice/question/import/").content.decode()

    for column in ("source_name", "source_url", "source_licence"):
        assert f"<code>{column}</code>" in page
    assert "“Unknown source”" in page
