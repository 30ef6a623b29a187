"""The import pipeline, without HTTP: what a file's rows would do, and doing it all or nothing."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from practice.import_formats import ImportFile, ImportRow, read_upload
from practice.imports import (
    CHUNK_ROWS,
    ImportDefaults,
    ImportReport,
    import_apply,
    import_preview,
    key_points_match,
)
from practice.models import Attempt, CommonMistake, KeyPoint, Question, QuestionImage
from practice.question_columns import KeyPointLine, suggested_keywords
from practice.rendering import render_markdown
from practice.resources import QuestionResource
from tests.factories import (
    make_history,
    make_png,
    make_question,
    make_skill,
    make_topic,
    make_user,
)
from tests.practice.test_admin import COLUMNS, MISTAKE_COLUMNS, _csv, _row
from tests.practice.test_import_formats import _zip

pytestmark = pytest.mark.django_db

DEFAULTS = ImportDefaults()


def _file(rows, columns=COLUMNS) -> ImportFile:
    return read_upload("questions.csv", _csv(rows, columns=columns))


def _apply(rows, columns=COLUMNS, defaults=DEFAULTS, user=None):
    return import_apply(_file(rows, columns), defaults=defaults, user=user)


def _only_row(report: ImportReport):
    (row,) = report.rows
    return row


def _export_file() -> ImportFile:
    return read_upload("export.csv", QuestionResource().export().csv.encode())


def test_a_preview_says_what_each_row_would_do_and_writes_nothing(catalogue):
    make_question(slug="imported-1", title="Old title", topic=make_topic(slug="other"))

    report = import_preview(_file([_row(1), _row(2)]), defaults=DEFAULTS)

    assert [(row.place, row.slug, row.action) for row in report.rows] == [
        ("row 2", "imported-1", "change"),
        ("row 3 (line 4 in a text editor)", "imported-2", "new"),
    ]
    changes = {change.field: (change.before, change.after) for change in report.rows[0].changes}
    assert changes["title"] == ("Old title", "Imported question 1")
    assert changes["topic"] == ("other", "evaluation")
    assert changes["key_points"] == (
        "First point :: first, one\nSecond point :: second, two",
        "Defines it :: definition, define\nGives an example :: example, for instance",
    )
    new_fields = {change.field: change.after for change in report.rows[1].changes}
    assert new_fields["key_points"].startswith("Defines it :: definition, define")
    assert new_fields["skills"] == "model-evaluation, python"
    assert report.totals == {"new": 1, "changed": 1, "unchanged": 0, "errors": 0, "warnings": 0}
    assert report.summary == "To import: 1 new, 1 changed, 0 unchanged."
    assert not Question.objects.filter(slug="imported-2").exists()


def test_an_applied_file_creates_questions_with_key_points_skills_and_author(catalogue):
    user = make_user(username="curator")

    report = _apply([_row(n) for n in range(3)], user=user)

    assert report.applied and report.summary == "Imported: 3 new, 0 changed, 0 unchanged."
    question = Question.objects.get(slug="imported-1")
    assert question.author == user
    assert question.status == "draft"
    assert sorted(question.skills.values_list("slug", flat=True)) == ["model-evaluation", "python"]
    assert [(p.order, p.text, p.keywords) for p in question.key_points.all()] == [
        (1, "Defines it", "definition, define"),
        (2, "Gives an example", "example, for instance"),
    ]


def test_an_unknown_topic_is_named_with_its_line_the_valid_slugs_and_how_to_add_it(catalogue):
    make_topic(slug="deployment", name="Deployment")
    rows = [_row(n) for n in range(38)] + [_row(99, topic="nlp-basics")]

    report = import_preview(_file(rows), defaults=DEFAULTS)

    bad = report.rows[-1]
    assert bad.place.startswith("row 40 (line ")
    assert bad.action == "error"
    assert bad.errors == [
        "there is no topic “nlp-basics”; the topics are: deployment, evaluation. To add it, "
        "tick “Create missing topics” on the upload page."
    ]
    assert report.blocked
    assert report.summary.startswith("1 row has errors, so nothing will be imported")


def test_an_unknown_skill_lists_the_skills_there_are(catalogue):
    row = _only_row(import_preview(_file([_row(1, skills="python,juggling")]), defaults=DEFAULTS))

    assert row.errors == [
        "there is no skill “juggling”; the skills are: model-evaluation, python."
    ]


def test_several_unknown_skills_are_named_together(catalogue):
    file = _file([_row(1, skills="juggling,python,knitting")])

    row = _only_row(import_preview(file, defaults=DEFAULTS))

    assert row.errors == [
        "there are no skills “juggling” and “knitting”; the skills are: model-evaluation, python."
    ]


def test_topics_and_skills_are_also_found_by_name_ignoring_case(catalogue):
    make_skill(slug="mlops", name="MLOps and deployment")

    _apply([_row(1, topic="EVALUATION", skills="mlops and deployment, Python")])

    question = Question.objects.get(slug="imported-1")
    assert question.topic.slug == "evaluation"
    assert sorted(question.skills.values_list("slug", flat=True)) == ["mlops", "python"]


def test_a_key_point_without_keywords_gets_them_from_its_words_with_a_warning(catalogue):
    points = (
        "Defines precision as the share of flagged items that are right\nNames recall :: recall"
    )

    report = _apply([_row(1, key_points=points)])

    row = _only_row(report)
    assert row.warnings == [
        "key point 1 (“Defines precision as the share of flagged items that are right”) has "
        "no keywords: suggested “precision, share, flagged, items” from its words. Check them, "
        "or write the line as “text :: keyword, keyword”."
    ]
    assert report.totals["warnings"] == 1
    assert list(Question.objects.get().key_points.values_list("keywords", flat=True)) == [
        "precision, share, flagged, items",
        "recall",
    ]


def test_suggested_keywords_leave_out_stop_words_and_words_every_answer_uses():
    assert suggested_keywords("Uses a held-out validation set to tune the model") == [
        "held-out",
        "validation",
        "tune",
    ]
    assert suggested_keywords("Gives an example of it") == []


def test_a_key_point_whose_words_are_all_common_is_an_error_saying_how_to_write_it(catalogue):
    row = _only_row(
        import_preview(_file([_row(1, key_points="Gives an example")]), defaults=DEFAULTS)
    )

    assert "has no keywords, and its words are too common to suggest any" in row.errors[0]


def test_one_bad_row_stops_the_whole_file_and_nothing_is_written(catalogue):
    make_question(slug="imported-1", title="Untouched")

    report = _apply([_row(1), _row(2), _row(3, difficulty="trivial")])

    assert not report.applied
    assert report.rows[2].errors == [
        "the difficulty “trivial” is not a valid choice; choose one of: easy, medium, hard."
    ]
    assert Question.objects.get(slug="imported-1").title == "Untouched"
    assert not Question.objects.filter(slug="imported-2").exists()


def test_rows_sharing_a_slug_each_name_all_their_lines(catalogue):
    report = import_preview(
        _file([_row(1), _row(2), _row(3, slug="Imported-1")]), defaults=DEFAULTS
    )

    message = (
        "Rows 2 and 4 have the same slug “{}” (slugs are compared ignoring case). "
        "Each question needs its own slug."
    )
    assert report.rows[0].errors == [message.format("imported-1")]
    assert report.rows[2].errors == [message.format("Imported-1")]
    assert report.rows[1].action == "new"


def test_defaults_fill_what_a_file_leaves_out_for_new_questions_only(catalogue):
    make_topic(slug="deployment", name="Deployment")
    kept = make_question(
        slug="imported-1", difficulty="hard", status="published", topic=make_topic(slug="kept")
    )
    kept.skills.set([make_skill(slug="statistics")])
    columns = ["slug", "title", "prompt", "model_answer", "key_points"]
    defaults = ImportDefaults(
        topic="deployment",
        skills=("python",),
        difficulty="easy",
        kind="coding",
        status="draft",
        suggested_minutes=9,
    )

    report = _apply([_row(1), _row(2)], columns=columns, defaults=defaults)

    assert report.applied
    new = Question.objects.get(slug="imported-2")
    assert (new.topic.slug, new.difficulty, new.kind, new.status, new.suggested_minutes) == (
        "deployment",
        "easy",
        "coding",
        "draft",
        9,
    )
    assert list(new.skills.values_list("slug", flat=True)) == ["python"]
    assert new.source_name == "Unknown source"
    kept.refresh_from_db()
    assert (kept.difficulty, kept.status, kept.topic.slug) == ("hard", "published", "kept")
    assert list(kept.skills.values_list("slug", flat=True)) == ["statistics"]


def test_a_new_question_without_defaults_or_cells_says_what_is_missing(catalogue):
    columns = ["slug", "title", "prompt", "model_answer", "key_points"]

    row = _only_row(import_preview(_file([_row(1)], columns=columns), defaults=ImportDefaults()))

    assert row.errors == [
        "the topic is missing: name one in the file's topic column, or choose a default "
        "topic on the upload page.",
        "the difficulty is missing: give it in the file (easy, medium, hard), or choose a "
        "default on the upload page.",
        "the kind is missing: give it in the file (conceptual, coding, system_design, "
        "behavioural), or choose a default on the upload page.",
        "a question needs at least one skill: list skill slugs in the skills column, or choose "
        "default skills on the upload page.",
    ]


def test_a_file_without_the_columns_a_question_needs_is_refused_as_a_whole(catalogue):
    # A CSV reader refuses such a header itself; a JSON file's keys reach the pipeline.
    file = ImportFile(
        format_name="JSON",
        place_word="item",
        columns=["slug", "colour"],
        rows=[ImportRow(place=1, cells={"slug": "x", "colour": "red"})],
    )
    report = import_preview(file, defaults=DEFAULTS)

    assert report.rows == []
    assert report.file_errors[0].startswith(
        "The file's columns do not fit (missing columns: title, prompt, model_answer, "
        "key_points; unknown columns: colour)."
    )


def test_reimporting_the_export_changes_nothing_and_writes_nothing(catalogue):
    for n in range(5):
        make_question(key_points=[(f"P{n}", "alpha,beta")], mistakes=[("Claim", "Fix")])
    stamps = dict(Question.objects.values_list("slug", "updated"))
    points = list(KeyPoint.objects.values_list("pk", "order", "text", "keywords"))

    report = import_apply(_export_file(), defaults=DEFAULTS, user=None)

    assert report.summary == "No changes: the 5 questions are as the file says."
    assert {row.action for row in report.rows} == {"no change"}
    assert dict(Question.objects.values_list("slug", "updated")) == stamps
    assert list(KeyPoint.objects.values_list("pk", "order", "text", "keywords")) == points


def _attempt_ticking(question, points):
    make_history(user=make_user(), questions=[question])
    attempt = Attempt.objects.get(question=question)
    attempt.ticked_key_points = [point.pk for point in points]
    attempt.save()
    return attempt


def _ticked(attempt) -> list[tuple[str, str]]:
    attempt.refresh_from_db()
    points = KeyPoint.objects.in_bulk(attempt.ticked_key_points)
    return [(points[pk].text, points[pk].keywords) for pk in attempt.ticked_key_points]


@pytest.mark.parametrize(
    ("lines", "ticked_after"),
    [
        (
            ["Alpha :: a, aa", "Beta :: b, bb", "Gamma :: c"],
            [("Alpha", "a, aa"), ("Beta", "b, bb"), ("Gamma", "c")],
        ),
        (
            ["Gamma :: c", "Alpha :: a", "Beta :: b"],
            [("Alpha", "a"), ("Beta", "b"), ("Gamma", "c")],
        ),
        (
            ["Alpha :: a", "Beta, said better :: b", "Gamma :: c"],
            [("Alpha", "a"), ("Beta, said better", "b"), ("Gamma", "c")],
        ),
    ],
    ids=["changed keywords", "reordered", "one reworded"],
)
def test_attempts_keep_their_ticked_key_points_through_a_reimport(catalogue, lines, ticked_after):
    question = make_question(
        slug="imported-1", key_points=[("Alpha", "a"), ("Beta", "b"), ("Gamma", "c")]
    )
    attempt = _attempt_ticking(question, question.key_points.all())

    report = _apply([_row(1, key_points="\n".join(lines))])

    assert report.applied
    assert _ticked(attempt) == ticked_after
    assert [line.split(" :: ")[0] for line in lines] == list(
        question.key_points.values_list("text", flat=True)
    )


def test_a_point_the_file_drops_is_deleted_and_the_others_keep_their_ids(catalogue):
    question = make_question(
        slug="imported-1", key_points=[("Alpha", "a"), ("Beta", "b"), ("Gamma", "c")]
    )
    ids = dict(question.key_points.values_list("text", "pk"))

    _apply([_row(1, key_points="Gamma :: c\nAlpha :: a")])

    assert list(question.key_points.values_list("order", "text", "pk")) == [
        (1, "Gamma", ids["Gamma"]),
        (2, "Alpha", ids["Alpha"]),
    ]


def test_key_points_match_by_identical_text_then_by_position_among_the_rest():
    stored = [KeyPoint(pk=n, text=text) for n, text in enumerate(["A", "B", "C", "D"], start=1)]
    lines = [KeyPointLine(text, "k") for text in ["C", "B2", "A", "E", "F"]]

    matched = key_points_match(stored, lines)

    assert [point and point.pk for point in matched] == [3, 2, 1, 4, None]


def test_common_mistakes_are_updated_in_place_by_order(catalogue):
    question = make_question(slug="imported-1", mistakes=[("A", "a"), ("B", "b"), ("C", "c")])
    before = dict(question.common_mistakes.values_list("order", "pk"))

    _apply([_row(1, common_mistakes="A => a\nB => better b")], columns=MISTAKE_COLUMNS)

    assert list(question.common_mistakes.values_list("order", "claim", "correction", "pk")) == [
        (1, "A", "a", before[1]),
        (2, "B", "better b", before[2]),
    ]


def test_the_report_survives_being_stored_as_json(catalogue):
    report = import_preview(_file([_row(1), _row(2, topic="nope")]), defaults=DEFAULTS)

    stored = json.loads(json.dumps(report.as_json()))

    assert stored["totals"]["errors"] == 1
    assert ImportReport.from_json(stored) == report


def test_progress_is_reported_a_chunk_at_a_time(catalogue):
    seen = []

    import_preview(
        _file([_row(n) for n in range(CHUNK_ROWS + 3)]),
        defaults=DEFAULTS,
        progress=lambda done, total: seen.append((done, total)),
    )

    assert seen == [(CHUNK_ROWS, CHUNK_ROWS + 3), (CHUNK_ROWS + 3, CHUNK_ROWS + 3)]


def _queries(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


@pytest.mark.parametrize("step", ["preview", "apply new", "apply changes"])
def test_the_number_of_queries_does_not_grow_with_the_rows_of_a_chunk(catalogue, step):
    """40 rows: fewer than a chunk, and few enough that SQLite takes each bulk write in one
    statement (it splits statements past 999 parameters)."""

    def run(count: int):
        rows = [_row(n, key_points=f"Point {n} :: p{n}\nOther :: o") for n in range(count)]
        if step == "apply changes":
            _apply(rows, columns=MISTAKE_COLUMNS)
            rows = [
                {**row, "title": row["title"] + "!", "key_points": "Other :: o2"} for row in rows
            ]
            rows = [{**row, "common_mistakes": "X => y"} for row in rows]
        file = _file(rows, columns=MISTAKE_COLUMNS)
        if step == "preview":
            return lambda: import_preview(file, defaults=DEFAULTS)
        return lambda: import_apply(file, defaults=DEFAULTS, user=None)

    few = _queries(run(3))
    Question.objects.all().delete()
    many = _queries(run(40))

    assert many == few
    assert few <= 25


def test_an_export_imported_into_an_empty_bank_gives_the_same_bank(catalogue):
    topic = make_topic(slug="stats")
    for n in range(5):
        make_question(
            topic=topic,
            source_name="MLCareer" if n % 2 else f"Book {n}",
            source_url="" if n % 2 else f"https://example.org/book-{n}",
            source_licence="" if n % 2 else "CC BY 4.0",
            key_points=[(f"P{n}a", "alpha, beta"), (f"P{n}b", "gamma")],
            mistakes=[
                (f"Claim {m} of {n}", f"Correction {m}, with a => inside") for m in range(n)
            ],
        )

    def snapshot():
        return sorted(
            (
                q.slug, q.title, q.prompt, q.model_answer, q.topic.slug, q.difficulty, q.kind,
                q.status, q.suggested_minutes, q.source_name, q.source_url, q.source_licence,
                tuple(sorted(s.slug for s in q.skills.all())),
                tuple((p.order, p.text, p.keywords) for p in q.key_points.all()),
                tuple((m.order, m.claim, m.correction) for m in q.common_mistakes.all()),
            )
            for q in Question.objects.select_related("topic").prefetch_related(
                "skills", "key_points", "common_mistakes"
            )
        )  # fmt: skip

    before = snapshot()
    for export_format in ("csv", "json"):
        exported = getattr(QuestionResource().export(), export_format)
        Question.objects.all().delete()
        assert KeyPoint.objects.count() == CommonMistake.objects.count() == 0

        file = read_upload(f"questions.{export_format}", exported.encode())
        report = import_apply(file, defaults=DEFAULTS, user=None)

        assert report.applied, report.as_json()
        assert snapshot() == before


def test_a_row_with_a_nul_character_names_the_column(catalogue):
    file = ImportFile(
        format_name="CSV",
        place_word="line",
        columns=COLUMNS,
        rows=[ImportRow(place=2, cells=_row(1, prompt="Bad\x00prompt"))],
    )

    row = _only_row(import_preview(file, defaults=DEFAULTS))

    assert row.errors == ["prompt contains a NUL character, which text cannot hold; remove it."]


def test_a_question_changed_while_the_file_was_checked_stops_the_import(catalogue):
    question = make_question(slug="imported-1", title="Before")

    def someone_edits(done, total):
        question.title = "Edited meanwhile"
        question.save()

    report = import_apply(
        _file([_row(1), _row(2)]), defaults=DEFAULTS, user=None, progress=someone_edits
    )

    assert not report.applied
    assert report.file_errors == [
        "While the file was checked, “imported-1” changed in the bank. Nothing was imported: "
        "upload the file again to see what it would do now."
    ]
    assert Question.objects.get(pk=question.pk).title == "Edited meanwhile"
    assert not Question.objects.filter(slug="imported-2").exists()


def test_the_whole_shipped_bank_exported_and_imported_again_is_no_change():
    from mlcareer.content import content_load
    from practice.import_formats import QUESTION_FORMATS

    content_load()
    count = Question.objects.count()
    points = list(KeyPoint.objects.values_list("pk", "order", "text", "keywords"))

    for export_format in QUESTION_FORMATS:
        exported = export_format().export_data(QuestionResource().export())
        name = f"questions.{export_format().get_extension()}"
        report = import_apply(read_upload(name, exported.encode()), defaults=DEFAULTS, user=None)

        assert [row for row in report.rows if row.action != "no change"] == []
        assert report.summary == f"No changes: the {count} questions are as the file says."
    assert list(KeyPoint.objects.values_list("pk", "order", "text", "keywords")) == points


ARCHIVE_DEFAULTS = ImportDefaults(
    skills=("python",), difficulty="medium", kind="conceptual", create_topics=True
)
ARCHIVE_MARKDOWN = """## Deep learning

### What does a convolution layer learn?

Local filters shared across the image:

![A 3×3 filter sliding over an image](img/diagram.png)

- Edges in early layers
- Shapes in later layers
"""


def test_an_archive_s_images_are_shown_by_the_questions_that_name_them_once_imported(catalogue):
    data = _zip(
        {"bank/questions.md": ARCHIVE_MARKDOWN.encode(), "bank/img/diagram.png": make_png()}
    )
    file = read_upload("bank.zip", data)

    preview = import_preview(file, defaults=ARCHIVE_DEFAULTS)
    assert not QuestionImage.objects.exists()
    (row,) = preview.rows
    assert (row.action, row.errors) == ("new", [])
    assert row.warnings[0] == "the topic “Deep learning” is new: it will be created."

    report = import_apply(file, defaults=ARCHIVE_DEFAULTS, user=None)

    assert report.applied
    question = Question.objects.get(title="What does a convolution layer learn?")
    image = QuestionImage.objects.get(original_name="diagram.png")
    assert f"]({image.url})" in question.model_answer
    assert f'src="{image.url}"' in render_markdown(question.model_answer)
    assert QuestionImage.objects.count() == 1
    assert question.topic.name == "Deep learning"


def test_a_row_whose_images_are_on_other_sites_says_so_in_the_row(catalogue):
    row = _row(1, model_answer="A curve: ![ROC](https://example.com/roc.png) and that is all.")

    (report,) = import_preview(_file([row]), defaults=DEFAULTS).rows

    assert report.action == "new"
    assert report.warnings == [
        "model_answer: 1 image links to other sites; upload it with the question or put it in "
        "the import archive."
    ]


def test_an_image_the_archive_lacks_is_named_in_the_row(catalogue):
    row = _row(1, model_answer="See ![plot](figures/missing.png).")
    file = _file([row])
    file.images = {"figures/other.png": make_png()}

    (report,) = import_preview(file, defaults=DEFAULTS).rows

    assert any("figures/missing.png" in warning for warning in report.warnings), report.warnings
