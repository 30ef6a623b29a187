"""Reading import files of every format into rows placed where the file's own editor shows
them, with messages in the format's own terms. The files under import_files/ are written by the
real programs of each format (make_files.py makes them again)."""

import contextlib
import csv
import io
import json
import os
import random
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest

from practice.import_formats import (
    ImportFileError,
    SpreadsheetSafeCSV,
    import_template,
    read_upload,
)
from practice.import_formats.archive import UnpackBudget
from practice.import_formats.templates import (
    EXAMPLE_QUESTIONS,
    TOPIC_NAMES,
    questions_with_image,
    write_apkg,
)
from tests.factories import make_skill, make_topic
from tests.practice.import_files.make_files import png
from tests.practice.test_admin import _previewed, _upload

FILES = Path(__file__).parent / "import_files"
HEADER = (
    "slug,title,topic,difficulty,kind,status,suggested_minutes,skills,prompt,model_answer,"
    "key_points"
)


def _read(name: str):
    return read_upload(name, (FILES / name).read_bytes())


def _refusal(name: str, data: bytes) -> str:
    with pytest.raises(ImportFileError) as error:
        read_upload(name, data)
    return str(error.value)


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


# CSV


def test_an_excel_csv_with_bom_semicolons_and_crlf_names_each_row_as_both_editors_show_it():
    imported = _read("excel_semicolon.csv")
    assert (imported.format_name, imported.place_word) == ("CSV", "row")
    # The first row's cells hold four line breaks, so the second row starts on line 7.
    assert [(row.place, row.text_line) for row in imported.rows] == [(2, None), (3, 7), (4, 9)]
    assert imported.where(imported.rows[0]) == "row 2"
    assert imported.where(imported.rows[1]) == "row 3 (line 7 in a text editor)"
    assert imported.columns[:3] == ["slug", "title", "topic"]
    first = imported.rows[0].cells
    assert first["slug"] == "bias-variance"
    assert first["model_answer"].endswith(
        "\n\n- Simple models: high bias\n- Flexible models: high variance"
    )
    assert first["key_points"].count("\n") == 1
    assert imported.rows[1].cells["title"] == "Why scale features; a question with a semicolon?"
    assert imported.rows[2].cells["title"] == "Naïve Bayes for café reviews"


def test_the_apostrophe_a_spreadsheet_safe_export_adds_is_taken_off_again():
    imported = _read("excel_semicolon.csv")
    assert imported.rows[1].cells["model_answer"].startswith("- Distance-based models")


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_the_separator_is_found_from_the_header_line(separator):
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=separator)
    writer.writerows([HEADER.split(","), ["q", "Q, one; two"] + ["x"] * 9])
    imported = read_upload("q.csv", out.getvalue().encode())
    assert imported.rows[0].cells["title"] == "Q, one; two"


def test_a_separator_line_as_excel_reads_it_is_followed():
    data = ("sep=;\n" + HEADER.replace(",", ";") + "\nq;" + ";".join(["x"] * 10)).encode()
    imported = read_upload("q.csv", data)
    # Excel hides the separator line: the question is in its row 2, on the file's line 3.
    assert (imported.rows[0].place, imported.rows[0].text_line) == (2, 3)
    assert imported.rows[0].cells["slug"] == "q"


def test_a_line_break_inside_a_cell_reads_as_one_newline_whatever_the_file_ends_lines_with():
    data = (HEADER + '\r\nq,T,t,easy,conceptual,draft,5,s,P,"one\r\ntwo",k :: w\r\n').encode()
    imported = read_upload("q.csv", data)
    assert imported.rows[0].cells["model_answer"] == "one\ntwo"


def test_a_csv_that_is_not_utf8_is_refused_with_the_line_and_excels_csv_utf8_choice():
    data = (HEADER + "\nq,Caf\xe9,t,easy,conceptual,draft,5,s,P,A,k :: w\n").encode("cp1252")
    message = _refusal("q.csv", data)
    assert "not UTF-8" in message
    assert "line 2" in message
    assert "CSV UTF-8" in message


def test_excels_unicode_text_in_utf16_is_read():
    data = "\ufeff" + HEADER.replace(",", "\t") + "\nq\tCafé" + "\tx" * 9
    imported = read_upload("q.csv", data.encode("utf-16-le"))
    assert imported.rows[0].cells["title"] == "Café"


def test_a_header_without_the_question_columns_names_the_separator_and_the_expected_columns():
    message = _refusal("q.csv", b"name|answer\nx|y\n")
    assert "comma" in message
    assert "“name|answer”" in message
    assert "Expected: title, prompt, model_answer, key_points" in message
    assert "optional: slug, topic, difficulty" in message
    assert "header row" not in message


def test_a_header_lacking_some_columns_names_those_it_lacks():
    message = _refusal("q.csv", b"slug;title;topic\nq;T;t\n")
    assert "semicolon" in message
    assert "lacks the column(s) prompt, model_answer, key_points" in message


def test_a_row_with_more_cells_than_the_header_names_its_line():
    data = (HEADER + "\nq" + ",x" * 10 + "\nr" + ",x" * 12 + "\n").encode()
    message = _refusal("q.csv", data)
    assert message.startswith("Line 3 has 13 cells")


def test_twenty_thousand_csv_rows_are_read_and_one_more_is_refused_with_the_figures():
    row = "q{},Title,t,easy,conceptual,draft,5,s,Prompt,Answer,k :: w\n"
    data = HEADER + "\n" + "".join(row.format(n) for n in range(20_000))
    imported = read_upload("q.csv", data.encode())
    assert len(imported.rows) == 20_000
    assert imported.rows[-1].place == 20_001
    message = _refusal("q.csv", (data + row.format("x")).encode())
    assert "more than 20,000 rows" in message


def test_an_upload_over_twenty_megabytes_is_refused_with_its_size():
    message = _refusal("q.csv", b"x" * (20 * 1024 * 1024 + 1))
    assert "20.0 MB" in message and "at most 20 MB" in message


def test_the_admins_csv_format_still_reads_back_what_it_exports():
    dataset = SpreadsheetSafeCSV().create_dataset("slug,model_answer\nq,'- item\n")
    assert dataset["model_answer"] == ["- item"]


def test_the_admins_csv_format_reads_an_excel_csv_with_semicolons():
    text = (FILES / "excel_semicolon.csv").read_bytes().decode("utf-8-sig")
    dataset = SpreadsheetSafeCSV().create_dataset(text)
    assert dataset.headers[:2] == ["slug", "title"]
    assert dataset["slug"] == ["bias-variance", "feature-scaling", "naive-bayes-cafe"]


# XLSX


def test_a_workbook_reads_the_questions_sheet_with_its_row_numbers():
    imported = _read("questions.xlsx")
    assert (imported.format_name, imported.place_word) == ("XLSX", "row")
    assert [row.place for row in imported.rows] == [2, 3, 4]
    assert imported.where(imported.rows[0]) == "row 2"
    cells = imported.rows[1].cells
    assert cells["suggested_minutes"] == "7"
    assert cells["model_answer"] == "- Distance-based models (k-NN, SVM) need it\n- Trees do not"
    assert imported.rows[2].cells["title"] == "Naïve Bayes for café reviews"


def _workbook(rows, title="Sheet") -> bytes:
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_workbook_without_a_questions_sheet_is_read_from_its_first_sheet():
    header = HEADER.split(",")
    imported = read_upload("q.xlsx", _workbook([header, ["q", "T", *["x"] * 4, 12.0]]))
    assert imported.rows[0].cells["suggested_minutes"] == "12"


def test_a_value_in_a_column_the_header_does_not_name_is_refused_with_its_row_and_column():
    header = HEADER.split(",")
    message = _refusal("q.xlsx", _workbook([header, ["q"] * 11 + ["stray"]], title="Bank"))
    assert message.startswith("Row 2 of the sheet “Bank” has a value in column L")


def test_a_file_that_is_not_a_workbook_says_so():
    assert "not an Excel workbook (.xlsx)" in _refusal("q.xlsx", b"slug,title\n")
    old = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    assert "Excel 97–2003 workbook (.xls)" in _refusal("q.xlsx", old)


def test_a_workbook_without_the_columns_names_its_sheet_and_row_1():
    message = _refusal("q.xlsx", _workbook([["name", "answer"]], title="Bank"))
    assert message.startswith("Row 1 of the sheet “Bank” does not name the question columns")


# JSON


def test_json_items_are_numbered_from_one_and_lists_become_cells():
    data = json.dumps(
        {
            "questions": [
                {"slug": "a", "suggested_minutes": 5.0, "skills": ["python", "mlops"]},
                {
                    "slug": "b",
                    "key_points": [
                        {"text": "Ranks", "keywords": ["ranking", "order"]},
                        "Threshold free :: threshold",
                        {"text": "Plain"},
                    ],
                    "common_mistakes": [
                        {"claim": "AUC is accuracy", "correction": "It ranks."},
                        "Bigger is worse => No.",
                    ],
                },
            ]
        }
    ).encode()
    imported = read_upload("q.json", data)
    assert (imported.format_name, imported.place_word) == ("JSON", "item")
    assert [row.place for row in imported.rows] == [1, 2]
    first, second = (row.cells for row in imported.rows)
    assert first == {"slug": "a", "suggested_minutes": "5", "skills": "python, mlops"}
    assert second["key_points"] == "Ranks :: ranking, order\nThreshold free :: threshold\nPlain"
    assert second["common_mistakes"] == "AUC is accuracy => It ranks.\nBigger is worse => No."
    assert imported.columns == ["slug", "suggested_minutes", "skills", "key_points",
                                "common_mistakes"]  # fmt: skip


def test_a_plain_json_list_is_read_too():
    imported = read_upload("q.json", b'[{"slug": "a", "title": "T"}]')
    assert imported.rows[0].cells == {"slug": "a", "title": "T"}


def test_a_json_syntax_error_names_its_line_and_column_in_jsons_own_words():
    message = _refusal("q.json", b'[\n  {"slug": "a"}\n  {"slug": "b"}\n]')
    assert "line 3, column 3" in message
    assert "header row" not in message and "column name" not in message


def test_a_json_item_that_is_not_an_object_is_named():
    message = _refusal("q.json", b'[{"slug": "a"}, "b"]')
    assert message.startswith("Item 2 of the list is a text, not an object")


def test_a_json_object_without_a_questions_list_names_its_keys():
    message = _refusal("q.json", b'{"items": []}')
    assert "the keys “items”" in message and "“questions”" in message


def test_a_json_value_of_the_wrong_kind_names_its_item_and_key():
    assert "Item 1: the key “title” holds an object" in _refusal("q.json", b'[{"title": {}}]')
    message = _refusal("q.json", b'[{"key_points": [3]}]')
    assert "Item 1: entry 1 of “key_points” is a number" in message


# Markdown


def test_a_markdown_file_in_the_public_repository_layout_gives_one_row_a_question():
    imported = _read("interview_questions.md")
    assert (imported.format_name, imported.place_word) == ("Markdown", "line")
    assert [row.place for row in imported.rows] == [8, 14, 40, 57]
    titles = [row.cells["title"] for row in imported.rows]
    assert titles == [
        "What is supervised machine learning?",
        "What is regularisation, and which kinds do you know?",
        "How does ROC AUC differ from accuracy?",
        "What is the trade-off between precision and recall?",
    ]
    assert [row.cells["topic"] for row in imported.rows] == [
        "Supervised machine learning",
        "Supervised machine learning",
        "Model evaluation",
        "Model evaluation",
    ]
    difficulties = [row.cells["difficulty"] for row in imported.rows]
    assert difficulties == ["easy", "medium", "medium", "hard"]
    assert imported.rows[0].cells["slug"] == "what-is-supervised-machine-learning"
    assert imported.rows[0].cells["model_answer"] == (
        "Learning a mapping from inputs to known labels, from examples that have both."
    )


def test_a_markdown_answer_keeps_its_lists_tables_code_and_math_as_written():
    answer = _read("interview_questions.md").rows[1].cells["model_answer"]
    source = (FILES / "interview_questions.md").read_text()
    assert answer in source
    assert answer.startswith("Regularisation adds a penalty")
    assert "$L(w) + \\lambda \\lVert w \\rVert^2$" in answer
    assert "  - it keeps every feature" in answer
    assert "| L1      | sparse            |" in answer
    assert answer.endswith("model = Ridge(alpha=1.0)  # alpha is λ\n```")
    assert "<br/>" not in answer


def test_without_a_key_points_heading_the_answers_top_level_list_items_are_the_key_points():
    cells = _read("interview_questions.md").rows[1].cells
    assert cells["key_points"].splitlines() == [
        "L2 (ridge) shrinks weights towards zero",
        "L1 (lasso) sets some weights to zero",
        "Dropout switches off random units while training",
    ]


def test_a_markdown_questions_settings_key_points_and_mistakes_fill_their_columns():
    imported = _read("interview_questions.md")
    cells = imported.rows[2].cells
    assert {key: cells[key] for key in ("slug", "kind", "status", "suggested_minutes")} == {
        "slug": "roc-auc-vs-accuracy",
        "kind": "conceptual",
        "status": "draft",
        "suggested_minutes": "6",
    }
    assert cells["skills"] == "model-evaluation, statistics-probability"
    assert cells["model_answer"].endswith("over every threshold.\n\n![ROC curve](images/roc.png)")
    assert cells["key_points"] == (
        "AUC measures ranking across all thresholds :: ranking, threshold, all thresholds\n"
        "Accuracy depends on one threshold and on class balance :: threshold, class balance"
    )
    assert cells["common_mistakes"].startswith("An AUC of 0.8 means 80% accuracy => AUC is")
    assert "common_mistakes" in imported.columns
    # Only the question that gives common mistakes has the cell: the others keep theirs.
    assert "common_mistakes" not in imported.rows[0].cells


def test_questions_with_the_same_title_get_numbered_slugs():
    text = "### What is AUC?\n\nA.\n\n### What is AUC?\n\nB.\n\n### What is AUC?\n\nC.\n"
    slugs = [row.cells["slug"] for row in read_upload("q.md", text.encode()).rows]
    assert slugs == ["what-is-auc", "what-is-auc-2", "what-is-auc-3"]


def test_a_long_question_is_cut_to_the_title_length_at_a_word():
    question = "Why " + "does the model overfit " * 20 + "?"
    row = read_upload("q.md", f"### {question}\n\nBecause.\n".encode()).rows[0]
    assert len(row.cells["title"]) <= 200
    title = row.cells["title"]
    assert title.endswith("…") and question.startswith(title[:-1] + " ")
    assert row.cells["prompt"] == question.strip()


def test_headings_inside_code_are_not_topics_and_a_plain_comment_stays_in_the_answer():
    text = "## Coding\n\n### Q?\n<!-- to check later -->\n\n```\n## not a topic\n```\n"
    row = read_upload("q.md", text.encode()).rows[0]
    assert row.cells["topic"] == "Coding"
    assert row.cells["model_answer"] == "<!-- to check later -->\n\n```\n## not a topic\n```"


def test_an_unknown_setting_names_its_line_and_the_known_settings():
    text = "### Q?\n<!-- slug: q; dificulty: hard -->\n\nA.\n"
    message = _refusal("q.md", text.encode())
    assert message.startswith("Line 2: the comment after the question on line 1 holds")
    assert "“dificulty: hard”" in message and "difficulty" in message


def test_a_markdown_file_without_questions_says_how_to_write_one():
    message = _refusal("q.md", b"# Notes\n\nSome text.\n")
    assert "holds no question" in message and "###" in message


def test_an_answer_without_a_list_gives_its_sentences_as_key_points():
    # As most answers of the public data-science-interviews set are written.
    text = (
        "**What is overfitting? 👶**\n\nWhen your model performs well on the training set "
        "but cannot generalise. It adjusted too much to the training data.\n\n"
        "With a simple equation:\n\n```\ny = B0 + B1*x1\n```\n\n<br/>\n"
    )
    cells = read_upload("theory.md", text.encode()).rows[0].cells
    assert cells["key_points"].splitlines() == [
        "When your model performs well on the training set but cannot generalise.",
        "It adjusted too much to the training data.",
        "With a simple equation",
    ]


def test_an_image_or_a_formula_standing_alone_is_no_sentence_to_make_a_key_point_of():
    text = (
        "**What's the normal distribution? 👶**\n\nA continuous distribution:\n\n"
        "![formula](img/normal.png)\n\n$f(x) = \\frac{1}{\\sigma\\sqrt{2\\pi}}$\n\n"
        "where μ is the mean ![](img/mu.png) and σ the deviation. You get this solution: "
        "![](img/beta.png).\n"
    )
    cells = read_upload("theory.md", text.encode()).rows[0].cells
    assert cells["key_points"].splitlines() == [
        "A continuous distribution",
        "where μ is the mean and σ the deviation.",
        "You get this solution.",
    ]


def test_a_list_item_with_no_word_to_match_an_answer_by_is_not_made_a_key_point():
    text = (
        "**What are precision and recall? 👶**\n\n* P = TP / (TP + FP)\n"
        "* Precision counts false alarms\n* good explainability\n"
    )
    cells = read_upload("theory.md", text.encode()).rows[0].cells
    assert cells["key_points"] == "Precision counts false alarms"


def test_questions_not_answered_yet_are_left_out_with_a_note_naming_their_lines():
    text = (
        "## Neural networks\n\n**How to set the learning rate? ⭐️**\n\nAnswer here\n\n<br/>\n\n"
        "**What is Adam? ⭐️**\n\nAn optimiser with momentum.\n\n<br/>\n\n"
        "**What is model checkpointing? ⭐️**\n\n<br/>\n"
    )
    imported = read_upload("theory.md", text.encode())
    assert [row.cells["title"] for row in imported.rows] == ["What is Adam?"]
    assert imported.notes == [
        "2 questions have no answer yet (empty, or “Answer here”), so they were left out: "
        "lines 3, 15. Write their answers to import them."
    ]


def test_a_file_of_unanswered_questions_says_so():
    message = _refusal("theory.md", b"**What is a time series?**\n\nAnswer here\n")
    assert "None of the 1 questions" in message and "Write each answer" in message


def test_a_letter_typed_after_the_difficulty_mark_stays_out_of_the_title():
    # "⭐️I" in the public set: the mark, then a stray letter.
    text = "**What is the area under the PR curve? Is it a useful metric? ⭐️I**\n\nA score.\n"
    cells = read_upload("theory.md", text.encode()).rows[0].cells
    assert cells["title"] == "What is the area under the PR curve? Is it a useful metric?"
    assert cells["prompt"] == cells["title"]
    assert cells["difficulty"] == "medium"


# Anki text export


def test_an_anki_text_export_gives_one_row_a_note_at_the_line_it_starts_on():
    imported = _read("anki_notes.txt")
    assert (imported.format_name, imported.place_word) == ("Anki text export", "line")
    # Six header lines; the second note's code block spans two lines.
    assert [row.place for row in imported.rows] == [7, 8, 10]
    first, second, third = (row.cells for row in imported.rows)
    assert first["prompt"] == "What does **precision** measure?"
    assert first["title"] == "What does precision measure?"
    assert first["topic"] == "Model evaluation"
    assert (first["difficulty"], first["skills"]) == ("medium", "model-evaluation")
    assert first["key_points"] == "precision = TP / (TP + FP)\nhigh when false alarms are rare"
    assert first["model_answer"].endswith("![](confusion-matrix.png)")
    assert (second["difficulty"], second["kind"]) == ("easy", "coding")
    assert "```python\nrecall = tp / (tp + fn)\nprint(recall)\n```" in second["model_answer"]
    assert "[sound:" not in second["model_answer"]
    assert third["title"] == "Which activation avoids vanishing gradients & why?"
    assert "$x > 0$" in third["model_answer"]
    assert "| sigmoid | at most 0.25 |" in third["model_answer"]


def test_an_anki_sound_is_left_out_with_a_note_naming_its_line():
    assert _read("anki_notes.txt").notes == [
        "Line 8: the sound “recall.mp3” was left out; a question holds no sound."
    ]


def test_an_anki_note_keeps_its_slug_when_its_text_changes():
    before = _read("anki_notes.txt").rows[0].cells["slug"]
    text = (FILES / "anki_notes.txt").read_text().replace("precision</b>", "precision</b> (PPV)")
    after = read_upload("notes.txt", text.encode()).rows[0].cells["slug"]
    assert before == after and before.startswith("anki-")


def test_an_older_anki_export_without_header_lines_is_read_as_tab_separated_fields():
    data = b"What is <b>bias</b>?\tError from wrong assumptions.<br>See notes.\n"
    data += b'"Quote ""this"""\tAnswer\n'
    imported = read_upload("old.txt", data)
    assert [row.place for row in imported.rows] == [1, 2]
    assert imported.rows[0].cells["model_answer"] == (
        "Error from wrong assumptions.\n\nSee notes."
    )
    assert imported.rows[0].cells["slug"] == "what-is-bias"
    assert imported.rows[1].cells["prompt"] == 'Quote "this"'


def test_an_anki_file_with_a_bad_header_line_names_it():
    message = _refusal("n.txt", b"#separator:tab\n#deck column:first\nA\tB\n")
    assert message.startswith("Line 2: “#deck column:first” must name a column by its number")


def test_an_anki_file_of_single_fields_asks_for_front_and_back():
    message = _refusal("n.txt", b"only a front\n")
    assert "Line 1 holds one field" in message and "front and a back" in message


# Anki package


def test_an_anki_package_gives_one_row_a_note_with_its_images():
    imported = _read("deck.apkg")
    assert (imported.format_name, imported.place_word) == ("Anki package", "note")
    assert [row.place for row in imported.rows] == [1, 2, 3]
    assert imported.where(imported.rows[2]) == "note 3"
    assert [row.cells["topic"] for row in imported.rows] == [
        "Model evaluation",
        "Model evaluation",
        "Deep learning",
    ]
    assert list(imported.images) == ["confusion-matrix.png"]
    assert imported.images["confusion-matrix.png"].startswith(b"\x89PNG")
    assert imported.rows[0].cells["model_answer"].endswith("![](confusion-matrix.png)")
    assert imported.notes == [
        "Note 2: the sound “recall.mp3” was left out; a question holds no sound."
    ]


def test_a_deck_gives_the_same_slugs_as_a_text_export_and_as_a_package():
    text_rows, package_rows = _read("anki_notes.txt").rows, _read("deck.apkg").rows
    assert [r.cells["slug"] for r in text_rows] == [r.cells["slug"] for r in package_rows]
    assert [r.cells["model_answer"] for r in text_rows] == [
        r.cells["model_answer"] for r in package_rows
    ]


def _repackaged(change) -> bytes:
    """The test deck with its collection changed by `change(db)`, saved as collection.anki21
    next to a dummy collection.anki2, as Anki's "Support older Anki versions" export does."""
    source = zipfile.ZipFile(FILES / "deck.apkg")
    handle, path = tempfile.mkstemp()
    os.close(handle)
    try:
        Path(path).write_bytes(source.read("collection.anki2"))
        db = sqlite3.connect(path)
        change(db)
        db.commit()
        db.close()
        entries = {name: source.read(name) for name in source.namelist()}
        entries["collection.anki21"] = Path(path).read_bytes()
        entries["collection.anki2"] = b"a dummy collection asking to update Anki"
        return _zip(entries)
    finally:
        os.unlink(path)


def test_a_package_of_newer_anki_keeping_decks_in_their_own_table_is_read():
    def decks_table(db):
        db.execute("UPDATE col SET decks = '{}'")
        db.execute("CREATE TABLE decks (id INTEGER PRIMARY KEY, name TEXT)")
        for (deck_id,) in db.execute("SELECT DISTINCT did FROM cards").fetchall():
            db.execute("INSERT INTO decks VALUES (?, ?)", (deck_id, "Bank\x1fStatistics"))

    imported = read_upload("deck.apkg", _repackaged(decks_table))
    assert {row.cells["topic"] for row in imported.rows} == {"Statistics"}


def test_a_package_only_newer_anki_reads_asks_for_an_export_for_older_versions():
    data = _zip({"collection.anki21b": b"\x28\xb5\x2f\xfd", "collection.anki2": b"dummy"})
    message = _refusal("deck.apkg", data)
    assert "Export it again" in message and "Support older Anki versions" in message


def test_a_file_that_is_not_an_anki_package_says_so():
    assert "not an Anki package" in _refusal("deck.apkg", b"not a zip")
    assert "not an Anki package" in _refusal("deck.apkg", _zip({"media": b"{}"}))
    assert "not an Anki package" in _refusal("deck.apkg", _zip({"collection.anki2": b"junk"}))


# ZIP


def test_a_zip_gives_its_question_file_with_its_images_by_the_path_the_markdown_uses():
    imported = _read("questions_with_images.zip")
    assert imported.format_name == "Markdown"
    assert [row.place for row in imported.rows] == [3, 12]
    assert sorted(imported.images) == ["img/diagram.png", "img/spinner.gif"]
    assert imported.images["img/spinner.gif"].startswith(b"GIF89a")
    assert (
        "![A 3×3 filter sliding over an image](img/diagram.png)"
        in (imported.rows[0].cells["model_answer"])
    )
    assert imported.notes == [
        "“bank/LICENSE” in the ZIP archive is neither questions nor an image; it was left out."
    ]


def test_a_zip_may_hold_an_anki_package_with_more_images():
    data = _zip({"deck.apkg": (FILES / "deck.apkg").read_bytes(), "extra/x.webp": b"RIFF"})
    imported = read_upload("bundle.zip", data)
    assert sorted(imported.images) == ["confusion-matrix.png", "extra/x.webp"]


@pytest.mark.parametrize("path", ["../outside.png", "img/../../x.png", "/etc/passwd.png"])
def test_a_zip_with_a_path_leading_outside_it_is_refused(path):
    message = _refusal("q.zip", _zip({"q.md": b"### Q?\n\nA.\n", path: png(2, 2)}))
    assert f"(“{path}”)" in message


def test_a_zip_with_several_question_files_names_them():
    data = _zip({"a.md": b"### Q?\n", "b/c.csv": HEADER.encode(), "d.png": png(2, 2)})
    message = _refusal("q.zip", data)
    assert "2 question files (“a.md”, “b/c.csv”)" in message


def test_a_zip_without_a_question_file_says_what_to_put_in():
    assert "holds no question file" in _refusal("q.zip", _zip({"d.png": png(2, 2)}))


def test_a_zip_of_more_than_two_thousand_entries_is_refused():
    entries = {f"img/{n}.png": b"" for n in range(2_000)}
    assert "2,001 entries" in _refusal("q.zip", _zip({"q.md": b"### Q?\n", **entries}))


def test_a_zip_that_would_unpack_past_a_hundred_megabytes_is_refused_before_unpacking():
    data = _zip({"q.md": b"### Q?\n\nA.\n", "big.png": bytes(101 * 1024 * 1024)})
    assert len(data) < 1024 * 1024
    message = _refusal("q.zip", data)
    assert "would unpack to 101 MB" in message and "at most 100 MB" in message


def test_unpacking_stops_once_more_comes_out_than_allowed():
    archive = zipfile.ZipFile(io.BytesIO(_zip({"a.png": bytes(5000)})))
    with pytest.raises(ImportFileError, match="more than its headers say"):
        UnpackBudget("ZIP archive", limit=4096).read(archive, archive.getinfo("a.png"))


def test_a_file_of_another_kind_names_the_formats_read():
    message = _refusal("questions.docx", b"PK")
    assert "“questions.docx” is not a file this import reads" in message
    assert "Anki package (.apkg)" in message


# Templates

SPREADSHEET_KEYS = ("csv", "xlsx", "json")


@pytest.mark.parametrize("key", ["csv", "xlsx", "json", "md", "txt", "apkg", "zip"])
def test_each_template_reads_back_as_the_example_questions(key):
    filename, content, content_type = import_template(key)
    imported = read_upload(filename, content)
    expected = questions_with_image() if key == "zip" else EXAMPLE_QUESTIONS
    assert len(imported.rows) == len(expected)
    for row, question in zip(imported.rows, expected, strict=True):
        cells = row.cells
        same = ["prompt", "model_answer", "key_points", "common_mistakes", "difficulty", "kind"]
        same += ["skills", "suggested_minutes", "status"]
        if key in ("csv", "xlsx", "json", "md", "zip"):
            same += ["slug", "title"]
        for column in same:
            assert cells[column] == question[column], (key, column)
        topic = question["topic"] if key in SPREADSHEET_KEYS else TOPIC_NAMES[question["topic"]]
        assert cells["topic"] == topic
    if key == "zip":
        assert imported.images["images/roc-curve.png"].startswith(b"\x89PNG")


def test_the_csv_template_is_written_as_excel_writes_csv():
    _, content, content_type = import_template("csv")
    assert content.startswith(b"\xef\xbb\xbfslug,title,")
    assert b"\r\n" in content
    assert content_type == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == 3


def test_the_anki_package_template_is_the_same_notes_each_time():
    assert _anki_guids(write_apkg()) == _anki_guids(write_apkg())


def _anki_guids(package: bytes) -> list[str]:
    handle, path = tempfile.mkstemp()
    os.close(handle)
    try:
        Path(path).write_bytes(zipfile.ZipFile(io.BytesIO(package)).read("collection.anki2"))
        db = sqlite3.connect(path)
        guids = [guid for (guid,) in db.execute("SELECT guid FROM notes ORDER BY id")]
        db.close()
        return guids
    finally:
        os.unlink(path)


# Damaged files


@pytest.mark.parametrize(
    "name",
    [
        "excel_semicolon.csv",
        "questions.xlsx",
        "interview_questions.md",
        "anki_notes.txt",
        "deck.apkg",
        "questions_with_images.zip",
    ],
)
def test_a_damaged_file_of_any_format_is_refused_with_a_message_never_an_error(name):
    original = (FILES / name).read_bytes()
    pieces = [b'"', b"\t", b";", b"\n", b"\r", b"**", b"<", b"<!--", b"#", b"- ", b"\x1f", b"{"]
    chance = random.Random(name)
    for _ in range(60):
        damaged = bytearray(original)
        for _ in range(chance.randint(1, 6)):
            at = chance.randrange(len(damaged))
            what = chance.random()
            if what < 0.4:
                damaged[at] = chance.randrange(256)
            elif what < 0.7:
                damaged[at:at] = chance.choice(pieces)
            else:
                del damaged[at : at + chance.randint(1, 20)]
        with contextlib.suppress(ImportFileError):
            read_upload(name, bytes(damaged))


@pytest.mark.django_db
def test_an_excel_csv_with_semicolons_reaches_the_admins_import_preview(editor_client):
    for slug in ("ml-fundamentals", "feature-engineering"):
        make_topic(slug=slug, name=slug)
    for slug in ("ml-algorithms", "model-selection", "feature-engineering", "python"):
        make_skill(slug=slug)
    preview = _upload(
        editor_client, (FILES / "excel_semicolon.csv").read_bytes(), name="excel.csv"
    )
    assert _previewed(preview), preview.content.decode()[-2000:]
    assert preview.context["report"].totals["new"] == 3
