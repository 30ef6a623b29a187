"""Time to render each pathological Markdown text, at the lengths the Markdown fields allow.

    .venv/bin/python bench/markdown_render.py [--lengths 5000,20000] [--timeout 60]

The texts are those of tests/practice/pathological_markdown.py. Each is rendered through
practice.rendering.render_markdown in a process of its own, killed after --timeout seconds (a
renderer that hangs shows as "> 60 s"); the figure is the best of 3 renders, with the render
cache emptied before each, in milliseconds. Prints a Markdown table, one row an input, one
column a length.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.practice.pathological_markdown import PATHOLOGICAL_MARKDOWN  # noqa: E402

ROUNDS = 3
# A render slower than this is not repeated: one run already says it is far too slow.
REPEAT_BELOW_SECONDS = 1.0


def render_best_ms(name: str, length: int) -> float:
    """Best of ROUNDS renders of one input, in milliseconds, the cache emptied each time."""
    from practice.rendering import render_markdown

    text = PATHOLOGICAL_MARKDOWN[name](length)
    best = float("inf")
    for _ in range(ROUNDS):
        render_markdown.cache_clear()
        started = time.perf_counter()
        render_markdown(text)
        elapsed = time.perf_counter() - started
        best = min(best, elapsed)
        if elapsed > REPEAT_BELOW_SECONDS:
            break
    return best * 1000


def measure(name: str, length: int, timeout: float) -> str:
    """The figure for one input in a child process: "12.3", "> 60 s" or "fails (Error)"."""
    command = [sys.executable, __file__, "--one", name, str(length)]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=os.environ
        )
    except subprocess.TimeoutExpired:
        return f"> {timeout:g} s"
    if done.returncode:
        error = done.stderr.strip().splitlines()[-1].split(":")[0]
        return f"fails ({error})"
    milliseconds = float(done.stdout)
    return f"{milliseconds:,.0f}" if milliseconds >= 100 else f"{milliseconds:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", default="5000,20000", help="comma-separated, characters")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per input")
    parser.add_argument("--one", nargs=2, metavar=("NAME", "LENGTH"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        name, length = arguments.one
        print(render_best_ms(name, int(length)))
        return
    lengths = [int(length) for length in arguments.lengths.split(",")]
    print("| input | " + " | ".join(f"{length:,} chars, ms" for length in lengths) + " |")
    print("| --- |" + " ---: |" * len(lengths))
    for name in PATHOLOGICAL_MARKDOWN:
        figures = [measure(name, length, arguments.timeout) for length in lengths]
        print(f"| {name} | " + " | ".join(figures) + " |", flush=True)


if __name__ == "__main__":
    main()
