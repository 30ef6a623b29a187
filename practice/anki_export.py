"""Questions as an Anki deck (.apkg), for learners who review with Anki's own flashcards.

Each question is one note: the title and the prompt on the front, the model answer and the key
points on the back. The note type and the deck have fixed ids and each note's guid comes from
its question's slug, so that importing a newer download updates the cards already in Anki
(their review history included) instead of adding copies.
"""

import datetime as dt
import html
import io
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import genanki
from django.db.models import Prefetch, QuerySet

from practice.models import KeyPoint, Question, QuestionImage
from practice.rendering import render_markdown

# Fixed forever: Anki recognises the note type and the deck by these ids. Changing one makes
# every learner's next import a second deck of duplicates.
ANKI_MODEL_ID = 1_721_504_893
ANKI_DECK_ID = 1_930_266_417
ANKI_DECK_NAME = "MLCareer interview questions"
ANKI_GUID_NAMESPACE = "mlcareer-question"
# A deck is built in memory in one request; a thousand questions take about a second.
ANKI_DECK_MAX_QUESTIONS = 1_000
ANKI_CONTENT_TYPE = "application/apkg"

ANKI_CSS = """\
.card { font-family: system-ui, sans-serif; font-size: 18px; line-height: 1.45;
  color: #212529; background: #fff; text-align: left; max-width: 42em; margin: 0 auto; }
.nightMode.card, .night_mode .card { color: #e9ecef; background: #212529; }
.question-title { font-size: 1.2em; margin: 0 0 .5em; }
.key-points-title { font-size: 1em; margin: 1em 0 .25em; }
.question-meta { font-size: .8em; opacity: .7; margin-top: 1.5em; }
pre { white-space: pre-wrap; }
img { max-width: 100%; height: auto; }
"""

ANKI_MODEL = genanki.Model(
    ANKI_MODEL_ID,
    "MLCareer question",
    fields=[
        {"name": "Title"},
        {"name": "Prompt"},
        {"name": "Answer"},
        {"name": "Key points"},
        {"name": "About"},
    ],
    templates=[
        {
            "name": "Question and answer",
            "qfmt": '<h2 class="question-title">{{Title}}</h2>\n<div>{{Prompt}}</div>',
            "afmt": (
                '{{FrontSide}}\n<hr id="answer">\n<div>{{Answer}}</div>\n'
                '{{#Key points}}<h3 class="key-points-title">Key points</h3>\n'
                "{{Key points}}{{/Key points}}\n"
                '<p class="question-meta">{{About}}</p>'
            ),
        }
    ],
    css=ANKI_CSS,
)


class DeckEmptyError(Exception):
    """No question to put in the deck."""


class DeckTooLargeError(Exception):
    """More questions match than a deck may hold."""

    def __init__(self, count: int):
        super().__init__(f"{count} questions match; a deck holds {ANKI_DECK_MAX_QUESTIONS}.")
        self.count = count


# --- Math: Markdown's $…$ and $$…$$ become MathJax's \(…\) and \[…\], which Anki renders. ---

# Code is left as written: a dollar in code is a dollar. A fence runs to its closing fence or
# to the end of the text, as CommonMark has it; a code span to the next run of as many
# backticks.
_CODE = re.compile(
    r"^ {0,3}(?P<fence>`{3,}|~{3,}).*?(?:^ {0,3}(?P=fence)[`~]*[ \t]*$|\Z)"
    r"|(?P<ticks>`+)(?!`).*?(?<!`)(?P=ticks)(?!`)",
    re.MULTILINE | re.DOTALL,
)
# Pandoc's rule, so that prices are not formulas: an inline formula's first and last
# characters are not spaces, and its closing dollar is not followed by a digit ("$5 or $10").
_MATH = re.compile(
    r"(?<!\\)\$\$(?P<display>.+?)(?<!\\)\$\$"
    r"|(?<![\\$])\$(?P<inline>[^\s$](?:[^$\n]*?[^\s$\\])?)\$(?![\d$])",
    re.DOTALL,
)
_PLACEHOLDER = "MLCAREERMATH{}X"
_PLACEHOLDER_PATTERN = re.compile(r"MLCAREERMATH(\d+)X")


def _mathjax(match: re.Match) -> str:
    if match.group("display") is not None:
        return rf"\[{match.group('display').strip()}\]"
    return rf"\({match.group('inline')}\)"


def _outside_code(text: str, replace) -> str:
    """`text` with `replace` applied to every stretch that is not code."""
    parts, last = [], 0
    for code in _CODE.finditer(text):
        parts += [replace(text[last : code.start()]), code.group()]
        last = code.end()
    parts.append(replace(text[last:]))
    return "".join(parts)


def mathjax_delimiters(text: str) -> str:
    """Markdown source with `$…$` written `\\(…\\)` and `$$…$$` written `\\[…\\]`, code aside.

    For text shown as it is (key points); rendered Markdown goes through `anki_html`, which
    keeps the formulas out of the Markdown parser's reach.
    """
    return _outside_code(text, lambda part: _MATH.sub(_mathjax, part))


def anki_html(markdown: str) -> str:
    """A Markdown text as the HTML of an Anki field: rendered and sanitised as on the site,
    formulas in MathJax's delimiters, images pointing at the package's media files.

    Formulas are taken out before rendering and put back after, so that Markdown never reads
    the `_` or `*` of a formula as emphasis.
    """
    formulas: list[str] = []

    def hold(match: re.Match) -> str:
        formulas.append(html.escape(_mathjax(match), quote=False))
        return _PLACEHOLDER.format(len(formulas) - 1)

    masked = _outside_code(markdown or "", lambda part: _MATH.sub(hold, part))
    rendered = str(render_markdown(masked))
    rendered = _PLACEHOLDER_PATTERN.sub(lambda m: formulas[int(m.group(1))], rendered)
    return anki_image_sources(rendered)


# --- Images: /images/<name> on the site, <name> among the package's media files. ---

IMAGE_PATH = re.compile(r"(?<![\w/.])/images/(?P<name>[A-Za-z0-9][A-Za-z0-9_-]*\.[A-Za-z0-9]+)")
_IMAGE_SOURCE = re.compile(r"(<img\b[^>]*?\bsrc=[\"'])/images/([^\"'/?#]+)([\"'])")
MEDIA_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\.[A-Za-z0-9]+")


def anki_image_sources(rendered: str) -> str:
    """Rendered HTML whose `<img src="/images/<name>">` read `src="<name>"`: Anki finds an
    image among the collection's media by its bare file name."""
    return _IMAGE_SOURCE.sub(r"\1\2\3", rendered)


def image_names(questions: Iterable[Question]) -> list[str]:
    """The file names of the /images/… the questions' prompts and model answers show, each
    once, in order of first use: the media files a deck of them needs."""
    names: dict[str, None] = {}
    for question in questions:
        for text in (question.prompt, question.model_answer):
            names.update(dict.fromkeys(m.group("name") for m in IMAGE_PATH.finditer(text)))
    return list(names)


def image_media(questions: Iterable[Question]) -> list[tuple[str, bytes]]:
    """The stored images the questions show, as the package's media files (name, content),
    in one query; an image no longer stored is left out (its card shows the description)."""
    names = image_names(questions)
    shas = {name.rsplit(".", 1)[0]: name for name in names}
    stored = QuestionImage.objects.filter(sha256__in=list(shas)).values_list("sha256", "data")
    return [(shas[sha], bytes(data)) for sha, data in stored] if shas else []


# --- The deck. ---


def anki_guid(question: Question) -> str:
    """The note's lasting identity: the same slug gives the same note in every download."""
    return genanki.guid_for(ANKI_GUID_NAMESPACE, question.slug)


def _key_points_html(points: Sequence[KeyPoint]) -> str:
    if not points:
        return ""
    items = "".join(
        f"<li>{mathjax_delimiters(html.escape(point.text, quote=False))}</li>" for point in points
    )
    return f"<ul>{items}</ul>"


def _tag(prefix: str, value: str) -> str:
    # An Anki tag ends at a space.
    return f"mlcareer::{prefix}::" + "-".join(value.split())


def anki_note(question: Question) -> genanki.Note:
    """One question as an Anki note. Reads `key_points`, `topic` and `skills` (prefetch them
    for many questions)."""
    about = " · ".join(
        [question.topic.name, question.get_difficulty_display(), question.get_kind_display()]
    )
    tags = [
        _tag("topic", question.topic.slug),
        _tag("difficulty", question.difficulty),
        _tag("kind", question.kind),
        *(_tag("skill", skill.slug) for skill in question.skills.all()),
    ]
    return genanki.Note(
        model=ANKI_MODEL,
        fields=[
            html.escape(question.title, quote=False),
            anki_html(question.prompt),
            anki_html(question.model_answer),
            _key_points_html(list(question.key_points.all())),
            html.escape(about, quote=False),
        ],
        guid=anki_guid(question),
        tags=tags,
    )


def anki_package(
    questions: Sequence[Question],
    *,
    media: Sequence[tuple[str, bytes]] = (),
    now: dt.datetime,
) -> bytes:
    """The .apkg file of a deck of `questions`, with `media` as (file name, content) pairs:
    the images the notes show, named as `image_names` gives them.

    `now` stamps the notes and cards (Anki keeps its own review dates on import).
    """
    deck = genanki.Deck(ANKI_DECK_ID, ANKI_DECK_NAME)
    for question in questions:
        deck.add_note(anki_note(question))
    return package_bytes([deck], media=media, timestamp=now.timestamp())


def package_bytes(
    decks: Sequence[genanki.Deck], *, media: Sequence[tuple[str, bytes]], timestamp: float
) -> bytes:
    """The .apkg file of these decks with `media` as (file name, content) pairs."""
    out = io.BytesIO()
    # genanki packs media from files: each one is written out under its own name first.
    with tempfile.TemporaryDirectory(prefix="anki-media-") as folder:
        paths = []
        for name, content in media:
            if not MEDIA_NAME.fullmatch(name):
                raise ValueError(f"Not a plain file name for a media file: {name!r}")
            path = Path(folder) / name
            path.write_bytes(content)
            paths.append(str(path))
        genanki.Package(list(decks), media_files=paths).write_to_file(out, timestamp=timestamp)
    return out.getvalue()


def anki_deck_questions(questions: QuerySet[Question]) -> list[Question]:
    """The questions of `questions` (published ones only) ready for `anki_package`, in a
    fixed number of queries: their topics, skills and key points loaded.

    Raises DeckEmptyError when none is left, DeckTooLargeError past ANKI_DECK_MAX_QUESTIONS.
    """
    questions = questions.published()
    count = questions.count()
    if not count:
        raise DeckEmptyError
    if count > ANKI_DECK_MAX_QUESTIONS:
        raise DeckTooLargeError(count)
    return list(
        questions.select_related("topic").prefetch_related(
            "skills", Prefetch("key_points", queryset=KeyPoint.objects.order_by("order"))
        )
    )


def anki_filename(kind: str, *, qualifier: str = "") -> str:
    """The download's file name: mlcareer-<kind>[-<qualifier>].apkg."""
    parts = ["mlcareer", kind, *([qualifier] if qualifier else [])]
    return "-".join(re.sub(r"[^a-z0-9-]+", "-", part.lower()).strip("-") for part in parts) + (
        ".apkg"
    )
