from django import template

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
def percent(fraction) -> str:
    """0.8 → "80%"."""
    if fraction is None or fraction == "":
        return "–"
    return f"{round(float(fraction) * 100)}%"
