import csv
import html
import io
import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from practice.models import KeyPoint, Question, QuestionFlag
from practice.resources import QuestionResource
from tests.factories import make_question, make_skill, make_topic, make_user

pytestmark = pytest.mark.django_db

COLUMNS = [
    "slug", "title", "topic", "difficulty", "kind", "status", "suggested_minutes",
    "skills", "prompt", "model_answer", "key_points",
]  # fmt: skip


@pytest.fixture
def editor_client(db):
    """A staff member in the Editors group, not a superuser."""
    user = make_user(username="curator", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def catalogue(db):
    make_topic(slug="evaluation", name="Evaluation")
    make_skill(slug="model-evaluation")
    make_skill(slug="python")


def _row(n, **overrides):
    row = {
        "slug": f"imported-{n}",
        "title": f"Imported question {n}",
        "topic": "evaluation",
        "difficulty": "medium",
        "kind": "conceptual",
        "status": "draft",
        "suggested_minutes": "5",
        "skills": "model-evaluation,python",
        "prompt": f"What is **metric {n}**?",
        "model_answer": f"Metric {n} measures things.",
        "key_points": (
            "Defines it :: definition, define\nGives an example :: example, for instance"
        ),
    }
    return {**row, **overrides}


def _csv(rows, columns=COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _upload(client, content: bytes, *, name="questions.csv", fmt="0"):
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(
        "/admin/practice/question/import/",
        {"resource": "0", "format": fmt, "import_file": upload},
    )


def _import(client, content: bytes, **kwargs):
    """Upload, then confirm: the two steps an editor goes through."""
    preview = _upload(client, content, **kwargs)
    assert "confirm_form" in preview.context, preview.content.decode()[-3000:]
    confirm = preview.context["confirm_form"].initial
    return client.post("/admin/practice/question/process_import/", confirm, follow=True)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/practice/question/",
        "/admin/practice/question/add/",
        "/admin/practice/question/import/",
        "/admin/practice/question/export/",
        "/admin/practice/questionflag/",
        "/admin/practice/topic/",
        "/admin/assessments/skill/",
        "/admin/assessments/roleprofile/",
    ],
)
def test_content_admin_opens_for_editors_and_not_for_users(editor_client, alice_client, url):
    assert editor_client.get(url).status_code == 200
    response = alice_client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_editors_cannot_manage_users(editor_client):
    assert editor_client.get("/admin/auth/user/").status_code == 403


def test_question_change_page_shows_a_rendered_preview_and_key_points(editor_client):
    question = make_question(prompt="Why **scale**?", model_answer="<script>x()</script>Because.")

    page = editor_client.get(f"/admin/practice/question/{question.pk}/change/").content.decode()

    assert "<strong>scale</strong>" in page
    assert "<script>x()" not in page
    assert "First point" in page


@pytest.mark.parametrize(
    ("prompt", "message"),
    [
        ("> " * 8 + "Explain bias.", "Quotes and lists are nested more than 6 levels deep."),
        ("Explain bias. " + "[" * 50, "50 “[” are open at once in one paragraph; at most 10"),
        ("Explain bias. " + "[" * 20_000, "Ensure this value has at most 3000 characters"),
    ],
    ids=["nested-quotes", "open-brackets", "too-long"],
)
def test_admin_refuses_a_prompt_beyond_the_markdown_bounds_and_keeps_it(
    editor_client, prompt, message
):
    skill = make_skill()
    form = {
        "title": "Bias",
        "slug": "bias",
        "topic": make_topic().pk,
        "skills": [skill.pk],
        "status": "draft",
        "prompt": prompt,
        "difficulty": "easy",
        "kind": "conceptual",
        "suggested_minutes": "5",
        "model_answer": "Bias is error from wrong assumptions.",
        "key_points-TOTAL_FORMS": "0",
        "key_points-INITIAL_FORMS": "0",
    }

    response = editor_client.post("/admin/practice/question/add/", form)

    assert response.status_code == 200
    page = response.content.decode()
    assert html.escape(message, quote=False) in page
    assert html.escape(prompt[:200], quote=False) in page
    assert not Question.objects.filter(slug="bias").exists()


def test_publish_retire_and_duplicate_actions(editor_client):
    draft = make_question(status="draft")
    live = make_question(status="published")

    def act(action, *questions):
        return editor_client.post(
            "/admin/practice/question/",
            {"action": action, "_selected_action": [q.pk for q in questions]},
            follow=True,
        )

    assert "1 question(s) published." in act("publish", draft, live).content.decode()
    draft.refresh_from_db()
    assert draft.status == "published"
    act("retire", live)
    live.refresh_from_db()
    assert live.status == "retired"
    act("duplicate", live)
    copy = Question.objects.get(slug=f"{live.slug}-copy")
    assert copy.status == "draft"
    assert list(copy.skills.all()) == list(live.skills.all())
    assert [p.text for p in copy.key_points.all()] == [p.text for p in live.key_points.all()]


def test_csv_import_creates_questions_with_key_points_and_skills(editor_client, catalogue):
    response = _import(editor_client, _csv([_row(n) for n in range(40)]))

    assert response.status_code == 200
    assert Question.objects.filter(slug__startswith="imported-").count() == 40
    question = Question.objects.get(slug="imported-7")
    assert question.topic.slug == "evaluation"
    assert sorted(question.skills.values_list("slug", flat=True)) == ["model-evaluation", "python"]
    assert [(p.order, p.text, p.keywords) for p in question.key_points.all()] == [
        (1, "Defines it", "definition, define"),
        (2, "Gives an example", "example, for instance"),
    ]
    assert question.author.username == "curator"


def test_json_import_updates_an_existing_question_by_slug(editor_client, catalogue):
    _import(editor_client, _csv([_row(1)]))
    changed = _row(1, title="Renamed", key_points="Only point :: only")

    _import(editor_client, json.dumps([changed]).encode(), name="questions.json", fmt="1")

    question = Question.objects.get(slug="imported-1")
    assert question.title == "Renamed"
    assert list(question.key_points.values_list("text", flat=True)) == ["Only point"]


def test_import_preview_marks_changes_without_style_attributes(editor_client, catalogue):
    """The content security policy refuses style attributes: the preview's tags carry none."""
    _import(editor_client, _csv([_row(1)]))
    rows = [_row(1, title="Imported question one"), _row(2, model_answer="Use <b>it</b>\nwell.")]

    preview = _upload(editor_client, _csv(rows)).content.decode()

    assert "<span>Imported question </span><del>1</del><ins>one</ins>" in preview
    assert "<ins>Use &lt;b&gt;it&lt;/b&gt;&para;<br>well.</ins>" in preview
    assert "style=" not in preview


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"topic": "astrology"}, "there is no topic with the slug “astrology”"),
        ({"skills": "python,juggling"}, "unknown skill slug(s): juggling"),
        ({"skills": ""}, "a question needs at least one skill"),
        ({"difficulty": "trivial"}, "is not a valid choice"),
        ({"key_points": "no separator here"}, "must read “text :: keyword, keyword”"),
        ({"key_points": ""}, "a question needs 1 to 6 key points; found 0"),
        ({"title": ""}, "This field cannot be blank"),
        ({"prompt": "> " * 8 + "Explain bias."}, "nested more than 6 levels deep"),
        ({"model_answer": "See " + "[" * 20}, "20 “[” are open at once in one paragraph"),
        ({"prompt": "x" * 3_001}, "at most 3000 characters (it has 3001)"),
    ],
)
def test_a_bad_row_is_reported_by_number_and_nothing_is_imported(
    editor_client, catalogue, bad, message
):
    rows = [_row(1), _row(2), _row(3, **bad)]

    response = _upload(editor_client, _csv(rows))

    assert "confirm_form" not in response.context
    assert "Some rows failed to validate" in response.content.decode()
    assert message in response.content.decode()
    assert [row.number for row in response.context["result"].invalid_rows] == [3]
    assert not Question.objects.filter(slug__startswith="imported-").exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "The submitted file is empty."),
        (
            _csv([{"slug": "x"}], columns=["slug", "colour"]),
            "wrong.csv",
            "missing columns: title, topic, difficulty, kind, status, suggested_minutes, "
            "skills, prompt, model_answer, key_points; unknown columns: colour",
        ),
        (b"slug,title\n", "headers-only.csv", "No valid data to import."),
        (bytes(range(256)) * 64, "garbage.csv", "The file could not be read as csv."),
        (b"x" * (5 * 1024 * 1024), "huge.csv", "The file is 5.0 MB; the limit is 2 MB."),
        (b"{not json", "broken.json", "The file could not be read as json."),
    ],
)
def test_unreadable_files_get_a_clear_error_and_change_nothing(
    editor_client, catalogue, content, name, message
):
    before = Question.objects.count()

    response = _upload(
        editor_client, content, name=name, fmt="1" if name.endswith("json") else "0"
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert "confirm_form" not in response.context
    assert Question.objects.count() == before


def test_export_then_import_into_an_empty_bank_gives_the_same_bank(catalogue):
    topic = make_topic(slug="stats")
    for n in range(5):
        make_question(topic=topic, key_points=[(f"P{n}a", "alpha, beta"), (f"P{n}b", "gamma")])

    def snapshot():
        return sorted(
            (
                q.slug, q.title, q.prompt, q.model_answer, q.topic.slug, q.difficulty, q.kind,
                q.status, q.suggested_minutes,
                tuple(sorted(s.slug for s in q.skills.all())),
                tuple((p.order, p.text, p.keywords) for p in q.key_points.all()),
            )
            for q in Question.objects.select_related("topic").prefetch_related(
                "skills", "key_points"
            )
        )  # fmt: skip

    before = snapshot()
    for export_format in ("csv", "json"):
        exported = getattr(QuestionResource().export(), export_format)
        Question.objects.all().delete()
        assert KeyPoint.objects.count() == 0

        dataset = __import__("tablib").Dataset().load(exported, format=export_format)
        result = QuestionResource().import_data(dataset, dry_run=False, raise_errors=True)

        assert not result.has_validation_errors()
        assert snapshot() == before


def test_flag_queue_shows_open_flags_and_resolves_them(editor_client, alice):
    question = make_question(title="Confusing one")
    open_flag = QuestionFlag.objects.create(
        user=alice, question=question, reason="unclear", comment="Which loss?"
    )

    queue = editor_client.get("/admin/practice/questionflag/").content.decode()
    assert "Which loss?" in queue

    editor_client.post(
        "/admin/practice/questionflag/",
        {"action": "resolve", "_selected_action": [open_flag.pk]},
    )
    open_flag.refresh_from_db()
    assert open_flag.resolved_at is not None
    assert open_flag.resolved_by.username == "curator"
    assert "Which loss?" not in editor_client.get("/admin/practice/questionflag/").content.decode()
    resolved = editor_client.get("/admin/practice/questionflag/?state=resolved").content.decode()
    assert "Which loss?" in resolved


def test_question_list_in_admin_shows_open_flag_count(editor_client, alice):
    question = make_question(title="Flagged one")
    QuestionFlag.objects.create(user=alice, question=question, reason="wrong")

    page = editor_client.get("/admin/practice/question/?q=Flagged").content.decode()

    assert '<td class="field-open_flags">1</td>' in page
