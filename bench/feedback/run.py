"""How well the automatic feedback finds the points an answer makes (`make bench-feedback`).

    .venv/bin/python bench/feedback/run.py [--grader matching|ai] [--json PATH]

Loads the shipped content into a temporary SQLite database, then grades every labelled answer in
bench/feedback/answers/ (see the README there) and, over the whole published bank, the prompt
pasted back as the answer and one generic project story. Prints, per answer style, the share of
key points found, recall and false finds against the labels, the pairwise ranking of answers to
the same question, the credit for pasted prompts and the generic story, the grade notes that
would mislead an honest learner, and the time per answer. With --json the figures are written
there too.

With `--grader ai` (`make bench-feedback GRADER=ai`) the answers go to the AI judge configured
by MLCAREER_AI_BASE_URL and MLCAREER_AI_MODEL, and the report adds how its suggested grades
agree with the expert's (exact, within one, Spearman) and how often it ranks a strong answer
above the fluent wrong one. The bank-wide pasted-prompt and generic-story checks are left out
for it (322 more requests); `--bank` puts them back.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = ROOT / "bench" / "feedback" / "answers"
STYLES = ["strong_own_words", "strong_echo", "wrong_right_terms", "vague", "two_words"]
TARGETS = {
    "strong_own_words found": ">= 80 %",
    "vague found": "<= 10 %",
    "two_words found": "<= 20 %",
    "prompt paste found": "<= 15 %",
    "misleading notes": "0",
    "p95 ms per answer": "<= 50",
}


def _setup_django() -> None:
    database = Path(tempfile.mkdtemp()) / "feedback.sqlite3"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="mlcareer.settings",
        DJANGO_DEBUG="1",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "feedback-benchmark-only"),
        SQLITE_PATH=str(database),
    )
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)


def _grade(
    question,
    key_points,
    answer: str,
    learner_grade: int | None,
    ticked: list[int],
    grader: str = "matching",
):
    """The feedback the app gives: which points are found, the grader's suggested grade, and
    the note on the learner's grade when the learner grades as the expert did and ticks the
    points the answer really makes.

    Returns (found orders, suggested grade or None, note text); a judge that fails gives
    (None, None, note).
    """
    from practice.feedback import grade_answer
    from practice.feedback.judge import JudgeError
    from practice.grade_notes import grade_note

    try:
        result = grade_answer(question, answer, key_points=key_points, grader=grader)
    except JudgeError as error:
        print(f"  {question.slug}: {error}", file=sys.stderr)
        found, suggested = None, None
    else:
        found = [point.order for point in result.points if point.found]
        suggested = result.suggested_grade
    if learner_grade is None:
        return found, suggested, ""
    note = grade_note(grade=learner_grade, ticked=len(ticked), total=len(key_points))
    return found, suggested, note


def _asks_to_look_again(note: str) -> bool:
    """Whether a grade note tells the learner their grade may be too high.

    No note suggests a higher grade (tests/practice/test_grade_notes.py holds that), so the
    only way a note can mislead an honest learner is by doubting a strong answer.
    """
    return "left unticked" in note or "against the key points" in note


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def spearman(first: list[float], second: list[float]) -> float | None:
    """Spearman's rank correlation (None when either side has no spread)."""
    if len(first) < 2:
        return None
    a, b = _ranks(first), _ranks(second)
    mean_a, mean_b = statistics.fmean(a), statistics.fmean(b)
    cov = sum((x - mean_a) * (y - mean_b) for x, y in zip(a, b, strict=True))
    spread = (sum((x - mean_a) ** 2 for x in a) * sum((y - mean_b) ** 2 for y in b)) ** 0.5
    return round(cov / spread, 3) if spread else None


def grade_agreement(pairs: list[tuple[int, int]]) -> dict:
    """How a grader's suggested grades agree with the expert's: (expert, suggested) pairs."""
    if not pairs:
        return {"answers": 0, "exact_percent": None, "within_one_percent": None, "spearman": None}
    return {
        "answers": len(pairs),
        "exact_percent": round(100 * sum(e == s for e, s in pairs) / len(pairs), 1),
        "within_one_percent": round(100 * sum(abs(e - s) <= 1 for e, s in pairs) / len(pairs), 1),
        "spearman": spearman([e for e, _ in pairs], [s for _, s in pairs]),
    }


def run(grader: str = "matching", *, bank_checks: bool = True, questions=None) -> dict:
    from practice.feedback.checks import GENERIC_ANSWER as GENERIC_STORY
    from practice.models import Question

    labelled = [json.loads(path.read_text()) for path in sorted(ANSWERS.glob("*.json"))]
    labelled = labelled[:questions] if questions else labelled
    bank = {
        question.slug: question
        for question in Question.objects.published().prefetch_related("key_points")
    }
    timings: list[float] = []
    per_style: dict[str, dict[str, list[float]]] = {
        style: {"found": [], "recall": [], "false": []} for style in STYLES
    }
    share_by_question: dict[str, dict[str, float]] = {}
    misleading: list[dict] = []
    kinds: dict[str, int] = {}
    graded: list[tuple[int, int]] = []  # (expert grade, suggested grade)
    suggested_by_question: dict[str, dict[str, int]] = {}
    failures = 0

    for entry in labelled:
        question = bank[entry["question"]]
        key_points = list(question.key_points.all())
        kinds[question.kind] = kinds.get(question.kind, 0) + 1
        shares = share_by_question.setdefault(question.slug, {})
        suggested_here = suggested_by_question.setdefault(question.slug, {})
        for answer in entry["answers"]:
            started = time.perf_counter()
            found, suggested, note = _grade(
                question,
                key_points,
                answer["text"],
                answer["expert_grade"],
                answer["expresses"],
                grader,
            )
            timings.append((time.perf_counter() - started) * 1000)
            if found is None:
                failures += 1
                continue
            if suggested is not None:
                graded.append((answer["expert_grade"], suggested))
                suggested_here[answer["style"]] = suggested
            expressed = set(answer["expresses"])
            figures = per_style[answer["style"]]
            share = len(found) / len(key_points)
            shares[answer["style"]] = share
            figures["found"].append(share)
            if expressed:
                figures["recall"].append(len(expressed & set(found)) / len(expressed))
            not_made = [p.order for p in key_points if p.order not in expressed]
            if not_made:
                figures["false"].append(len(set(found) - expressed) / len(not_made))
            if _asks_to_look_again(note) and answer["expert_grade"] >= 3:
                misleading.append(
                    {"question": question.slug, "style": answer["style"], "note": note}
                )

    def pairs(better: str, worse: str, margin: float = 0.0) -> tuple[int, int]:
        held = [
            shares[better] > shares[worse] - margin
            for shares in share_by_question.values()
            if better in shares and worse in shares
        ]
        return sum(held), len(held)

    def graded_above(better: str, worse: str) -> tuple[int, int]:
        held = [
            grades[better] > grades[worse]
            for grades in suggested_by_question.values()
            if better in grades and worse in grades
        ]
        return sum(held), len(held)

    paste_shares, story_shares = [], []
    for question in bank.values() if bank_checks else []:
        key_points = list(question.key_points.all())
        pasted, _, _ = _grade(
            question, key_points, f"{question.title}\n\n{question.prompt}", None, [], grader
        )
        story, _, _ = _grade(question, key_points, GENERIC_STORY, None, [], grader)
        if pasted is not None:
            paste_shares.append(len(pasted) / len(key_points))
        if story is not None:
            story_shares.append(len(story) / len(key_points))

    def mean(values: list[float]) -> float | None:
        return round(100 * statistics.fmean(values), 1) if values else None

    strong_vs_vague = pairs("strong_own_words", "vague")
    strong_vs_two = pairs("strong_own_words", "two_words")
    own_vs_echo = pairs("strong_own_words", "strong_echo", margin=0.15 + 1e-9)
    return {
        "grader": grader,
        "failures": failures,
        "grades": grade_agreement(graded),
        "graded_above": {
            "strong_own_words > wrong_right_terms": graded_above(
                "strong_own_words", "wrong_right_terms"
            ),
            "strong_echo > wrong_right_terms": graded_above("strong_echo", "wrong_right_terms"),
            "strong_own_words > vague": graded_above("strong_own_words", "vague"),
        },
        "questions": len(labelled),
        "answers": sum(len(entry["answers"]) for entry in labelled),
        "kinds": kinds,
        "styles": {
            style: {
                "found_percent": mean(figures["found"]),
                "recall_percent": mean(figures["recall"]),
                "false_find_percent": mean(figures["false"]),
            }
            for style, figures in per_style.items()
        },
        "pairs": {
            "strong_own_words > vague": strong_vs_vague,
            "strong_own_words > two_words": strong_vs_two,
            "strong_own_words within 15 points of strong_echo": own_vs_echo,
        },
        "prompt_paste_found_percent": mean(paste_shares),
        "prompt_paste_questions_over_half": sum(share >= 0.5 for share in paste_shares),
        "generic_story_found_percent": mean(story_shares),
        "generic_story_questions_over_half": sum(share >= 0.5 for share in story_shares),
        "bank_questions": len(bank) if bank_checks else 0,
        "misleading_notes": len(misleading),
        "misleading_examples": misleading[:5],
        "ms_per_answer": {
            "p50": round(_percentile(timings, 0.5), 2),
            "p95": round(_percentile(timings, 0.95), 2),
            "max": round(max(timings), 2),
        },
    }


def report(results: dict) -> str:
    lines = [
        f"grader: {results['grader']}",
        f"{results['questions']} questions ({results['kinds']}), {results['answers']} answers"
        + (f", {results['failures']} failed" if results["failures"] else ""),
        "",
        f"{'style':<20} {'found %':>8} {'recall %':>9} {'false finds %':>14}",
    ]
    for style, figures in results["styles"].items():
        cells = [
            figures["found_percent"],
            figures["recall_percent"],
            figures["false_find_percent"],
        ]
        shown = ["–" if value is None else f"{value:.1f}" for value in cells]
        lines.append(f"{style:<20} {shown[0]:>8} {shown[1]:>9} {shown[2]:>14}")
    lines.append("")
    for name, (held, total) in results["pairs"].items():
        lines.append(f"{name}: {held} of {total} questions")
    grades = results["grades"]
    if grades["answers"]:
        lines += [
            "",
            f"suggested grade vs expert ({grades['answers']} answers): exact "
            f"{grades['exact_percent']} %, within one {grades['within_one_percent']} %, "
            f"Spearman {grades['spearman']}",
        ]
        for name, (held, total) in results["graded_above"].items():
            lines.append(f"graded {name}: {held} of {total} questions")
        lines.append("")
    if results["bank_questions"]:
        lines += [
            f"prompt pasted back: {results['prompt_paste_found_percent']} % of points found on "
            f"average; >= 50 % on {results['prompt_paste_questions_over_half']} of "
            f"{results['bank_questions']} questions",
            f"generic project story: {results['generic_story_found_percent']} % on average; "
            f">= 50 % on {results['generic_story_questions_over_half']} questions",
        ]
    else:
        lines.append("prompt pasted back, generic project story: not measured (--bank)")
    lines += [
        f"misleading grade notes: {results['misleading_notes']}",
        f"ms per answer: p50 {results['ms_per_answer']['p50']}, "
        f"p95 {results['ms_per_answer']['p95']}, max {results['ms_per_answer']['max']}",
    ]
    if results["grader"] == "matching":
        lines += ["", "targets: " + "; ".join(f"{name} {goal}" for name, goal in TARGETS.items())]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--grader", default="matching", choices=["matching", "ai"])
    parser.add_argument(
        "--bank", action="store_true", help="with --grader ai, also grade the bank-wide checks"
    )
    parser.add_argument(
        "--questions", type=int, help="only the first N labelled questions (a quicker look)"
    )
    arguments = parser.parse_args()
    started = time.perf_counter()
    _setup_django()
    results = run(
        arguments.grader,
        bank_checks=arguments.grader != "ai" or arguments.bank,
        questions=arguments.questions,
    )
    results["seconds"] = round(time.perf_counter() - started, 1)
    print(report(results))
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
