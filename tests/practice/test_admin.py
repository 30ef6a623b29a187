import csv
import html
import io
import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from practice.admin import preview
from practice.models import Attempt, ImportJob, Question, QuestionFlag
from practice.resources import QuestionResource
from tests.ai.workers import run_worker
from tests.factories import make_ai_review, make_history, make_question, make_skill, make_topic

pytestmark = pytest.mark.django_db

COLUMNS = [
    "slug", "title", "topic", "difficulty", "kind", "status", "suggested_minutes",
    "skills", "prompt", "model_answer", "key_points",
]  # fmt: skip


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


def _upload(client, content: bytes, *, name="questions.csv", **defaults):
    """Upload a file and let the worker check it: the job's page with the preview, or the
    upload form again when the file cannot be read."""
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    response = client.post(
        "/admin/practice/question/import/",
        {"import_file": upload, "status": "draft", **defaults},
    )
    if response.status_code != 302:
        return response
    run_worker()
    return client.get(response.url)


def _previewed(response) -> bool:
    """Whether the page is a preview that may be confirmed."""
    return bool(response.context.get("confirmable"))


def _rows_with_errors(response) -> list[str]:
    """The spreadsheet rows (a CSV's row number, without the text line) that have errors."""
    return [row.place.split(" (")[0] for row in response.context["report"].rows if row.errors]


def _import(client, content: bytes, **kwargs):
    """Upload, read the preview, confirm: the steps an editor goes through."""
    preview = _upload(client, content, **kwargs)
    assert _previewed(preview), preview.content.decode()[-3000:]
    job = preview.context["job"]
    client.post(f"/admin/practice/question/import/{job.pk}/confirm/")
    run_worker()
    return client.get(f"/admin/practice/question/import/{job.pk}/")


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
    live = make_question(status="published", mistakes=[("Wrong", "Right"), ("Also", "No")])

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
    assert [(m.order, m.claim, m.correction) for m in copy.common_mistakes.all()] == [
        (1, "Wrong", "Right"),
        (2, "Also", "No"),
    ]


def test_csv_import_creates_questions_with_key_points_and_skills(editor_client, catalogue):
    response = _import(editor_client, _csv([_row(n) for n in range(40)]))

    assert response.status_code == 200
    assert "Imported: 40 new, 0 changed, 0 unchanged." in response.content.decode()
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

    _import(editor_client, json.dumps([changed]).encode(), name="questions.json")

    question = Question.objects.get(slug="imported-1")
    assert question.title == "Renamed"
    assert list(question.key_points.values_list("text", flat=True)) == ["Only point"]


def test_import_preview_marks_changes_without_style_attributes(editor_client, catalogue):
    """The content security policy refuses style attributes: the preview's tags carry none."""
    _import(editor_client, _csv([_row(1), _row(2)]))
    rows = [_row(1, title="Imported question one"), _row(2, model_answer="Use <b>it</b>\nwell.")]

    preview = _upload(editor_client, _csv(rows)).content.decode()

    assert "<span>Imported question </span><del>1</del>" in preview
    assert "<span>Imported question </span><ins>one</ins>" in preview
    assert "<ins>Use &lt;b&gt;it&lt;/b&gt;&para;<br>well</ins><span>.</span>" in preview
    assert "style=" not in preview


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"topic": "astrology"}, "there is no topic “astrology”; the topics are: evaluation."),
        ({"skills": "python,juggling"}, "there is no skill “juggling”; the skills are: "),
        ({"skills": ""}, "a question needs at least one skill"),
        ({"difficulty": "trivial"}, "is not a valid choice; choose one of: easy, medium, hard"),
        ({"key_points": "Gives an example"}, "write it as “text :: keyword, keyword”"),
        ({"key_points": ""}, "a question needs 1 to 6 key points; found 0"),
        ({"title": ""}, "This field cannot be blank"),
        ({"prompt": "> " * 8 + "Explain bias."}, "nested more than 6 levels deep"),
        ({"model_answer": "See " + "[" * 20}, "20 “[” are open at once in one paragraph"),
        ({"prompt": "x" * 3_001}, "at most 3000 characters (it has 3001)"),
    ],
)
def test_a_bad_row_is_reported_in_its_line_and_nothing_can_be_imported(
    editor_client, catalogue, bad, message
):
    rows = [_row(1), _row(2), _row(3, **bad)]

    response = _upload(editor_client, _csv(rows))

    assert not _previewed(response)
    page = html.unescape(response.content.decode())
    assert "1 row has errors, so nothing will be imported" in page
    assert message in page
    assert _rows_with_errors(response) == ["row 4"]
    assert not Question.objects.filter(slug__startswith="imported-").exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "The submitted file is empty."),
        (
            _csv([{"slug": "x"}], columns=["slug", "colour"]),
            "wrong.csv",
            "The first line does not name the question columns (read with the comma “,” as the "
            "separator): it reads “slug”, “colour”.",
        ),
        (_csv([], columns=COLUMNS), "headers-only.csv", "The CSV file holds no questions"),
        (bytes(range(256)) * 64, "garbage.csv", "The file is not UTF-8 text"),
        (b"x" * (21 * 1024 * 1024), "huge.csv", "The file is 21.0 MB; the limit is 20 MB."),
        (b"{not json", "broken.json", "The file is not valid JSON: Expecting property name"),
        (b"a,b", "questions.docx", "“questions.docx” is not a file this import reads"),
    ],
)
def test_unreadable_files_get_a_clear_error_on_the_form_and_change_nothing(
    editor_client, catalogue, content, name, message
):
    before = Question.objects.count()

    response = _upload(editor_client, content, name=name, difficulty="hard", kind="coding")

    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert message in page
    assert "Traceback" not in page
    assert not ImportJob.objects.exists()
    assert Question.objects.count() == before
    # The defaults chosen are still chosen.
    assert response.context["form"]["difficulty"].value() == "hard"
    assert response.context["form"]["kind"].value() == "coding"


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


def test_flag_queue_shows_each_comment_cut_short_and_the_flag_page_shows_it_whole(
    editor_client, alice, bob
):
    question = make_question(title="Confusing one")
    long_comment = (
        "The prompt asks for the loss but never says which model: a linear regression and a "
        "classifier need different answers, and the model answer only covers the second one. "
        "Could the prompt name the model?"
    )
    long_flag = QuestionFlag.objects.create(
        user=alice, question=question, reason="unclear", comment=long_comment
    )
    QuestionFlag.objects.create(user=bob, question=question, reason="wrong", comment="")

    queue = html.unescape(editor_client.get("/admin/practice/questionflag/").content.decode())

    assert '<th scope="col" class="sortable column-comment_preview">' in queue
    cells = [c.split("</td>")[0] for c in queue.split('<td class="field-comment_preview">')[1:]]
    assert "–" in cells  # a flag without a comment
    cell = next(c for c in cells if c != "–")
    assert cell.startswith("The prompt asks for the loss but never says which model")
    assert cell.endswith("different answers…") and len(cell) <= 120
    assert "Could the prompt name the model?" not in queue
    detail = editor_client.get(f"/admin/practice/questionflag/{long_flag.pk}/change/")
    assert "Could the prompt name the model?" in html.unescape(detail.content.decode())


def test_a_comment_preview_is_cut_at_a_word_and_keeps_short_ones_whole():
    assert preview("Which   loss?\nNot clear.", 120) == "Which loss? Not clear."
    assert preview("one two three four", 10) == "one two…"
    assert preview("a" * 30, 10) == "a" * 9 + "…"


def test_question_list_in_admin_shows_open_flag_count(editor_client, alice):
    question = make_question(title="Flagged one")
    QuestionFlag.objects.create(user=alice, question=question, reason="wrong")

    page = editor_client.get("/admin/practice/question/?q=Flagged").content.decode()

    assert '<td class="field-open_flags">1</td>' in page


MISTAKE_COLUMNS = [*COLUMNS, "common_mistakes"]


def _mistakes(question):
    return [(m.order, m.claim, m.correction) for m in question.common_mistakes.all()]


def _change_form(question, mistakes):
    """The question's change form as the admin sends it, with `mistakes` as the inline rows:
    (id or "", order or "", claim, correction)."""
    data = {
        "title": question.title,
        "slug": question.slug,
        "topic": question.topic_id,
        "skills": [skill.pk for skill in question.skills.all()],
        "status": question.status,
        "prompt": question.prompt,
        "difficulty": question.difficulty,
        "kind": question.kind,
        "suggested_minutes": question.suggested_minutes,
        "model_answer": question.model_answer,
        "source_name": question.source_name,
        "source_url": question.source_url,
        "source_licence": question.source_licence,
    }
    points = list(question.key_points.all())
    data |= {
        "key_points-TOTAL_FORMS": len(points),
        "key_points-INITIAL_FORMS": len(points),
    }
    for n, point in enumerate(points):
        data |= {
            f"key_points-{n}-id": point.pk,
            f"key_points-{n}-question": question.pk,
            f"key_points-{n}-order": point.order,
            f"key_points-{n}-text": point.text,
            f"key_points-{n}-keywords": point.keywords,
        }
    data |= {
        "common_mistakes-TOTAL_FORMS": len(mistakes),
        "common_mistakes-INITIAL_FORMS": sum(1 for row in mistakes if row[0]),
    }
    for n, (pk, order, claim, correction) in enumerate(mistakes):
        data |= {
            f"common_mistakes-{n}-id": pk,
            f"common_mistakes-{n}-question": question.pk,
            f"common_mistakes-{n}-order": order,
            f"common_mistakes-{n}-claim": claim,
            f"common_mistakes-{n}-correction": correction,
        }
    return data


def test_question_change_page_edits_common_mistakes_inline(editor_client):
    question = make_question(mistakes=[("Dropout is used at inference", "Only in training.")])
    url = f"/admin/practice/question/{question.pk}/change/"

    page = editor_client.get(url).content.decode()
    assert "Common mistakes" in page
    assert "Dropout is used at inference" in page
    assert '<textarea name="common_mistakes-0-claim"' in page

    existing = question.common_mistakes.get()
    response = editor_client.post(
        url,
        _change_form(
            question,
            [
                (existing.pk, 1, "Dropout stays on at inference", "It is switched off."),
                ("", "", "Scale trees", "Splits ignore monotone rescaling."),
                ("", "", "Impute with the test mean", "Fit the imputer on training data."),
            ],
        ),
    )

    assert response.status_code == 302, response.context["errors"]
    assert _mistakes(question) == [
        (1, "Dropout stays on at inference", "It is switched off."),
        (2, "Scale trees", "Splits ignore monotone rescaling."),
        (3, "Impute with the test mean", "Fit the imputer on training data."),
    ]
    assert question.common_mistakes.get(order=1).pk == existing.pk


def test_new_key_point_rows_take_the_next_order_numbers(editor_client):
    question = make_question(key_points=[("Defines precision", "precision")])
    url = f"/admin/practice/question/{question.pk}/change/"
    page = editor_client.get(url).content.decode()
    assert '<textarea name="key_points-0-text"' in page
    assert '<input type="text" name="key_points-0-keywords"' in page

    data = _change_form(question, [])
    data |= {"key_points-TOTAL_FORMS": 3}
    for n, (text, keywords) in enumerate(
        [("Defines recall", "recall"), ("Names the F1 score", "f1")], start=1
    ):
        data |= {
            f"key_points-{n}-question": question.pk,
            f"key_points-{n}-order": "",
            f"key_points-{n}-text": text,
            f"key_points-{n}-keywords": keywords,
        }
    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert list(question.key_points.values_list("order", "text")) == [
        (1, "Defines precision"),
        (2, "Defines recall"),
        (3, "Names the F1 score"),
    ]


def test_inline_refuses_a_mistake_on_two_lines_and_keeps_the_text(editor_client):
    question = make_question()
    url = f"/admin/practice/question/{question.pk}/change/"

    response = editor_client.post(
        url, _change_form(question, [("", "", "First line\nsecond line", "Fix")])
    )

    assert response.status_code == 200
    assert "Write it on one line, without line breaks." in response.content.decode()
    assert "First line\nsecond line" in response.content.decode()
    assert not question.common_mistakes.exists()


def test_editors_may_edit_common_mistakes(db):
    editors = Group.objects.get(name="Editors")

    assert {
        p.codename for p in editors.permissions.filter(codename__endswith="commonmistake")
    } == {
        "add_commonmistake",
        "change_commonmistake",
        "delete_commonmistake",
        "view_commonmistake",
    }


def test_import_reads_common_mistakes_one_a_line(editor_client, catalogue):
    row = _row(
        1,
        common_mistakes="Accuracy suits imbalanced data => It hides the rare class.\n\n"
        "  PR-AUC equals ROC-AUC  =>  They weigh errors differently; a => b stays.  ",
    )

    _import(editor_client, _csv([row, _row(2, common_mistakes="")], columns=MISTAKE_COLUMNS))

    assert _mistakes(Question.objects.get(slug="imported-1")) == [
        (1, "Accuracy suits imbalanced data", "It hides the rare class."),
        (2, "PR-AUC equals ROC-AUC", "They weigh errors differently; a => b stays."),
    ]
    assert _mistakes(Question.objects.get(slug="imported-2")) == []


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("No separator here", "common mistake 1 must read “claim =&gt; correction”"),
        ("Fine => fine\n => no claim", "common mistake 2 must read “claim =&gt; correction”"),
        ("No correction =>", "common mistake 1 must read “claim =&gt; correction”"),
        (
            "x" * 301 + " => fine",
            "common mistake 1 has a claim of 301 characters; the limit is 300",
        ),
        (
            "fine => " + "y" * 601,
            "common mistake 1 has a correction of 601 characters; the limit is 600",
        ),
    ],
)
def test_a_bad_common_mistake_line_is_reported_and_nothing_is_imported(
    editor_client, catalogue, cell, message
):
    rows = [_row(1), _row(2, common_mistakes=cell)]

    response = _upload(editor_client, _csv(rows, columns=MISTAKE_COLUMNS))

    assert not _previewed(response)
    assert message in response.content.decode()
    assert _rows_with_errors(response) == ["row 3"]
    assert not Question.objects.filter(slug__startswith="imported-").exists()


def test_a_file_without_the_common_mistakes_column_imports_and_keeps_mistakes(
    editor_client, catalogue
):
    """Files exported before common mistakes existed still import, and leave them alone."""
    _import(
        editor_client,
        _csv([_row(1, common_mistakes="Old claim => Old fix")], columns=MISTAKE_COLUMNS),
    )

    _import(editor_client, _csv([_row(1, title="Renamed"), _row(2)], columns=COLUMNS))

    assert Question.objects.get(slug="imported-1").title == "Renamed"
    assert _mistakes(Question.objects.get(slug="imported-1")) == [(1, "Old claim", "Old fix")]
    assert _mistakes(Question.objects.get(slug="imported-2")) == []


def test_reimport_updates_common_mistakes_in_place_by_order(editor_client, catalogue):
    _import(
        editor_client,
        _csv([_row(1, common_mistakes="A => a\nB => b\nC => c")], columns=MISTAKE_COLUMNS),
    )
    question = Question.objects.get(slug="imported-1")
    before = {m.order: m.pk for m in question.common_mistakes.all()}

    _import(
        editor_client,
        _csv([_row(1, common_mistakes="A => a\nB => better b")], columns=MISTAKE_COLUMNS),
    )

    assert _mistakes(question) == [(1, "A", "a"), (2, "B", "better b")]
    assert {m.order: m.pk for m in question.common_mistakes.all()} == {
        1: before[1],
        2: before[2],
    }


def test_export_writes_common_mistakes_after_key_points(catalogue):
    make_question(slug="exported", mistakes=[("One", "1"), ("Two", "2")])

    dataset = QuestionResource().export()

    assert dataset.headers == [*MISTAKE_COLUMNS, "source_name", "source_url", "source_licence"]
    assert dataset.dict[0]["common_mistakes"] == "One => 1\nTwo => 2"


def test_ai_reviews_are_listed_read_only_for_the_site_admin(client, editor, alice):
    question = make_question(title="Rare events")
    make_history(user=alice, questions=[question])
    review = make_ai_review(Attempt.objects.get(user=alice), grade=3)
    client.force_login(editor)

    listing = client.get("/admin/practice/aireview/").content.decode()
    detail = client.get(f"/admin/practice/aireview/{review.pk}/change/").content.decode()

    for shown in ("alice", "Rare events", "AI review ready", "test-model"):
        assert shown in listing
    assert "/admin/practice/aireview/add/" not in listing
    assert client.get("/admin/practice/aireview/add/").status_code == 403
    assert 'name="_save"' not in detail
    assert "127.0.0.1:9" in detail
    assert "report recall" not in detail  # the verdict quotes the learner's answer


def test_editors_cannot_see_ai_reviews(editor_client, alice):
    make_history(user=alice, questions=[make_question()])
    make_ai_review(Attempt.objects.get(user=alice))

    assert editor_client.get("/admin/practice/aireview/").status_code == 403
