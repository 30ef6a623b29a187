"""Markdown texts built to make a parser do the most work for their length.

Each entry builds a text of at most the given number of characters. The render-time test and
`bench/markdown_render.py` share them, so the figures in docs/PERFORMANCE.md are those of the
inputs the test holds to its bound.
"""

from collections.abc import Callable


def _repeat(unit: str, length: int, prefix: str = "", suffix: str = "") -> str:
    """prefix, then unit as many times as fits, then suffix: at most length characters."""
    count = max(0, (length - len(prefix) - len(suffix)) // len(unit))
    return prefix + unit * count + suffix


def _ladder(step: Callable[[int], str], length: int) -> str:
    """step(1) + step(2) + … for as long as the text stays within length characters."""
    parts, used, depth = [], 0, 1
    while used + len(step(depth)) <= length:
        parts.append(step(depth))
        used += len(parts[-1])
        depth += 1
    return "".join(parts)


def _table(columns: int, body: str, length: int) -> str:
    """A header of `columns` cells and its delimiter row, then `body` repeated to fill."""
    head = "|a" * columns + "|\n" + "|-" * columns + "|\n"
    return _repeat(body, length, prefix=head)


def _wide_table(length: int) -> str:
    """As many columns as rows: the most cells for the length."""
    columns = max(1, int((length / 6) ** 0.5))
    return _table(columns, "|b" * columns + "|\n", length)


def _cell_filling_table(length: int) -> str:
    """A header half the text long over rows without a pipe, each of which the table would pad
    to the header's width: output quadratic in the input for a naive parser."""
    columns = length // 8
    return _table(columns, "x\n", length)


def _references(length: int) -> str:
    """Half reference definitions, half links that use them."""
    definitions = _repeat("[a]: /u\n", length // 2)
    return definitions + _repeat("[a]", length - len(definitions))


PATHOLOGICAL_MARKDOWN: dict[str, Callable[[int], str]] = {
    "open brackets": lambda n: _repeat("[", n, prefix="Explain bias. "),
    "nested brackets, closed": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "ten open brackets, then text": lambda n: _repeat("a ", n, prefix="[" * 10),
    "ten open brackets a paragraph": lambda n: _repeat("[" * 10 + "a\n\n", n),
    "unclosed links": lambda n: _repeat("[a](", n),
    "unclosed link targets": lambda n: _repeat("[a](b", n),
    "parentheses in link targets": lambda n: _repeat("(", n, prefix="[a]("),
    "unclosed images": lambda n: _repeat("![", n),
    "links inside emphasis": lambda n: _repeat("*[", n),
    "div tags": lambda n: _repeat("<div>", n),
    "unclosed tags": lambda n: _repeat("<a ", n),
    "html comment openers": lambda n: _repeat("<!--", n),
    "autolink openers": lambda n: _repeat("<http://", n),
    "nested quotes": lambda n: _repeat("> ", n, suffix="x"),
    "nested bullet lists": lambda n: _repeat("- ", n, suffix="x"),
    "nested ordered lists": lambda n: _repeat("1. ", n, suffix="x"),
    "quotes inside lists": lambda n: _repeat("- > ", n, suffix="x"),
    "indented list ladder": lambda n: _ladder(lambda depth: "  " * depth + "- x\n", n),
    "quote ladder": lambda n: _ladder(lambda depth: "> " * depth + "x\n", n),
    "star emphasis run": lambda n: _repeat("*a", n),
    "underscore emphasis run": lambda n: _repeat("_a", n),
    "mixed emphasis run": lambda n: _repeat("*_a", n),
    "strong and em run": lambda n: _repeat("**a*", n),
    "stars only": lambda n: "a" + "*" * (n - 2) + "a",
    "strikethrough run": lambda n: _repeat("~~a", n),
    "growing backtick runs": lambda n: _ladder(lambda depth: "`" * depth + "a", n),
    "backticks only": lambda n: "`" * n,
    "entities": lambda n: _repeat("&amp;", n),
    "broken entities": lambda n: _repeat("&#", n),
    "escapes": lambda n: _repeat("\\*", n),
    "many short lines": lambda n: _repeat("a\n", n),
    "many headings": lambda n: _repeat("# a\n", n),
    "fence openers": lambda n: _repeat("```\n", n),
    "reference links": _references,
    "unused reference definitions": lambda n: _repeat("[a]:\n", n),
    "wide table": _wide_table,
    "long table": lambda n: _table(2, "|b|c|\n", n),
    "table padding empty cells": _cell_filling_table,
    "dollars only": lambda n: "$" * n,
    "unclosed inline math": lambda n: _repeat("$a ", n),
    "math refused by the digit after it": lambda n: _repeat("$a$1", n),
    "escaped dollars after an open one": lambda n: _repeat("\\$", n, prefix="$a"),
    "math openers among escaped dollars": lambda n: _repeat("$a\\$", n),
    "backslashes before dollars": lambda n: _repeat("\\\\$", n),
    "display math in a paragraph": lambda n: _repeat("$$a", n),
    "display math lines": lambda n: _repeat("$$\n", n),
    "display math left open, line by line": lambda n: _repeat("$$ a\n", n),
    "display math left open in list items": lambda n: _repeat("- $$ a\n", n),
    "display math left open in nested items": lambda n: _repeat("- $$ a\n  ", n),
    "display math left open in quotes": lambda n: _repeat("> $$ a\n", n),
    "math in link texts": lambda n: _repeat("[$a", n),
    "highlighted code": lambda n: _repeat("'''a", n - 14, prefix="```python\n") + "\n```",
    "highlighted code blocks": lambda n: _repeat("```python\nx\n```\n", n),
}
