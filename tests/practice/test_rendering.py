import re
import time

import pytest
from django.core.exceptions import ValidationError

from practice.models import Question
from practice.rendering import (
    MARKDOWN_MAX_CHARS,
    markdown_problems,
    render_markdown,
    validate_markdown,
)
from tests.practice.pathological_markdown import PATHOLOGICAL_MARKDOWN


def test_markdown_renders_emphasis_lists_and_code():
    html = render_markdown("Use **L2**:\n\n- shrink weights\n\n```python\nx = a < b\n```")

    assert "<strong>L2</strong>" in html
    assert "<li>shrink weights</li>" in html
    assert '<code class="language-python"><span class="n">x</span>' in html
    assert '<span class="o">&lt;</span>' in html


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        '<a href="#" onclick="alert(1)">click</a>',
        "<iframe src='https://evil.example'></iframe>",
        "<svg onload=alert(1)></svg>",
        "<style>body{display:none}</style>",
    ],
)
def test_script_and_event_handlers_never_survive(hostile):
    html = render_markdown(f"Before {hostile} after")

    lowered = html.lower()
    assert "<script" not in lowered
    assert "onerror" not in lowered and "onclick" not in lowered and "onload" not in lowered
    assert "javascript:" not in lowered
    assert "<iframe" not in lowered and "<style" not in lowered and "<img" not in lowered
    assert "after" in html


def test_headings_start_below_the_page_headings():
    html = render_markdown("# Big\n\n## Smaller")

    assert "<h3>Big</h3>" in html and "<h4>Smaller</h4>" in html
    assert "<h1" not in html and "<h2" not in html


def test_links_are_kept_safe_and_marked_nofollow():
    html = render_markdown("[docs](https://scikit-learn.org)")

    assert 'href="https://scikit-learn.org"' in html
    assert "nofollow" in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""


def test_a_list_right_under_a_line_of_text_is_still_a_list():
    html = render_markdown("**What I report**\n- PR-AUC\n- recall at k\n\n1. first\n2. second")

    assert "<li>PR-AUC</li>" in html and "<li>recall at k</li>" in html
    assert "<ol>" in html


def test_code_blocks_keep_their_lines_as_written():
    html = render_markdown("```\nx = 1\n- y\n```")

    assert "x = 1\n- y" in html
    assert "<li>" not in html


def test_pagination_links_stay_few_however_many_pages():
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    page = Paginator(range(1000), 20).page(25)  # 50 pages

    html = render_to_string("includes/pagination.html", {"page": page, "query": "q=loss"})

    numbers = [int(n) for n in re.findall(r'page-link"[^>]*>(\d+)<', html)]
    assert numbers == [1, 23, 24, 25, 26, 27, 50]
    assert html.count("…") == 2
    assert 'href="?q=loss&amp;page=26"' in html
    assert '<span class="page-link">25</span>' in html  # the current page, not a link


MARKDOWN_FIELDS = ["prompt", "model_answer"]
RENDER_BOUND_SECONDS = 0.1


def _best_render_seconds(text: str) -> float:
    """The processor time of the best of three renders, each on an empty cache.

    Processor time, not the wall clock: on a shared machine the wall clock also counts the
    time other processes had the processor, which can triple it, while the work a render does
    (and a worker spends on it) is what the bound is about. Stops at the first render under it.
    """
    best = float("inf")
    for _ in range(3):
        render_markdown.cache_clear()
        started = time.process_time()
        render_markdown(text)
        best = min(best, time.process_time() - started)
        if best < RENDER_BOUND_SECONDS:
            break
    return best


@pytest.mark.parametrize("field", MARKDOWN_FIELDS)
@pytest.mark.parametrize("shape", PATHOLOGICAL_MARKDOWN)
def test_every_markdown_field_renders_in_under_100_ms_at_its_length_limit(field, shape):
    """However the text is built, a view that renders it cannot hang a worker."""
    text = PATHOLOGICAL_MARKDOWN[shape](Question._meta.get_field(field).max_length)

    assert _best_render_seconds(text) < RENDER_BOUND_SECONDS


def test_a_text_over_the_bounds_is_shown_as_plain_text_and_cut():
    html = render_markdown("Explain **bias**. " + "[" * 20_000)

    assert html.startswith("<p>Explain **bias**. [[[")
    assert html.endswith(" …</p>")
    assert len(html) < MARKDOWN_MAX_CHARS + 20


def test_tables_render_with_their_alignment_as_classes():
    html = render_markdown("| metric | value |\n| :--- | ---: |\n| recall | 0.9 |")

    assert '<th class="text-start">metric</th>' in html
    assert '<td class="text-end">0.9</td>' in html
    assert "style" not in html


def test_strikethrough_and_raw_inline_html_that_is_allowed():
    html = render_markdown("~~old~~ x<sup>2</sup>")

    assert "<s>old</s>" in html and "<sup>2</sup>" in html


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("> " * 7 + "too deep", "nested more than 6 levels deep"),
        ("- " * 7 + "too deep", "nested more than 6 levels deep"),
        ("Explain bias. " + "[" * 11, "11 “[” are open at once in one paragraph; at most 10"),
        (
            "|a" * 50 + "|\n" + "|-" * 50 + "|\n" + "x\n" * 40,
            "A table has 2,100 cells; at most 2,000 are allowed.",
        ),
    ],
)
def test_markdown_beyond_a_bound_is_refused_with_what_to_change(text, message):
    with pytest.raises(ValidationError) as refused:
        validate_markdown(text)

    assert any(message in problem for problem in refused.value.messages)


@pytest.mark.parametrize(
    "text",
    [
        "> quote\n> > inside\n>\n> - a list\n>   - in a list\n>     - in a list",
        "[a [nested] link](https://example.org) and \\[" + "\\[" * 20,
        "```python\ngrid = " + "[" * 30 + "\n```\n\nAfter the code.",
        "[" * 10 + "a\n\n" + "[" * 10 + "b",
        "|a|b|\n|-|-|\n" + "|1|2|\n" * 900,
    ],
)
def test_markdown_within_the_bounds_is_accepted(text):
    validate_markdown(text)

    assert markdown_problems(text) == []
