"""Markdown as editors write it: math, highlighted code, tables, nested lists and images."""

import re

import pytest

from practice.rendering import markdown_display_problems, render_markdown
from tests.factories import make_png

OUR_IMAGE = "/images/" + "ab" * 32 + ".png"


def test_inline_and_display_math_are_sent_as_escaped_tex_for_the_browser_to_typeset():
    html = render_markdown("Energy $E = mc^2$ and\n\n$$\n\\sum_i x_i < 3\n$$\n")

    assert '<span class="math-inline">E = mc^2</span>' in html
    assert '<div class="math-display">\\sum_i x_i &lt; 3</div>' in html


def test_display_math_inside_a_paragraph_stays_valid_html():
    html = render_markdown("The loss $$L = -\\log p$$ is minimised.")

    assert '<p>The loss <span class="math-display">L = -\\log p</span> is minimised.</p>' in html


@pytest.mark.parametrize(
    "text",
    [
        "It costs $5 and $10 a month.",
        "Say $3 per million input tokens and $15 per million output tokens.",
        "2,000 × $3/1M = $0.006, plus 200 × $15/1M = $0.003",
        "between $ 5 and $ 10",
        "a lone $ sign",
        "escaped \\$x\\$ dollars",
    ],
)
def test_prices_and_lone_dollars_stay_text(text):
    html = render_markdown(text)

    assert "math-" not in html
    assert "$" in html


def test_math_in_code_stays_code():
    html = render_markdown("`$x$` and\n\n```r\ndf$plan <- factor(df$plan)\n```")

    assert "math-" not in html
    assert "<code>$x$</code>" in html


def test_tex_that_looks_like_html_is_escaped_not_obeyed():
    html = render_markdown("$<script>alert(1)</script>$")

    assert "<script" not in html
    assert "&lt;script&gt;" in html


def test_fenced_code_is_highlighted_with_classes_and_no_inline_styles():
    html = render_markdown("```python\ndef f(x):\n    return x < 1  # small\n```")

    assert '<code class="language-python">' in html
    assert '<span class="k">def</span>' in html
    assert '<span class="c1"># small</span>' in html
    assert "&lt;" in html
    assert "style" not in html


@pytest.mark.parametrize("fence", ["```\n", "```no-such-language\n"])
def test_code_without_a_known_language_is_shown_plain(fence):
    html = render_markdown(fence + "x = a < b\n```")

    assert "x = a &lt; b" in html
    assert "<span" not in html


def test_tables_get_bootstraps_classes_inside_a_scrolling_wrapper():
    html = render_markdown("| metric | value |\n| --- | ---: |\n| recall | 0.9 |")

    assert html.startswith(
        '<div class="table-responsive" tabindex="0"><table class="table table-sm table-bordered">'
    )
    assert html.rstrip().endswith("</table>\n</div>")


def _list_shape(html: str) -> str:
    """The lists and items only: "ol[li ul[li]]"."""
    tags = re.findall(r"<(/?)(ol|ul|li)\b[^>]*>", html)
    shape = ""
    for closing, tag in tags:
        if tag == "li":
            shape += "" if closing else "li "
        else:
            shape += "] " if closing else f"{tag}["
    return " ".join(shape.split())


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("1. a\n   - b", "ol[li ul[li ] ]"),
        ("- a\n   - b", "ul[li ul[li ] ]"),
        ("10. a\n    - b", "ol[li ul[li ] ]"),
        ("Steps:\n1. a\n   1. b\n   2. c\n2. d", "ol[li ol[li li ] li ]"),
        ("Intro.\n\n- a\n\n   - b\n\n- c", "ul[li ul[li ] li ]"),
        ("1. a\r\n   - b\r\n2. c", "ol[li ul[li ] li ]"),
    ],
)
def test_nested_lists_indented_as_github_accepts_stay_nested(text, shape):
    assert _list_shape(render_markdown(text)) == shape


def test_a_list_that_goes_on_after_a_paragraph_keeps_its_numbers():
    # The parser says start="3"; the sanitiser used to drop it, so the list began again at 1.
    html = render_markdown("1. gather data\n2. clean it\n\nThen, once it is clean:\n\n3. train")

    assert '<ol start="3">' in html


def test_a_list_indented_too_little_to_nest_is_named_for_the_editor():
    # CommonMark and GitHub alike nest only as deep as the item's text: four spaces after "10.".
    text = "9. nine\n10. ten\n   - under ten\n11. eleven"

    assert markdown_display_problems(text) == [
        "The list under item “10.” is indented 3 spaces, so it shows as a list of its own, not "
        "inside that item: indent it 4 spaces, to where the item's text starts."
    ]
    assert '<ol start="11">' in render_markdown(text)


def test_an_imported_csv_cell_keeps_the_indentation_of_its_nested_list():
    from practice.import_formats import read_upload

    cell = "1. Split the data\n   - by time\n2. Train"
    data = f'title,prompt,model_answer,key_points\nSplits,How?,"{cell}",Splits :: split\n'.encode()

    answer = read_upload("questions.csv", data).rows[0].cells["model_answer"]

    assert _list_shape(render_markdown(answer)) == "ol[li ul[li ] li ]"


def test_an_answer_edited_in_the_admin_keeps_its_nested_list(editor_client, db):
    from practice.models import Question
    from tests.factories import make_skill, make_topic

    answer = "Two steps:\n\n1. Split the data\n   - by time\n   - by user\n2. Train"
    form = {
        "title": "Splits",
        "slug": "splits",
        "topic": make_topic().pk,
        "skills": [make_skill().pk],
        "status": "draft",
        "prompt": "How do you split data?",
        "difficulty": "easy",
        "kind": "conceptual",
        "suggested_minutes": "5",
        # A browser sends a textarea's lines ending in CR LF.
        "model_answer": answer.replace("\n", "\r\n"),
        "source_name": "MLCareer",
        "key_points-TOTAL_FORMS": "0",
        "key_points-INITIAL_FORMS": "0",
        "common_mistakes-TOTAL_FORMS": "0",
        "common_mistakes-INITIAL_FORMS": "0",
    }

    response = editor_client.post("/admin/practice/question/add/", form)

    assert response.status_code == 302
    stored = Question.objects.get(slug="splits").model_answer
    assert _list_shape(render_markdown(stored)) == "ol[li ul[li li ] li ]"


def test_one_of_our_images_is_shown_lazily_with_its_description():
    html = render_markdown(f'![A confusion matrix]({OUR_IMAGE} "Counts")')

    assert (
        f'<img src="{OUR_IMAGE}" alt="A confusion matrix" title="Counts" loading="lazy" '
        'class="content-image">'
    ) in html


def test_an_image_on_another_site_becomes_a_visible_link_to_it():
    html = render_markdown("Dots ![scatter plot](https://example.org/a.png), then")

    assert "<img" not in html
    assert 'href="https://example.org/a.png"' in html
    assert ">Image: scatter plot</a>, then" in html


def test_an_image_with_a_path_that_is_not_ours_shows_its_description():
    html = render_markdown("Dots ![scatter plot](figs/a.png), then")

    assert "<img" not in html
    assert "Image not available: scatter plot" in html


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (f'<img src="{OUR_IMAGE}" alt="ours" width="9">', f'<img src="{OUR_IMAGE}" alt="ours"'),
        ('<img src="https://example.org/b.png" alt="theirs">', ">Image: theirs</a>"),
        ("<img src=x onerror=alert(1)>", "Image not available: x"),
    ],
)
def test_raw_html_images_follow_the_same_rule(raw, shown):
    html = render_markdown(f"Before {raw} after")

    assert shown in html
    assert "onerror" not in html and "width" not in html


def test_an_image_pointing_at_a_script_url_never_links_there():
    html = render_markdown("![x](javascript:alert(1))")

    assert "javascript:" not in html
    assert "Image not available: x" in html


def test_clean_text_has_no_display_problems():
    text = "Use **L2**: $\\lambda \\|w\\|^2$.\n\n[docs](https://scikit-learn.org) [bank](/q/)"

    assert markdown_display_problems(text) == []


@pytest.mark.django_db
def test_display_problems_name_what_will_not_show_as_written():
    text = (
        "![a](https://example.org/a.png) ![b](http://example.org/b.png) ![c](figs/c%20d.png)\n"
        "[run](javascript:alert(1)) <font color=red>red</font> <iframe src=x></iframe>"
    )

    assert markdown_display_problems(text) == [
        "2 images link to other sites; upload them with the question or put them in the "
        "import archive.",
        "Image “figs/c d.png” is not one of our images, so only its description shows; upload "
        "it with the question and paste the Markdown shown beside it.",
        "The link “javascript:alert(1)” will show as plain text: only http, https and mailto "
        "links are kept.",
        "These HTML tags will be removed (their text stays): <font>, <iframe>. Write it in "
        "Markdown instead.",
    ]


@pytest.mark.django_db
def test_display_problems_name_an_image_url_of_ours_that_nothing_is_stored_at():
    from practice.images import image_store

    stored = image_store(make_png(), name="a.png")

    problems = markdown_display_problems(f"![a]({stored.url}) ![b]({OUR_IMAGE})")

    assert problems == [
        f"No image is stored at “{OUR_IMAGE}”; upload it with the question and paste the "
        "Markdown shown beside it."
    ]


def test_display_problems_say_a_text_over_the_bounds_is_shown_as_plain_text():
    problems = markdown_display_problems("Explain bias. " + "[" * 11)

    assert problems == [
        "It is shown as plain text, not Markdown: 11 “[” are open at once in one paragraph; "
        "at most 10 may be. Close each link text with “]”, or write “\\[” for a bracket that "
        "is only text."
    ]
