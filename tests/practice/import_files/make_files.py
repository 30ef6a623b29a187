"""Make the import test files again, each with the program that writes its format for real.

    python tests/practice/import_files/make_files.py

Every file is written from the constants below, so a test reads back what is written here.
"""

import csv
import hashlib
import io
import os
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

import genanki
import openpyxl

HERE = Path(__file__).resolve().parent
ANKI_TIMESTAMP = 1_700_000_000.0

HEADER = [
    "slug", "title", "topic", "difficulty", "kind", "status", "suggested_minutes", "skills",
    "prompt", "model_answer", "key_points", "common_mistakes",
]  # fmt: skip
SPREADSHEET_ROWS = [
    [
        "bias-variance",
        "What is the bias-variance trade-off?",
        "ml-fundamentals",
        "easy",
        "conceptual",
        "published",
        "5",
        "ml-algorithms, model-selection",
        "Explain the bias-variance trade-off with an example.",
        "Bias is error from wrong assumptions; variance is error from sensitivity to the "
        "training set.\n\n- Simple models: high bias\n- Flexible models: high variance",
        "Bias comes from wrong assumptions :: bias, assumptions\n"
        "Variance comes from sensitivity to the data :: variance, sensitivity",
        "More data always lowers bias => More data lowers variance, not bias.",
    ],
    [
        "feature-scaling",
        "Why scale features; a question with a semicolon?",
        "feature-engineering",
        "medium",
        "conceptual",
        "draft",
        "7",
        "feature-engineering",
        "When does feature scaling matter?",
        # The apostrophe a spreadsheet-safe export puts before a cell that starts like a formula.
        "'- Distance-based models (k-NN, SVM) need it\n- Trees do not",
        "Distance-based models need scaling :: distance, k-NN, SVM",
        "",
    ],
    [
        "naive-bayes-cafe",
        "Naïve Bayes for café reviews",
        "ml-fundamentals",
        "hard",
        "coding",
        "draft",
        "10",
        "python, ml-algorithms",
        "Write a naïve Bayes classifier for café reviews.",
        'Count words per class, add one ("Laplace") smoothing, and compare log posteriors.',
        "Laplace smoothing avoids zero probabilities :: smoothing, Laplace, zero",
        "",
    ],
]


def png(width: int, height: int, shade: int = 0) -> bytes:
    raw = b"".join(
        b"\x00" + bytes((shade + x + y) % 256 for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, body: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + checksum

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))


# A 1×1 transparent GIF, as image editors write the smallest one.
GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)


# A chart an editor uploaded to the bank before, which the Markdown file shows by its URL: our
# images are named by their bytes (practice.images), so the URL follows from the file.
THRESHOLD_PNG_SIZE = (16, 10, 90)


def threshold_png() -> bytes:
    return png(*THRESHOLD_PNG_SIZE)


ROC_SETTINGS = (
    "<!-- slug: roc-auc-vs-accuracy; difficulty: medium; kind: conceptual; "
    "skills: model-evaluation, statistics-probability; minutes: 6; status: draft -->"
)
MARKDOWN = r"""# Machine learning interview questions

* Written in the layout of public interview-question repositories.
* Legend: 👶 easy ⭐️ medium 🚀 expert

## Supervised machine learning

**What is supervised machine learning? 👶**

Learning a mapping from inputs to known labels, from examples that have both.

<br/>

**What is regularisation, and which kinds do you know? ‍⭐️**

Regularisation adds a penalty on model complexity to the loss, for example
$L(w) + \lambda \lVert w \rVert^2$, so that the model prefers simpler fits.

- L2 (ridge) shrinks weights towards zero
  - it keeps every feature
  - weights rarely reach exactly zero
- L1 (lasso) sets some weights to zero
- Dropout switches off random units while training

| penalty | effect on weights |
|---------|-------------------|
| L1      | sparse            |
| L2      | small             |

```python
from sklearn.linear_model import Ridge

model = Ridge(alpha=1.0)  # alpha is λ
```

<br/>

## Model evaluation

### How does ROC AUC differ from accuracy?
{roc_settings}

Accuracy counts correct labels at one threshold; ROC AUC, $P(s_+ > s_-)$, judges the ranking
over every threshold.

![ROC curve](images/roc.png)

#### Key points

- AUC measures ranking across all thresholds :: ranking, threshold, all thresholds
- Accuracy depends on one threshold and on class balance :: threshold, class balance

#### Common mistakes

- An AUC of 0.8 means 80% accuracy => AUC is a ranking measure, not a share of correct labels.

**What is the trade-off between precision and recall? 🚀**

Raising the threshold $t$ makes positives rarer: precision rises, recall falls.

![Precision and recall as the threshold rises]({threshold_url})
"""


def markdown() -> bytes:
    """As the public interview-question repositories lay their files out."""
    url = f"/images/{hashlib.sha256(threshold_png()).hexdigest()}.png"
    text = MARKDOWN.replace("{roc_settings}", ROC_SETTINGS)
    return text.replace("{threshold_url}", url).encode()


def excel_csv() -> bytes:
    """As European Excel saves "CSV UTF-8": a byte order mark, ";" between cells, CRLF."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, dialect="excel", delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(SPREADSHEET_ROWS)
    return out.getvalue().encode("utf-8-sig")


def workbook() -> bytes:
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Read me"
    notes["A1"] = "The questions are on the sheet named questions."
    sheet = book.create_sheet("questions")
    sheet.append(HEADER)
    for row in SPREADSHEET_ROWS:
        values = list(row)
        values[6] = float(values[6])  # a number cell, as a spreadsheet stores 7
        values[9] = values[9].removeprefix("'")  # a spreadsheet keeps no apostrophe
        sheet.append(values)
    # Formatted but empty rows below the questions, as a spreadsheet leaves them.
    for number in range(5, 9):
        sheet.cell(row=number, column=1).number_format = "@"
        sheet.cell(row=number, column=2).value = None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ANKI_NOTES = [
    # (guid, deck, front, back, tags)
    (
        "f{Q8m+2Lz!",
        "Interview prep::Model evaluation",
        "What does <b>precision</b> measure?",
        "The share of predicted positives that are right:<br>"
        "<ul><li>precision = TP / (TP + FP)</li><li>high when false alarms are rare</li></ul>"
        '<img src="confusion-matrix.png">',
        "difficulty::medium skill::model-evaluation",
    ),
    (
        "Hc5$wK0pa#",
        "Interview prep::Model evaluation",
        "How do you compute recall in <i>NumPy</i>?",
        "<div>Divide true positives by all actual positives:</div>"
        '<pre><code class="language-python">recall = tp / (tp + fn)\nprint(recall)</code></pre>'
        "<div>Say it aloud: [sound:recall.mp3]</div>",
        "coding easy",
    ),
    (
        "Zr9&mN3q=e",
        "Interview prep::Deep learning",
        "Which activation avoids vanishing gradients &amp; why?",
        "<div>ReLU: its gradient is \\(1\\) for \\(x &gt; 0\\).</div>"
        "<table><tr><th>activation</th><th>gradient</th></tr>"
        "<tr><td>sigmoid</td><td>at most 0.25</td></tr><tr><td>ReLU</td><td>1</td></tr></table>",
        "",
    ),
]


def anki_text() -> bytes:
    """As Anki 2.1.55+ writes "Notes in Plain Text" with every box ticked: header lines, then
    one tab-separated record a note, quoted only where a field must be."""
    out = io.StringIO(newline="")
    out.write("#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n")
    out.write("#deck column:3\n#tags column:6\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    for guid, deck, front, back, tags in ANKI_NOTES:
        writer.writerow([guid, "Basic", deck, front, back, tags])
    return out.getvalue().encode()


def anki_package() -> bytes:
    decks = {}
    for number, (guid, deck, front, back, tags) in enumerate(ANKI_NOTES):
        if deck not in decks:
            decks[deck] = genanki.Deck(2_059_400_000 + number, deck)
        decks[deck].add_note(
            genanki.Note(
                model=genanki.BASIC_MODEL, fields=[front, back], tags=tags.split(), guid=guid
            )
        )
    with tempfile.TemporaryDirectory() as folder:
        media = {"confusion-matrix.png": png(8, 6), "recall.mp3": b"ID3 not really a sound"}
        paths = []
        for name, content in media.items():
            path = os.path.join(folder, name)
            Path(path).write_bytes(content)
            paths.append(path)
        out = io.BytesIO()
        genanki.Package(list(decks.values()), media_files=paths).write_to_file(
            out, timestamp=ANKI_TIMESTAMP
        )
    return out.getvalue()


ARCHIVE_MARKDOWN = """\
## Deep learning

### What does a convolution layer learn?

Local filters $w$ shared across the image, $y = w * x$:

![A 3×3 filter sliding over an image](img/diagram.png)

- Edges in early layers
- Shapes in later layers

### What does a loading spinner tell a user?

![Spinner](img/spinner.gif)

That the page is still working.
"""


def archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("bank/questions.md", ARCHIVE_MARKDOWN)
        zipped.writestr("bank/img/diagram.png", png(12, 9, shade=40))
        zipped.writestr("bank/img/spinner.gif", GIF)
        zipped.writestr("bank/LICENSE", "CC BY 4.0")
        zipped.writestr("__MACOSX/bank/._questions.md", b"\x00\x05\x16\x07")
    return out.getvalue()


FILES = {
    "excel_semicolon.csv": excel_csv,
    "questions.xlsx": workbook,
    "anki_notes.txt": anki_text,
    "deck.apkg": anki_package,
    "questions_with_images.zip": archive,
    "interview_questions.md": markdown,
    "threshold.png": threshold_png,
}


def main() -> None:
    for name, make in FILES.items():
        (HERE / name).write_bytes(make())
        print(f"wrote {name}")


if __name__ == "__main__":
    main()
