from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from practice.feedback.evidence import evidence_spans
from practice.rendering import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """Safe HTML from Markdown (see practice.rendering)."""
    return render_markdown(text)


@register.filter
def elided_page_range(page):
    """The first and last page numbers and two either side of this one, with ellipses between:
    a fixed number of links however many pages there are."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.filter
def duration(seconds) -> str:
    """45 → "45 s"; 125 → "2 min 5 s"; 3600 → "60 min"."""
    if seconds is None or seconds == "":
        return "–"
    minutes, rest = divmod(int(seconds), 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


@register.filter
def clock(seconds) -> str:
    """192 → "3:12", as a stopwatch shows it; 3725 → "62:05"."""
    if seconds is None or seconds == "":
        return "–"
    minutes, rest = divmod(max(0, int(seconds)), 60)
    return f"{minutes}:{rest:02d}"


@register.filter
def duration_words(seconds) -> str:
    """1440 → "24 minutes"; 70 → "1 minute 10 seconds"; 45 → "45 seconds"."""
    if seconds is None or seconds == "":
        return "–"
    minutes, rest = divmod(max(0, int(seconds)), 60)
    parts = [
        f"{n} {unit}{'' if n == 1 else 's'}"
        for n, unit in ((minutes, "minute"), (rest, "second"))
        if n
    ]
    return " ".join(parts) or "0 seconds"


@register.filter
def percent(fraction) -> str:
    """0.8 → "80%"."""
    if fraction is None or fraction == "":
        return "–"
    return f"{round(float(fraction) * 100)}%"


@register.simple_tag
def answer_with_evidence(answer: str, feedback, attempt_pk) -> SafeString:
    """The learner's answer as escaped text with line breaks, each sentence that makes a key
    point marked and numbered like the point in the feedback panel."""
    evidence = [point.evidence for point in feedback.points] if feedback else []
    parts, position = [], 0
    for span in evidence_spans(answer, evidence):
        parts.append(linebreaksbr(answer[position : span.start], autoescape=True))
        numbers = ", ".join(str(number) for number in span.numbers)
        parts.append(
            format_html(
                '<mark class="evidence" id="evidence-{}-{}">{}'
                '<sup class="evidence-number">{}</sup></mark>',
                attempt_pk,
                span.numbers[0],
                linebreaksbr(answer[span.start : span.end], autoescape=True),
                numbers,
            )
        )
        position = span.end
    parts.append(linebreaksbr(answer[position:], autoescape=True))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above
