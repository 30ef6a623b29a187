"""Questions as an Anki deck: the .apkg is read back as Anki would, a zip holding an SQLite
collection and the media files."""

import datetime as dt
import json
import sqlite3
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from practice.anki_export import (
    ANKI_DECK_ID,
    ANKI_DECK_MAX_QUESTIONS,
    ANKI_DECK_NAME,
    ANKI_MODEL_ID,
    DeckEmptyError,
    DeckTooLargeError,
    anki_deck_questions,
    anki_filename,
    anki_guid,
    anki_html,
    anki_image_sources,
    anki_package,
    image_names,
    mathjax_delimiters,
)
from practice.models import Question
from tests.factories import make_question, make_topic

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
PNG = (Path(__file__).parents[2] / "docs" / "screenshots" / "questions-phone.png").read_bytes()


def read_package(content: bytes) -> dict:
    """What Anki reads from an .apkg: notes (guid, fields, tags), decks, models, media."""
    archive = zipfile.ZipFile(BytesIO(content))
    with tempfile.TemporaryDirectory() as folder:
        collection = Path(folder) / "collection.anki2"
        collection.write_bytes(archive.read("collection.anki2"))
        return _read_collection(sqlite3.connect(collection), archive)


def _read_collection(db, archive) -> dict:
    try:
        notes = [
            {"guid": guid, "model": mid, "fields": fields.split("\x1f"), "tags": tags.split()}
            for guid, mid, fields, tags in db.execute("select guid, mid, flds, tags from notes")
        ]
        card_decks = {deck for (deck,) in db.execute("select did from cards")}
        decks_json, models_json = db.execute("select decks, models from col").fetchone()
    finally:
        db.close()
    media_index = json.loads(archive.read("media"))
    return {
        "notes": notes,
        "card_decks": card_decks,
        "decks": {int(k): v["name"] for k, v in json.loads(decks_json).items()},
        "models": {int(k): v for k, v in json.loads(models_json).items()},
        "media": {name: archive.read(index) for index, name in media_index.items()},
    }


def deck_of(*questions) -> list[Question]:
    return anki_deck_questions(Question.objects.filter(pk__in=[q.pk for q in questions]))


def test_a_deck_holds_one_note_per_question_with_the_prompt_in_front_and_answer_behind():
    question = make_question(
        title="Why regularise?",
        prompt="Explain **overfitting**.",
        model_answer="Penalise *large* weights.",
        key_points=[("Names L2", "l2"), ("Bias & variance", "variance")],
    )

    package = read_package(anki_package(deck_of(question), now=NOW))

    (note,) = package["notes"]
    title, prompt, answer, points, about = note["fields"]
    assert title == "Why regularise?"
    assert prompt == "<p>Explain <strong>overfitting</strong>.</p>\n"
    assert answer == "<p>Penalise <em>large</em> weights.</p>\n"
    assert points == "<ul><li>Names L2</li><li>Bias &amp; variance</li></ul>"
    assert question.topic.name in about
    assert f"mlcareer::topic::{question.topic.slug}" in note["tags"]
    assert note["model"] == ANKI_MODEL_ID
    assert package["decks"][ANKI_DECK_ID] == ANKI_DECK_NAME
    assert package["card_decks"] == {ANKI_DECK_ID}
    template = package["models"][ANKI_MODEL_ID]["tmpls"][0]
    assert "{{Title}}" in template["qfmt"] and "{{Prompt}}" in template["qfmt"]
    assert "{{Answer}}" not in template["qfmt"]
    assert "{{Answer}}" in template["afmt"] and "{{Key points}}" in template["afmt"]


def test_downloading_again_gives_the_same_ids_so_anki_updates_the_cards():
    question = make_question(slug="bias-variance", model_answer="First version.")
    first = read_package(anki_package(deck_of(question), now=NOW))
    question.model_answer = "Second version."
    question.save()
    later = NOW + dt.timedelta(days=30)
    second = read_package(anki_package(deck_of(question), now=later))

    assert first["notes"][0]["guid"] == second["notes"][0]["guid"] == anki_guid(question)
    assert first["notes"][0]["model"] == second["notes"][0]["model"]
    assert first["card_decks"] == second["card_decks"]
    assert "Second version." in second["notes"][0]["fields"][2]


def test_each_question_gets_its_own_guid_from_its_slug():
    one, two = make_question(slug="one"), make_question(slug="two")
    assert anki_guid(one) != anki_guid(two)
    two.slug = "one"
    assert anki_guid(two) == anki_guid(one)


def test_inline_and_display_math_become_mathjax_delimiters():
    assert mathjax_delimiters("Loss $L = y_i^2$ here") == r"Loss \(L = y_i^2\) here"
    assert mathjax_delimiters("$$\n\\sum_i x_i\n$$") == r"\[\sum_i x_i\]"
    assert mathjax_delimiters("a $x$ and $$y$$") == r"a \(x\) and \[y\]"


def test_prices_escaped_dollars_and_code_are_not_math():
    assert mathjax_delimiters("It costs $5 or $10 a month.") == "It costs $5 or $10 a month."
    assert mathjax_delimiters(r"Write \$x\$ for dollars") == r"Write \$x\$ for dollars"
    assert mathjax_delimiters("Run `echo $HOME $PATH` now") == "Run `echo $HOME $PATH` now"
    fenced = "```sh\necho $a $b\n```\nthen $x$"
    assert mathjax_delimiters(fenced) == "```sh\necho $a $b\n```\nthen \\(x\\)"
    assert mathjax_delimiters("$ x $ is not a formula") == "$ x $ is not a formula"


def test_rendered_fields_keep_formulas_out_of_markdown_emphasis():
    rendered = anki_html("The loss $a_1 * b_2 * c_3$ and:\n\n$$x_1 < y_2$$\n\nCode: `$a_1$`")

    assert r"\(a_1 * b_2 * c_3\)" in rendered
    assert r"\[x_1 &lt; y_2\]" in rendered
    assert "<em>" not in rendered
    assert "<code>$a_1$</code>" in rendered


def test_key_points_show_their_formulas_in_mathjax():
    question = make_question(key_points=[("Uses $\\lambda$ for the penalty", "lambda")])
    package = read_package(anki_package(deck_of(question), now=NOW))
    points = package["notes"][0]["fields"][3]
    assert points == r"<ul><li>Uses \(\lambda\) for the penalty</li></ul>"


def test_images_of_the_site_point_at_the_decks_media_files():
    html = '<p><img src="/images/3f2a.png" alt="A curve"> <img src="https://x.org/a.png"></p>'
    assert anki_image_sources(html) == (
        '<p><img src="3f2a.png" alt="A curve"> <img src="https://x.org/a.png"></p>'
    )


def test_image_names_lists_each_image_the_questions_show_once():
    one = make_question(prompt="See ![roc](/images/ab12.png)", model_answer="![](/images/cd.jpg)")
    two = make_question(prompt="Again ![roc](/images/ab12.png); not https://x.org/images/z.png")
    assert image_names([one, two]) == ["ab12.png", "cd.jpg"]


def test_media_files_are_packed_under_their_names():
    question = make_question(prompt="The curve: ![roc](/images/ab12.png)")

    content = anki_package(deck_of(question), media=[("ab12.png", PNG)], now=NOW)

    assert PNG.startswith(b"\x89PNG\r\n\x1a\n")
    assert read_package(content)["media"] == {"ab12.png": PNG}


def test_a_media_file_name_with_a_folder_is_refused():
    with pytest.raises(ValueError, match="plain file name"):
        anki_package([], media=[("../evil.png", PNG)], now=NOW)


def test_drafts_and_retired_questions_never_go_in_a_deck():
    published = make_question()
    make_question(status=Question.Status.DRAFT)
    make_question(status=Question.Status.RETIRED)
    assert anki_deck_questions(Question.objects.all()) == [published]


def test_an_empty_selection_and_one_past_the_cap_are_refused():
    with pytest.raises(DeckEmptyError):
        anki_deck_questions(Question.objects.none())
    topic = make_topic()
    Question.objects.bulk_create(
        Question(
            title=f"Q{n}", slug=f"q-{n}", prompt="p", model_answer="a", topic=topic,
            difficulty="easy", kind="conceptual", status=Question.Status.PUBLISHED,
        )
        for n in range(ANKI_DECK_MAX_QUESTIONS + 1)
    )  # fmt: skip
    with pytest.raises(DeckTooLargeError) as refused:
        anki_deck_questions(Question.objects.all())
    assert refused.value.count == ANKI_DECK_MAX_QUESTIONS + 1


def test_file_names_say_what_the_deck_holds():
    assert anki_filename("questions") == "mlcareer-questions.apkg"
    assert anki_filename("questions", qualifier="model-evaluation") == (
        "mlcareer-questions-model-evaluation.apkg"
    )
    assert anki_filename("review", qualifier="2026-03-02") == "mlcareer-review-2026-03-02.apkg"
