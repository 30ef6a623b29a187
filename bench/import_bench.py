"""Time the question import on generated files of 2,000, 5,000 and 20,000 rows.

    .venv/bin/python bench/import_bench.py [--rows 2000,5000,20000] [--old]

Each file is a CSV as the admin's export writes it, with texts of the shipped questions'
sizes (about 1.5 KB a row: a 220-character prompt, a 500-character model answer, four key
points, two common mistakes). On a fresh SQLite database in a temporary directory, for each
size: reading the file (`read_upload`), the preview and the import into an empty bank, then
the preview and the import of the same file again (every row "no change"). Prints a Markdown
table of seconds.

`--old` times django-import-export's dry run of the file through `QuestionResource` instead:
the import before `practice.imports`, for the code that still has it.
"""

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VOCABULARY = (
    "model training data feature gradient loss validation regularisation overfitting bias "
    "variance precision recall threshold calibration drift monitoring pipeline embedding "
    "latency throughput batch inference deployment experiment baseline metric sample label "
    "class imbalance sampling ensemble boosting tree linear logistic network layer dropout "
    "optimiser learning rate schedule cross entropy convex sparse dense vector retrieval"
)
WORDS = VOCABULARY.split()
TOPICS = 10
SKILLS = 30


def _text(rng: random.Random, characters: int) -> str:
    words, length = [], 0
    while length < characters:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    return " ".join(words).capitalize()


def _row(n: int, rng: random.Random) -> dict[str, str]:
    answer = "\n\n".join(
        [_text(rng, 200) + ".", "- " + _text(rng, 90), "- " + _text(rng, 90), _text(rng, 100)]
    )
    return {
        "slug": f"bench-question-{n}",
        "title": _text(rng, 60) + "?",
        "topic": f"topic-{n % TOPICS}",
        "difficulty": rng.choice(["easy", "medium", "hard"]),
        "kind": rng.choice(["conceptual", "coding", "system_design"]),
        "status": "draft",
        "suggested_minutes": str(rng.randint(3, 15)),
        "skills": ",".join(f"skill-{(n + k) % SKILLS}" for k in range(2)),
        "prompt": _text(rng, 220) + "?",
        "model_answer": answer,
        "key_points": "\n".join(
            f"{_text(rng, 55)} :: {', '.join(rng.sample(WORDS, 3))}" for _ in range(4)
        ),
        "common_mistakes": "\n".join(f"{_text(rng, 50)} => {_text(rng, 80)}." for _ in range(2)),
        "source_name": "Bench source",
        "source_url": "https://example.org/bench",
        "source_licence": "CC BY 4.0",
    }


def bench_file(rows: int) -> bytes:
    rng = random.Random(rows)
    generated = [_row(n, rng) for n in range(rows)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(generated[0]))
    writer.writeheader()
    writer.writerows(generated)
    return buffer.getvalue().encode()


def _setup(directory: str) -> None:
    os.environ["SQLITE_PATH"] = str(Path(directory) / "bench.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SECRET_KEY", "import-bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlcareer.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from assessments.models import Skill, SkillArea
    from practice.models import Topic

    Topic.objects.bulk_create(
        Topic(slug=f"topic-{n}", name=f"Topic {n}", order=n) for n in range(TOPICS)
    )
    area = SkillArea.objects.create(slug="bench", name="Bench", order=0)
    Skill.objects.bulk_create(
        Skill(area=area, slug=f"skill-{n}", name=f"Skill {n}", order=n) for n in range(SKILLS)
    )


def _timed(run) -> tuple[float, object]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def measure_new(rows: int) -> dict[str, float]:
    from django.contrib.auth import get_user_model

    from practice.import_formats import read_upload
    from practice.imports import ImportDefaults, import_apply, import_preview
    from practice.models import Question

    Question.objects.all().delete()
    user, _ = get_user_model().objects.get_or_create(username="bench-editor")
    data = bench_file(rows)
    defaults = ImportDefaults()
    figures = {"MB": len(data) / 2**20}
    figures["read"], file = _timed(lambda: read_upload("bench.csv", data))
    figures["preview"], report = _timed(lambda: import_preview(file, defaults=defaults))
    assert not report.blocked, report.summary
    figures["import"], report = _timed(lambda: import_apply(file, defaults=defaults, user=user))
    assert report.applied, report.summary
    figures["re-preview"], report = _timed(lambda: import_preview(file, defaults=defaults))
    figures["re-import"], report = _timed(lambda: import_apply(file, defaults=defaults, user=user))
    assert report.summary.startswith("No changes"), report.summary
    return figures


def measure_old(rows: int) -> dict[str, float]:
    import tablib

    from practice.import_formats import read_upload
    from practice.models import Question
    from practice.resources import QuestionResource

    Question.objects.all().delete()
    data = bench_file(rows)
    figures = {"MB": len(data) / 2**20}
    figures["read"], _ = _timed(lambda: read_upload("bench.csv", data))
    dataset = tablib.Dataset().load(data.decode(), format="csv")
    figures["preview"], result = _timed(
        lambda: QuestionResource().import_data(dataset, dry_run=True)
    )
    assert not result.has_errors() and not result.has_validation_errors()
    figures["import"], _ = _timed(lambda: QuestionResource().import_data(dataset, dry_run=False))
    figures["re-preview"], _ = _timed(
        lambda: QuestionResource().import_data(dataset, dry_run=True)
    )
    figures["re-import"], _ = _timed(
        lambda: QuestionResource().import_data(dataset, dry_run=False)
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="2000,5000,20000")
    parser.add_argument("--old", action="store_true")
    args = parser.parse_args()
    sizes = [int(size) for size in args.rows.split(",")]
    columns = ["MB", "read", "preview", "import", "re-preview", "re-import"]
    with tempfile.TemporaryDirectory() as directory:
        _setup(directory)
        measure = measure_old if args.old else measure_new
        print("| rows | " + " | ".join(columns) + " |")
        print("| ---: " * (len(columns) + 1) + "|")
        for rows in sizes:
            figures = measure(rows)
            cells = [f"{figures[c]:.2f}" if c == "MB" else f"{figures[c]:.1f}" for c in columns]
            print(f"| {rows:,} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
