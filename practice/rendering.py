"""Markdown to safe HTML for questions and answers, and the bounds that keep rendering cheap.

The parser is CommonMark (markdown-it-py, built to run in linear time) with GitHub's tables and
strikethrough, so that text written for GitHub renders the same here. Raw HTML in the text goes
through the parser and is then cut down by nh3 to a short list of harmless tags.

Linear time is not enough on its own: markdown-it-py is pure Python, and some shapes of text
(hundreds of "[" left open, a table padded out to tens of thousands of empty cells) cost it
milliseconds per character. `markdown_problems` finds those shapes in one cheap pass; the
models refuse them when a text is saved (`validate_markdown`), and a text that breaks a bound
anyway (written before the bounds existed, or straight into the database) is shown as plain
text instead of being parsed, so that no page view does more than a bounded amount of work.
"""

import re
from functools import lru_cache

import nh3
from django.core.exceptions import ValidationError
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

# The longest text rendered as Markdown: the longest Markdown field, Question.model_answer.
MARKDOWN_MAX_CHARS = 6_000
# Quotes and lists inside one another; content rarely needs more than three.
MARKDOWN_MAX_NESTING = 6
# "[" still open at one point of a paragraph: link texts, images, and brackets used as text.
MARKDOWN_MAX_OPEN_BRACKETS = 10
# Header and body cells of one table, empty cells the parser pads short rows with included.
MARKDOWN_MAX_TABLE_CELLS = 2_000

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
    "a", "sup", "sub", "del", "s",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "code": {"class"}}
_ALIGNMENT_CLASSES = {
    "text-align:left": "text-start",
    "text-align:center": "text-center",
    "text-align:right": "text-end",
}
ALLOWED_CLASSES = {cell: set(_ALIGNMENT_CLASSES.values()) for cell in ("th", "td")}
# Headings start at h3 so that content never outranks the page's own h1 and h2.
_HEADING_SHIFT = {"h1": "h3", "h2": "h4"}

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_BRACKET = re.compile(r"\\.|[\[\]]")
_TABLE_DELIMITER_ROW = re.compile(r" {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
_CONTAINER_OPEN = {"blockquote_open", "bullet_list_open", "ordered_list_open"}
_CONTAINER_CLOSE = {"blockquote_close", "bullet_list_close", "ordered_list_close"}


def _markdown_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    # nh3 alone decides which links stay (http, https, mailto), as it does for raw HTML: a
    # refused link then keeps its text instead of showing its Markdown source.
    parser.validateLink = lambda url: True
    return parser


_PARSER = _markdown_parser()


def markdown_problems(text: str) -> list[str]:
    """What in this text would make rendering it as Markdown costly, each as a sentence saying
    what to change; empty when the text may be rendered.

    One pass over the lines, at most MARKDOWN_MAX_CHARS long (check the length first): fenced
    code is skipped, since the parser reads it as plain text.
    """
    open_brackets = most_open_brackets = 0
    fence = ""
    table_columns = table_rows = most_table_cells = 0
    for line in text.splitlines():
        if fence:
            if line.lstrip(" ").startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
            continue
        if opening := _FENCE.match(line):
            fence = opening.group(1)
            open_brackets = table_columns = 0
            continue
        if not line.strip():
            # A paragraph, and so any link text, ends at a blank line; so does a table.
            open_brackets = table_columns = 0
            continue
        if table_columns:
            table_rows += 1
            most_table_cells = max(most_table_cells, table_columns * table_rows)
        elif "|" in line and _TABLE_DELIMITER_ROW.fullmatch(line):
            table_columns = len(line.strip().strip("|").split("|"))
            table_rows = 2  # the header and the delimiter row
            most_table_cells = max(most_table_cells, table_columns)
        for bracket in _BRACKET.finditer(line):
            if bracket.group() == "[":
                open_brackets += 1
                most_open_brackets = max(most_open_brackets, open_brackets)
            elif bracket.group() == "]":
                open_brackets = max(0, open_brackets - 1)
    problems = []
    if most_open_brackets > MARKDOWN_MAX_OPEN_BRACKETS:
        problems.append(
            f"{most_open_brackets:,} “[” are open at once in one paragraph; at most "
            f"{MARKDOWN_MAX_OPEN_BRACKETS} may be. Close each link text with “]”, or write "
            "“\\[” for a bracket that is only text."
        )
    if most_table_cells > MARKDOWN_MAX_TABLE_CELLS:
        problems.append(
            f"A table has {most_table_cells:,} cells; at most {MARKDOWN_MAX_TABLE_CELLS:,} "
            "are allowed. Split it into smaller tables, or end it with a blank line."
        )
    return problems


def _container_depth(tokens: list[Token]) -> int:
    """How many quotes and lists the deepest block sits inside."""
    depth = deepest = 0
    for token in tokens:
        if token.type in _CONTAINER_OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif token.type in _CONTAINER_CLOSE:
            depth -= 1
    return deepest


def validate_markdown(text: str) -> None:
    """Refuse a Markdown text that breaks a bound of `markdown_problems`, or whose quotes and
    lists nest deeper than MARKDOWN_MAX_NESTING (the parser would drop what lies deeper).

    A text longer than MARKDOWN_MAX_CHARS is left to the field's length limit to refuse.
    """
    if len(text) > MARKDOWN_MAX_CHARS:
        return
    problems = markdown_problems(text)
    if not problems and _container_depth(_PARSER.parse(text)) > MARKDOWN_MAX_NESTING:
        problems.append(
            f"Quotes and lists are nested more than {MARKDOWN_MAX_NESTING} levels deep. "
            "Bring the innermost ones up a level, or split them into a list of their own."
        )
    if problems:
        raise ValidationError(problems, code="markdown_bounds")


def _html_adjusted(tokens: list[Token]) -> list[Token]:
    """Shift h1 and h2 down to h3 and h4; table alignment as classes (inline styles are
    refused by the site's content security policy)."""
    for token in tokens:
        if token.tag in _HEADING_SHIFT and token.type in ("heading_open", "heading_close"):
            token.tag = _HEADING_SHIFT[token.tag]
        elif token.type in ("th_open", "td_open") and "style" in token.attrs:
            token.attrs = {"class": _ALIGNMENT_CLASSES[str(token.attrs["style"])]}
    return tokens


def _plain_text(text: str) -> SafeString:
    """The text as written, escaped, cut at MARKDOWN_MAX_CHARS: for a text that breaks a bound."""
    shown = text[:MARKDOWN_MAX_CHARS] + (" …" if len(text) > MARKDOWN_MAX_CHARS else "")
    return mark_safe(linebreaks(shown, autoescape=True))  # noqa: S308 - escaped just here


# The output depends on the text alone, and the same prompts and answers are shown again and
# again: keep the latest few thousand.
@lru_cache(maxsize=4096)
def render_markdown(text: str) -> SafeString:
    """Render Markdown and strip anything that could run script: tags, handlers, javascript: URLs.

    A text longer than MARKDOWN_MAX_CHARS, or with a problem `markdown_problems` finds, is shown
    as plain text, so that rendering costs a bounded time whatever the database holds.
    """
    text = text or ""
    if len(text) > MARKDOWN_MAX_CHARS or markdown_problems(text):
        return _plain_text(text)
    tokens = _html_adjusted(_PARSER.parse(text))
    html = _PARSER.renderer.render(tokens, _PARSER.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
