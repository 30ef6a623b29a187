"""What an import row changes in a field, marked: <del> in the value before, <ins> after.

Tags alone, without style attributes, which the content security policy refuses; the admin's
stylesheet colours them.
"""

from diff_match_patch import diff_match_patch
from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_matcher = diff_match_patch()


def _marked(before: str, after: str, *, side: int) -> SafeString:
    changes = _matcher.diff_main(before, after)
    _matcher.diff_cleanupSemantic(changes)
    tag = {diff_match_patch.DIFF_DELETE: "del", diff_match_patch.DIFF_INSERT: "ins"}
    return format_html_join(
        "",
        "<{0}>{1}</{0}>",
        (
            (tag.get(operation, "span"), mark_safe(escape(text).replace("\n", "&para;<br>")))
            for operation, text in changes
            if operation in (side, diff_match_patch.DIFF_EQUAL)
        ),
    )


@register.filter
def marked_before(change) -> SafeString:
    return _marked(change.before, change.after, side=diff_match_patch.DIFF_DELETE)


@register.filter
def marked_after(change) -> SafeString:
    return _marked(change.before, change.after, side=diff_match_patch.DIFF_INSERT)
