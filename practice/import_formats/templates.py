"""A file of each import format to start from: the same two example questions, each written by
the real writer of its format (the csv module with Excel's dialect, openpyxl, json, genanki,
zipfile), so that what an editor downloads is what those programs make."""

import csv
import io
import json
import re
import struct
import zipfile
import zlib

import genanki
import openpyxl
from markdown_it import MarkdownIt
from openpyxl.styles import Alignment, Font

from mlcareer.spreadsheets import spreadsheet_safe
from practice.anki_export import package_bytes
from practice.import_formats.base import COLUMNS
from practice.models import MISTAKE_SEPARATOR
from practice.question_columns import KEY_POINT_SEPARATOR

EXAMPLE_QUESTIONS = [
    {
        "slug": "l2-regularisation-gradient-step",
        "title": "How does L2 regularisation change a gradient descent step?",
        "topic": "overfitting-regularisation",
        "difficulty": "medium",
        "kind": "conceptual",
        "status": "draft",
        "suggested_minutes": "5",
        "skills": "ml-algorithms, mathematics",
        "prompt": "Write the gradient descent update for a loss with an L2 penalty, and say what "
        "the penalty does to the weights at each step.",
        "model_answer": (
            "With the penalty $\\lambda \\lVert w \\rVert^2$ added to the loss $L$, the gradient "
            "gains a term $2 \\lambda w$, so one step with learning rate $\\eta$ is\n"
            "\n"
            "$$w \\leftarrow w - \\eta \\left( \\nabla L(w) + 2 \\lambda w \\right)$$\n"
            "\n"
            "```python\n"
            "def sgd_step(w, grad, lr=0.1, lam=0.01):\n"
            "    return w - lr * (grad + 2 * lam * w)\n"
            "```\n"
            "\n"
            "Each step first scales the weights by $(1 - 2 \\eta \\lambda)$, which is why L2 "
            "is also called **weight decay**: large weights shrink towards zero unless the data "
            "keeps pushing them up."
        ),
        "key_points": (
            "The penalty adds 2λw to the gradient of the loss :: 2λw, penalty term, gradient\n"
            "Every step shrinks the weights towards zero, hence weight decay :: shrink, "
            "weight decay, towards zero"
        ),
        "common_mistakes": (
            "L2 regularisation sets small weights exactly to zero => That is L1; L2 shrinks "
            "weights in proportion to their size and rarely makes one exactly zero."
        ),
    },
    {
        "slug": "roc-auc-meaning",
        "title": "What does ROC AUC measure, and when does it mislead?",
        "topic": "model-evaluation",
        "difficulty": "easy",
        "kind": "conceptual",
        "status": "draft",
        "suggested_minutes": "4",
        "skills": "model-evaluation, statistics-probability",
        "prompt": "Explain what the area under the ROC curve measures, and name a case where a "
        "high ROC AUC hides a poor model.",
        "model_answer": (
            "ROC AUC is the chance that the model scores a random positive above a random "
            "negative, $\\mathrm{AUC} = P(s^+ > s^-)$. It judges the ranking alone:\n"
            "\n"
            "- it does not depend on a decision threshold;\n"
            "- it ignores calibration, so scores can rank well and still be poor "
            "probabilities.\n"
            "\n"
            "With rare positives it can look high while precision is low; the "
            "precision-recall curve shows that case better."
        ),
        "key_points": (
            "The probability a random positive is ranked above a random negative :: "
            "ranking, random positive, random negative, probability\n"
            "With imbalanced classes, precision-recall is more telling :: imbalanced, "
            "precision-recall, rare positives"
        ),
        "common_mistakes": (
            "An AUC of 0.9 means 90% of predictions are correct => AUC measures ranking, "
            "not accuracy at any threshold."
        ),
    },
]
TOPIC_NAMES = {
    "overfitting-regularisation": "Overfitting and regularisation",
    "model-evaluation": "Model evaluation and metrics",
}
DECK_PREFIX = "MLCareer::"
EXAMPLE_IMAGE_PATH = "images/roc-curve.png"
EXAMPLE_IMAGE_MARKDOWN = f"![An ROC curve above the diagonal]({EXAMPLE_IMAGE_PATH})"
TEMPLATE_COLUMNS = [column for column in COLUMNS if not column.startswith("source_")]
# Fixed so that a template downloaded again is the same notes for Anki.
_ANKI_DECK_IDS = {"overfitting-regularisation": 1_712_000_001, "model-evaluation": 1_712_000_002}
_ANKI_TIMESTAMP = 1_712_000_000.0

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "apkg": "application/octet-stream",
    "zip": "application/zip",
}
FILENAMES = {
    "csv": "mlcareer-questions.csv",
    "xlsx": "mlcareer-questions.xlsx",
    "json": "mlcareer-questions.json",
    "md": "mlcareer-questions.md",
    "txt": "mlcareer-questions-anki.txt",
    "apkg": "mlcareer-questions.apkg",
    "zip": "mlcareer-questions.zip",
}


def _lines(cell: str) -> list[str]:
    return [line for line in cell.splitlines() if line.strip()]


def _pairs(cell: str, separator: str) -> list[tuple[str, str]]:
    return [tuple(part.strip() for part in line.split(separator, 1)) for line in _lines(cell)]


def write_csv(questions=EXAMPLE_QUESTIONS) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, dialect="excel")
    writer.writerow(TEMPLATE_COLUMNS)
    for question in questions:
        writer.writerow([spreadsheet_safe(question[column]) for column in TEMPLATE_COLUMNS])
    # With a byte order mark, as Excel's "CSV UTF-8" writes it, so that Excel opens it as UTF-8.
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(questions=EXAMPLE_QUESTIONS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "questions"
    sheet.append(TEMPLATE_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for question in questions:
        sheet.append(
            [
                int(question[column]) if column == "suggested_minutes" else question[column]
                for column in TEMPLATE_COLUMNS
            ]
        )
    wide = {"prompt": 50, "model_answer": 70, "key_points": 60, "common_mistakes": 60}
    for index, column in enumerate(TEMPLATE_COLUMNS, start=1):
        letter = openpyxl.utils.get_column_letter(index)
        sheet.column_dimensions[letter].width = wide.get(column, 20)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_json(questions=EXAMPLE_QUESTIONS) -> bytes:
    items = []
    for question in questions:
        item = {column: question[column] for column in TEMPLATE_COLUMNS}
        item["suggested_minutes"] = int(question["suggested_minutes"])
        item["skills"] = [skill.strip() for skill in question["skills"].split(",")]
        item["key_points"] = [
            {"text": text, "keywords": [word.strip() for word in keywords.split(",")]}
            for text, keywords in _pairs(question["key_points"], KEY_POINT_SEPARATOR)
        ]
        item["common_mistakes"] = [
            {"claim": claim, "correction": correction}
            for claim, correction in _pairs(question["common_mistakes"], MISTAKE_SEPARATOR)
        ]
        items.append(item)
    return (json.dumps({"questions": items}, ensure_ascii=False, indent=2) + "\n").encode()


def write_markdown(questions=EXAMPLE_QUESTIONS) -> bytes:
    parts = [
        "# MLCareer questions",
        "An `##` heading names the topic of the questions under it. Each question is a `###` "
        "heading with its answer below it; the comment after it gives its settings, and the "
        "“Key points” and “Common mistakes” lists are optional.",
    ]
    topic = None
    for question in questions:
        if question["topic"] != topic:
            topic = question["topic"]
            parts.append(f"## {TOPIC_NAMES.get(topic, topic)}")
        settings = "; ".join(
            f"{key}: {question[column]}"
            for key, column in [
                ("slug", "slug"),
                ("title", "title"),
                ("difficulty", "difficulty"),
                ("kind", "kind"),
                ("skills", "skills"),
                ("minutes", "suggested_minutes"),
                ("status", "status"),
            ]
        )
        parts.append(f"### {question['prompt']}\n<!-- {settings} -->")
        parts.append(question["model_answer"])
        parts.append("#### Key points")
        parts.append("\n".join(f"- {line}" for line in _lines(question["key_points"])))
        if question.get("common_mistakes"):
            parts.append("#### Common mistakes")
            parts.append("\n".join(f"- {line}" for line in _lines(question["common_mistakes"])))
    return ("\n\n".join(parts) + "\n").encode()


_HTML = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _anki_html(markdown: str) -> str:
    """Markdown as the HTML of an Anki field, with MathJax's delimiters as Anki writes them."""
    html = _display_math(_HTML.render(markdown).strip())
    # Anki's editor keeps a field on one line, but for the line breaks of a code block.
    parts = re.split(r"(<pre>.*?</pre>)", html, flags=re.DOTALL)
    return "".join(
        part if part.startswith("<pre>") else re.sub(r">\n", ">", part).replace("\n", " ")
        for part in parts
    )


def _display_math(html: str) -> str:
    html = re.sub(r"\$\$(.+?)\$\$", r"\\[\1\\]", html, flags=re.DOTALL)
    return re.sub(r"\$(.+?)\$", r"\\(\1\\)", html)


def _anki_back(question) -> str:
    back = question["model_answer"] + "\n\n#### Key points\n\n"
    back += "\n".join(f"- {line}" for line in _lines(question["key_points"]))
    if question.get("common_mistakes"):
        back += "\n\n#### Common mistakes\n\n"
        back += "\n".join(f"- {line}" for line in _lines(question["common_mistakes"]))
    return _anki_html(back)


def _anki_tags(question) -> list[str]:
    tags = [f"difficulty::{question['difficulty']}", f"kind::{question['kind']}"]
    tags += [f"skill::{skill.strip()}" for skill in question["skills"].split(",")]
    tags += [f"minutes::{question['suggested_minutes']}", f"status::{question['status']}"]
    return tags


def anki_guid(question) -> str:
    return genanki.guid_for("mlcareer", question["slug"])


def write_anki_text(questions=EXAMPLE_QUESTIONS) -> bytes:
    """Notes as Anki's "Notes in Plain Text" export writes them (tab-separated, HTML kept,
    header lines first, fields quoted only when they must be)."""
    out = io.StringIO(newline="")
    out.write("#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n")
    out.write("#deck column:3\n#tags column:6\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    for question in questions:
        writer.writerow(
            [
                anki_guid(question),
                "Basic",
                DECK_PREFIX + TOPIC_NAMES.get(question["topic"], question["topic"]),
                _anki_html(question["prompt"]),
                _anki_back(question),
                " ".join(_anki_tags(question)),
            ]
        )
    return out.getvalue().encode()


def write_apkg(questions=EXAMPLE_QUESTIONS, *, media: dict[str, bytes] | None = None) -> bytes:
    decks = {}
    for question in questions:
        topic = question["topic"]
        if topic not in decks:
            decks[topic] = genanki.Deck(
                _ANKI_DECK_IDS.get(topic, 1_712_000_100 + len(decks)),
                DECK_PREFIX + TOPIC_NAMES.get(topic, topic),
            )
        decks[topic].add_note(
            genanki.Note(
                model=genanki.BASIC_MODEL,
                fields=[_anki_html(question["prompt"]), _anki_back(question)],
                tags=_anki_tags(question),
                guid=anki_guid(question),
            )
        )
    return package_bytes(
        list(decks.values()), media=list((media or {}).items()), timestamp=_ANKI_TIMESTAMP
    )


def example_png(width: int = 160, height: int = 120) -> bytes:
    """A small ROC-curve picture: axes, the diagonal, and a curve above it (grey on white)."""
    pixels = [[255] * width for _ in range(height)]
    left, bottom = 10, height - 10
    size = min(width, height) - 20
    for step in range(size + 1):
        pixels[bottom][left + step] = 0  # x axis
        pixels[bottom - step][left] = 0  # y axis
        pixels[bottom - step][left + step] = 160  # the diagonal
        x = step / size
        curve = 1 - (1 - x) ** 3
        pixels[bottom - round(curve * size)][left + step] = 40
    raw = b"".join(b"\x00" + bytes(row) for row in pixels)

    def chunk(kind: bytes, body: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + checksum

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def questions_with_image(questions=EXAMPLE_QUESTIONS) -> list[dict]:
    """The examples, the second showing the example image after its answer."""
    with_image = [dict(question) for question in questions]
    with_image[-1]["model_answer"] += "\n\n" + EXAMPLE_IMAGE_MARKDOWN
    return with_image


def write_zip(questions=EXAMPLE_QUESTIONS) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("questions.md", write_markdown(questions_with_image(questions)))
        archive.writestr(EXAMPLE_IMAGE_PATH, example_png())
    return out.getvalue()


WRITERS = {
    "csv": write_csv,
    "xlsx": write_xlsx,
    "json": write_json,
    "md": write_markdown,
    "txt": write_anki_text,
    "apkg": write_apkg,
    "zip": write_zip,
}


def import_template(key: str) -> tuple[str, bytes, str]:
    """(filename, content, content type) of the template for `key`; KeyError for an unknown
    key."""
    return FILENAMES[key], WRITERS[key](), CONTENT_TYPES[key]
