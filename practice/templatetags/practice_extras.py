from django import template

from practice.rendering import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    """Safe HTML from Markdown (see practice.rendering)."""
    return render_markdown(text)
