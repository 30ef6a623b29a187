"""Markdown to safe HTML for questions, answers and notes."""

import re
from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
    "a", "sup", "sub", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "code": {"class"}, "th": {"align"}, "td": {"align"}}
MARKDOWN_EXTENSIONS = ["fenced_code", "tables", "sane_lists"]


_LIST_ITEM = r"[ \t]*(?:[-*+]|\d+\.)[ \t]"
_LIST_AFTER_TEXT = re.compile(rf"^((?!{_LIST_ITEM}).*\S.*)\n(?={_LIST_ITEM})", re.M)


def _loosen_lists(text: str) -> str:
    """Let a list start right under a line of text, as most Markdown editors allow.

    Python-Markdown wants a blank line first; fenced code is left untouched.
    """
    parts = re.split(r"(^```.*?^```[ \t]*$|^~~~.*?^~~~[ \t]*$)", text, flags=re.M | re.S)
    return "".join(
        part if index % 2 else _LIST_AFTER_TEXT.sub(r"\1\n\n", part)
        for index, part in enumerate(parts)
    )


# The output depends on the text alone, and the same prompts and answers are shown again and
# again: keep the latest few thousand.
@lru_cache(maxsize=4096)
def render_markdown(text: str) -> SafeString:
    """Render Markdown and strip anything that could run script: tags, handlers, javascript: URLs.

    Headings start at h3 so that content never outranks the page's own h1 and h2.
    """
    html = markdown.markdown(
        _loosen_lists(text or ""), extensions=MARKDOWN_EXTENSIONS, output_format="html"
    )
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>")
    html = html.replace("<h2>", "<h4>").replace("</h2>", "</h4>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
