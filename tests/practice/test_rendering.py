import re

import pytest

from practice.rendering import render_markdown


def test_markdown_renders_emphasis_lists_and_code():
    html = render_markdown("Use **L2**:\n\n- shrink weights\n\n```python\nx = a < b\n```")

    assert "<strong>L2</strong>" in html
    assert "<li>shrink weights</li>" in html
    assert '<code class="language-python">x = a &lt; b' in html


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
    html = render_markdown("```python\nx = 1\n- y\n```")

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
