"""Images of questions and answers: checked by their bytes, stored once, served from our site."""

import hashlib
import re

import pytest
from django.core.exceptions import ValidationError

from practice.images import (
    IMAGE_MAX_BYTES,
    archive_images_resolve,
    image_store,
    image_url_for,
)
from practice.models import QuestionImage
from tests.factories import make_editor, make_png, make_question

PNG = make_png()
PNG_URL = f"/images/{hashlib.sha256(PNG).hexdigest()}.png"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20
GIF = b"GIF89a" + b"\x00" * 20
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 8
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("data", "extension"), [(PNG, "png"), (JPEG, "jpg"), (GIF, "gif"), (WEBP, "webp")]
)
def test_each_accepted_kind_gets_a_url_named_by_its_content(data, extension):
    url = image_url_for(data, name="whatever.bin")

    assert url == f"/images/{hashlib.sha256(data).hexdigest()}.{extension}"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (SVG, "chart.svg", "Image “chart.svg” is refused: SVG is not accepted; convert it to PNG"),
        (SVG, "chart.png", "Image “chart.png” is refused: SVG is not accepted; convert it to PNG"),
        (
            b"BM" + b"\x00" * 40,
            "dots.bmp",
            "Image “dots.bmp” is refused: it is not a PNG, JPEG, GIF or WebP image; save it as "
            "PNG or JPEG.",
        ),
        (b"", "empty.png", "Image “empty.png” is refused: the file is empty"),
        (
            PNG + b"\x00" * IMAGE_MAX_BYTES,
            "big.png",
            "Image “big.png” is refused: it is 2.0 MB and the limit is 2 MB",
        ),
    ],
)
def test_anything_but_a_small_png_jpeg_gif_or_webp_is_refused_saying_why(data, name, message):
    with pytest.raises(ValidationError) as refused:
        image_url_for(data, name=name)

    assert refused.value.messages[0].startswith(message)


@pytest.mark.django_db
def test_the_same_image_uploaded_twice_is_stored_once():
    editor = make_editor()

    first = image_store(PNG, name="figs/dots.png", user=editor)
    again = image_store(PNG, name="copy.png")

    assert again.pk == first.pk
    assert QuestionImage.objects.count() == 1
    assert (first.original_name, first.size, first.uploaded_by) == ("dots.png", len(PNG), editor)
    assert first.url == PNG_URL == image_url_for(PNG, name="x.png")


@pytest.mark.django_db
def test_a_refused_image_is_not_stored():
    with pytest.raises(ValidationError):
        image_store(SVG, name="a.svg")

    assert not QuestionImage.objects.exists()


@pytest.mark.parametrize(
    "path", ["x.png", "./x.png", "img/x.png", "./img/x.png", "img%2Fx.png", "../img/x.png"]
)
def test_archive_images_are_found_however_the_text_names_their_path(path):
    text, problems = archive_images_resolve(
        f"See ![dots]({path}).", {"img/x.png": PNG}, store=False
    )

    assert (text, problems) == (f"See ![dots]({PNG_URL}).", [])


def test_an_archive_path_relative_to_a_subfolder_is_found():
    text, problems = archive_images_resolve(
        '![a](figs/a.png "Dots") and <img alt="b" src="figs/a.png">',
        {"deck/media/figs/a.png": PNG, "deck/media/figs/b.png": GIF},
        store=False,
    )

    assert text == f'![a]({PNG_URL} "Dots") and <img alt="b" src="{PNG_URL}">'
    assert problems == []


def test_archive_problems_are_one_sentence_each():
    text = (
        "![a](figs/a.png) ![b](b.svg) ![c](c.png) ![again](figs/a.png)\n"
        "![web](https://example.org/w.png) ![ours](" + PNG_URL + ")"
    )

    new_text, problems = archive_images_resolve(
        text, {"b.svg": SVG, "one/c.png": PNG, "two/c.png": GIF}, store=False
    )

    assert new_text == text
    assert problems == [
        "image “figs/a.png” is not in the archive",
        "image “b.svg” is refused: SVG is not accepted; convert it to PNG",
        "image “c.png” could be any of 2 files of the archive (one/c.png, two/c.png); write "
        "its folder too",
    ]


def test_images_in_fenced_code_are_left_as_written():
    text = "```markdown\n![a](a.png)\n```\n![a](a.png)"

    new_text, _ = archive_images_resolve(text, {"a.png": PNG}, store=False)

    assert new_text == f"```markdown\n![a](a.png)\n```\n![a]({PNG_URL})"


@pytest.mark.django_db
def test_archive_images_are_stored_only_when_asked():
    archive_images_resolve("![a](a.png)", {"a.png": PNG}, store=False)
    assert not QuestionImage.objects.exists()

    text, _ = archive_images_resolve("![a](a.png)", {"a.png": PNG}, store=True)

    assert QuestionImage.objects.get().url in text


@pytest.mark.django_db
def test_an_image_is_served_with_its_type_and_kept_by_browsers(client):
    image_store(PNG, name="a.png")

    response = client.get(PNG_URL)

    assert response.status_code == 200
    assert response.content == PNG
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/images/" + "0" * 64 + ".png",
        PNG_URL.replace(".png", ".gif"),  # stored, but not as a GIF
        "/images/x.png",
    ],
)
def test_an_unknown_image_is_not_found(client, url):
    image_store(PNG, name="a.png")

    assert client.get(url).status_code == 404


def _question_form(question) -> dict:
    return {
        "title": question.title,
        "slug": question.slug,
        "topic": question.topic_id,
        "skills": [skill.pk for skill in question.skills.all()],
        "status": question.status,
        "prompt": question.prompt,
        "difficulty": question.difficulty,
        "kind": question.kind,
        "suggested_minutes": question.suggested_minutes,
        "model_answer": question.model_answer,
        "source_name": question.source_name,
        "key_points-TOTAL_FORMS": "0",
        "key_points-INITIAL_FORMS": "0",
        "common_mistakes-TOTAL_FORMS": "0",
        "common_mistakes-INITIAL_FORMS": "0",
    }


def test_an_editor_uploads_an_image_on_the_question_page_and_sees_what_to_paste(editor_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    question = make_question()
    url = f"/admin/practice/question/{question.pk}/change/"
    form = _question_form(question) | {
        "image_uploads": [SimpleUploadedFile("dots.png", PNG, content_type="image/png")]
    }

    response = editor_client.post(url, form)

    assert response.status_code == 302
    image = QuestionImage.objects.get()
    assert (image.question, image.original_name, image.sha256) == (
        question,
        "dots.png",
        hashlib.sha256(PNG).hexdigest(),
    )
    page = editor_client.get(url).content.decode()
    assert f"<code>![alt text]({PNG_URL})</code>" in page
    assert f'<img src="{PNG_URL}" alt="dots.png" class="question-image-thumb">' in page
    assert "js/math.js" in page


def test_the_question_page_refuses_an_svg_upload_and_saves_nothing(editor_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    question = make_question()
    form = _question_form(question) | {
        "image_uploads": [SimpleUploadedFile("chart.svg", SVG, content_type="image/svg+xml")]
    }

    response = editor_client.post(f"/admin/practice/question/{question.pk}/change/", form)

    assert response.status_code == 200
    assert "Image “chart.svg” is refused: SVG is not accepted; convert it to PNG." in (
        response.content.decode()
    )
    assert not QuestionImage.objects.exists()


def test_the_question_page_preview_names_what_will_not_show_as_written(editor_client):
    question = make_question(model_answer="Dots ![scatter](https://example.org/s.png), then")

    page = editor_client.get(f"/admin/practice/question/{question.pk}/change/").content.decode()

    assert "What will not show as written" in page
    assert (
        "Model answer: 1 image links to other sites; upload it with the question or put it in "
        "the import archive."
    ) in page
    assert ">Image: scatter</a>, then" in page


def test_the_images_admin_lists_and_adds_images(editor_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = editor_client.post(
        "/admin/practice/questionimage/add/",
        {"upload": SimpleUploadedFile("a.png", PNG), "question": ""},
    )

    assert response.status_code == 302
    listing = editor_client.get("/admin/practice/questionimage/").content.decode()
    assert re.search(rf'<img src="{re.escape(PNG_URL)}" alt="a.png"', listing)
