"""Markdown to safe HTML for questions and answers, and the bounds that keep rendering cheap.

The parser is CommonMark (markdown-it-py, built to run in linear time) with GitHub's tables and
strikethrough, so that text written for GitHub renders the same here, and `$…$` / `$$…$$` math
(the TeX is sent escaped, for KaTeX to typeset in the browser: static/js/math.js). Fenced code is
highlighted by Pygments with classes (static/css/code.css), tables get Bootstrap's classes in a
scrolling wrapper, and images show only from our own /images/ URLs (practice/images.py); an
image from anywhere else becomes a link to it. Raw HTML in the text goes through the parser and
is then cut down by nh3 to a short list of harmless tags.

Linear time is not enough on its own: markdown-it-py is pure Python, and some shapes of text
(hundreds of "[" left open, a table padded out to tens of thousands of empty cells) cost it
milliseconds per character. `markdown_problems` finds those shapes in one cheap pass; the
models refuse them when a text is saved (`validate_markdown`), and a text that breaks a bound
anyway (written before the bounds existed, or straight into the database) is shown as plain
text instead of being parsed, so that no page view does more than a bounded amount of work.
"""

import html as html_entities
import re
from functools import lru_cache
from urllib.parse import unquote

import nh3
from django.core.exceptions import ValidationError
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

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
    "a", "sup", "sub", "del", "s", "span", "div", "img",
}  # fmt: skip
# "start": an ordered list that starts at 3 after a paragraph keeps its numbers.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "code": {"class"},
    "ol": {"start"},
    "img": {"src", "alt", "title", "loading"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Our own images: content-addressed, served by practice.views.images.
# One of our images' URLs; its group is the image's sha256.
OUR_IMAGE_PATH = re.compile(r"/images/([0-9a-f]{64})\.(?:png|jpg|gif|webp)")
_ALIGNMENT_CLASSES = {
    "text-align:left": "text-start",
    "text-align:center": "text-center",
    "text-align:right": "text-end",
}
_CODE_CLASSES = {name for name in STANDARD_TYPES.values() if name}
ALLOWED_CLASSES = {
    **{cell: set(_ALIGNMENT_CLASSES.values()) for cell in ("th", "td")},
    "span": _CODE_CLASSES | {"math-inline", "math-display", "missing-image"},
    "div": {"math-display", "table-responsive"},
    "table": {"table", "table-sm", "table-bordered"},
    "img": {"content-image"},
    "a": {"external-image"},
}
# Headings start at h3 so that content never outranks the page's own h1 and h2.
_HEADING_SHIFT = {"h1": "h3", "h2": "h4"}

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_BRACKET = re.compile(r"\\.|[\[\]]")
_TABLE_DELIMITER_ROW = re.compile(r" {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
_CONTAINER_OPEN = {"blockquote_open", "bullet_list_open", "ordered_list_open"}
_CONTAINER_CLOSE = {"blockquote_close", "bullet_list_close", "ordered_list_close"}


_CODE_FORMATTER = HtmlFormatter(nowrap=True)
_RAW_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_RAW_ATTRIBUTE = re.compile(
    r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+)"""
)


def _highlighted(code: str, language: str, _attrs: str) -> str:
    """Code in spans with Pygments' classes, or "" (shown plain) for an unknown language."""
    if not language:
        return ""
    try:
        lexer = get_lexer_by_name(language)
    except ClassNotFound:
        return ""
    return highlight(code, lexer, _CODE_FORMATTER)


def image_html(src: str, alt: str, title: str = "") -> str:
    """An <img> for one of our images; for any other a visible stand-in, never nothing: a link
    out for an image on another site, a note for a path that names no image of ours."""
    alt = alt.strip()
    title_attribute = f' title="{escape(title)}"' if title else ""
    if OUR_IMAGE_PATH.fullmatch(src):
        return (
            f'<img src="{escape(src)}" alt="{escape(alt)}"{title_attribute} loading="lazy" '
            'class="content-image">'
        )
    label = alt or unquote(src.rsplit("/", 1)[-1]) or "no description"
    if re.match(r"https?://", src, re.IGNORECASE):
        return f'<a href="{escape(src)}" class="external-image">Image: {escape(label)}</a>'
    return f'<span class="missing-image">Image not available: {escape(label)}</span>'


def _raw_img_attributes(tag: str) -> dict[str, str]:
    return {
        name.lower(): html_entities.unescape(value.strip("\"'"))
        for name, value in _RAW_ATTRIBUTE.findall(tag)
    }


def _raw_img_replaced(raw_html: str) -> str:
    def replace(match: re.Match) -> str:
        attributes = _raw_img_attributes(match.group())
        src = attributes.get("src", "")
        return image_html(src, attributes.get("alt", ""), attributes.get("title", ""))

    return _RAW_IMG.sub(replace, raw_html)


def _render_image(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    return image_html(str(token.attrGet("src") or ""), alt, str(token.attrGet("title") or ""))


def _render_html_inline(self, tokens, idx, options, env) -> str:
    return _raw_img_replaced(tokens[idx].content)


def _render_table_open(self, tokens, idx, options, env) -> str:
    tokens[idx].attrSet("class", "table table-sm table-bordered")
    # Focusable, so that a table wider than the screen scrolls from the keyboard too.
    wrapper = '<div class="table-responsive" tabindex="0">'
    return wrapper + self.renderToken(tokens, idx, options, env)


def _render_table_close(self, tokens, idx, options, env) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


def _render_math_inline(self, tokens, idx, options, env) -> str:
    return f'<span class="math-inline">{escape(tokens[idx].content.strip())}</span>'


def _render_math_inline_display(self, tokens, idx, options, env) -> str:
    # A span, since a paragraph may not hold a div; KaTeX's display mode makes it a block.
    return f'<span class="math-display">{escape(tokens[idx].content.strip())}</span>'


def _render_math_block(self, tokens, idx, options, env) -> str:
    return f'<div class="math-display">{escape(tokens[idx].content.strip())}</div>\n'


def _math_block(state, start_line: int, end_line: int, silent: bool) -> bool:
    """A $$…$$ block, on one line or from a line starting "$$" to one ending "$$".

    Written here rather than taken from the plugin because its search for the closing "$$"
    must stop where the block's container ends, as a fence's does (at a blank line, or a line
    indented less than the block): the plugin's looks through every list item after an item
    whose "$$" is left open, a cost quadratic in the length of the list.
    """
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False  # indented code
    start = state.bMarks[start_line] + state.tShift[start_line]
    if not state.src.startswith("$$", start):
        return False
    first = state.src[start + 2 : state.eMarks[start_line]].rstrip()
    if first.endswith("$$"):
        lines, last_line = [first[:-2]], start_line
    elif "$$" in first:
        return False  # "$$a$$ and more" is a paragraph with display math in it
    else:
        lines, last_line = [first], start_line + 1
        while True:
            if last_line >= end_line or state.isEmpty(last_line):
                return False
            if state.sCount[last_line] < state.blkIndent:
                return False
            line = state.src[
                state.bMarks[last_line] + state.tShift[last_line] : state.eMarks[last_line]
            ].rstrip()
            if line.endswith("$$"):
                lines.append(line[:-2])
                break
            lines.append(line)
            last_line += 1
    if silent:
        return True
    state.line = last_line + 1
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = "\n".join(lines)
    token.markup = "$$"
    token.map = [start_line, state.line]
    return True


def _markdown_parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"highlight": _highlighted}).enable(
        ["table", "strikethrough"]
    )
    # Math as pandoc reads it: no space inside the dollars and no digit right after the
    # closing one, so that "$5 and $10" stays text. No blank line inside $$…$$: a "$$" left
    # open then looks only as far as the paragraph's end, which keeps parsing linear.
    dollarmath_plugin(
        parser,
        allow_labels=False,
        allow_space=False,
        allow_digits=False,
        allow_blank_lines=False,
        double_inline=True,
    )
    parser.block.ruler.at("math_block", _math_block)
    parser.add_render_rule("math_inline", _render_math_inline)
    parser.add_render_rule("math_inline_double", _render_math_inline_display)
    parser.add_render_rule("math_block", _render_math_block)
    parser.add_render_rule("image", _render_image)
    parser.add_render_rule("html_inline", _render_html_inline)
    parser.add_render_rule("html_block", _render_html_inline)
    parser.add_render_rule("table_open", _render_table_open)
    parser.add_render_rule("table_close", _render_table_close)
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
        attribute_filter=_only_our_images,
        tag_attribute_values={"div": {"tabindex": {"0"}}},
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def _only_our_images(element: str, attribute: str, value: str) -> str | None:
    # Every <img> was rewritten by image_html; this holds even if one slipped through.
    if element == "img" and attribute == "src" and not OUR_IMAGE_PATH.fullmatch(value):
        return None
    return value


_RAW_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
_LINK_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")


def _images_and_links(tokens: list[Token]) -> tuple[list[str], list[str], list[str]]:
    """The image sources, link targets and raw HTML tag names of a parsed text, in order."""
    images, links, tags = [], [], []
    stack = list(reversed(tokens))
    while stack:
        token = stack.pop()
        if token.type == "image":
            images.append(str(token.attrGet("src") or ""))
        elif token.type == "link_open":
            links.append(str(token.attrGet("href") or ""))
        elif token.type in ("html_inline", "html_block"):
            images.extend(
                _raw_img_attributes(tag).get("src", "") for tag in _RAW_IMG.findall(token.content)
            )
            tags.extend(name.lower() for _, name in _RAW_TAG.findall(token.content))
        stack.extend(reversed(token.children or []))
    return images, links, tags


_LIST_ITEM = re.compile(r"( *)(\d{1,9}[.)]|[-*+])( {1,4})\S")


def _underindented_lists(text: str) -> list[str]:
    """The markers of list items with a list under them indented too little to sit inside:
    CommonMark (and GitHub) nest a list only as deep as the item's text starts, so after
    "10. " that takes four spaces, and three make a list of its own."""
    found, previous, fence = [], None, ""
    for line in text.splitlines():
        if fence:
            fence = "" if line.lstrip(" ").startswith(fence) else fence
            continue
        if opening := _FENCE.match(line):
            fence = opening.group(1)
            continue
        if item := _LIST_ITEM.match(line):
            indent = len(item.group(1))
            if previous and previous[0] < indent < previous[1]:
                found.append(
                    f"The list under item “{previous[2]}” is indented {indent} space"
                    f"{'' if indent == 1 else 's'}, so it shows as a list of its own, not "
                    f"inside that item: indent it {previous[1]} spaces, to where the item's "
                    "text starts."
                )
            previous = (indent, indent + len(item.group(2)) + len(item.group(3)), item.group(2))
    return found


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def markdown_display_problems(
    text: str, *, known_images: frozenset[str] | None = None
) -> list[str]:
    """What in this text will not show as written, a sentence each saying what to do; empty
    for a text that shows as written. For editors, before they publish.

    `known_images`, the sha256 of the images that are (or will be) stored, spares the query
    that otherwise checks the text's own images (an import checks a whole file at once).
    """
    text = text or ""
    if len(text) > MARKDOWN_MAX_CHARS:
        return [
            f"The text is {len(text):,} characters; beyond {MARKDOWN_MAX_CHARS:,} it is shown "
            "as plain text, cut. Shorten it."
        ]
    if bounds := markdown_problems(text):
        return [f"It is shown as plain text, not Markdown: {problem}" for problem in bounds]
    images, links, tags = _images_and_links(_PARSER.parse(text))
    problems = []
    ours = [(src, found.group(1)) for src in images if (found := OUR_IMAGE_PATH.fullmatch(src))]
    elsewhere = [src for src in images if re.match(r"(?i)https?://", src)]
    others = [src for src in images if not OUR_IMAGE_PATH.fullmatch(src) and src not in elsewhere]
    if ours:
        from practice.models import QuestionImage  # the models import this module

        stored = (
            known_images
            if known_images is not None
            else set(
                QuestionImage.objects.filter(sha256__in=[sha for _, sha in ours]).values_list(
                    "sha256", flat=True
                )
            )
        )
        for src, sha in ours:
            if sha not in stored:
                problems.append(
                    f"No image is stored at “{src}”; upload it with the question and paste the "
                    "Markdown shown beside it."
                )
    if elsewhere:
        problems.append(
            f"{_plural(len(elsewhere), 'image links', 'images link')} to other sites; upload "
            f"{'it' if len(elsewhere) == 1 else 'them'} with the question or put "
            f"{'it' if len(elsewhere) == 1 else 'them'} in the import archive."
        )
    for src in others:
        problems.append(
            f"Image “{unquote(src)[:80]}” is not one of our images, so only its description "
            "shows; upload it with the question and paste the Markdown shown beside it."
        )
    for href in links:
        scheme = _LINK_SCHEME.match(href)
        if scheme and scheme.group(1).lower() not in URL_SCHEMES:
            problems.append(
                f"The link “{href[:80]}” will show as plain text: only http, https and mailto "
                "links are kept."
            )
    problems.extend(_underindented_lists(text))
    removed = sorted({tag for tag in tags if tag not in ALLOWED_TAGS})
    if removed:
        names = ", ".join(f"<{tag}>" for tag in removed)
        problems.append(
            f"These HTML tags will be removed (their text stays): {names}. Write it in Markdown "
            "instead."
        )
    return problems
