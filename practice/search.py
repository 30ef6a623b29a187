"""Full text search over the question bank: the index and the queries that read it.

What is searched: a question's title, prompt and model answer, and the text and keywords of its
key points, ranked in that order of weight. Words match by their stem ("regularizing" finds
"regularization"), every word of the search must match, and the last one also matches as the
start of a word, for a search typed as far as "regulari".

SQLite keeps the index in an FTS5 table (porter stemmer, ranked by bm25); PostgreSQL in
`SearchDocument` rows (an 'english' tsvector, weights A to D, ranked by ts_rank). Both tables are
made by migration 0017. Learners type plain words and "quoted phrases": the search reads only
their letters and digits, so no input can be taken as query syntax.
"""

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorExact
from django.db import connection
from django.db.models import F, OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from practice.models import KeyPoint, Question, SearchDocument

FTS_TABLE = "practice_question_fts"
FTS_COLUMNS = ("title", "prompt", "model_answer", "key_points")
# bm25 weights of the columns above: a title match counts most, then the prompt.
FTS_WEIGHTS = (10.0, 5.0, 2.0, 2.0)
CONFIG = "english"
# ts_rank's weights for D, C, B, A: key points (D) count as much as the model answer (C).
RANK_WEIGHTS = [0.2, 0.2, 0.4, 1.0]

# A search is cut to this many terms and each word to this many characters: a pasted page
# stays a bounded query.
MAX_TERMS = 12
MAX_WORD_CHARS = 60
# The shortest part of an unfinished last word tried as a stem ("regulari" → "regular").
MIN_STEM_CHARS = 5
REFRESH_BATCH = 500

# Letters and digits; everything else separates words, as SQLite's unicode61 tokenizer does.
WORD = re.compile(r"[^\W_]+")
CHUNK = re.compile(r'"([^"]*)"?|([^\s"]+)')
# Words too common to narrow a search; PostgreSQL drops these (and more) by itself.
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "do",
        "does",
        "for",
        "from",
        "how",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "with",
    ]
)

FOUND_IN_ANSWER = "Found in the model answer"
FOUND_IN_KEY_POINTS = "Found in the key points"
FOUND_IN_BOTH = "Found in the model answer and the key points"


@dataclass(frozen=True)
class Term:
    """A word, or a phrase of words that must follow each other."""

    words: tuple[str, ...]
    # The last word of a search may be unfinished: it also matches the start of a word.
    typing: bool = False

    def forms(self) -> list[tuple[str, bool]]:
        """The forms a one-word term is tried as, each with whether it is a prefix: both
        spellings of -ise/-ize words ("regularizing", "regularising"); for an unfinished word,
        each also cut by one or two letters, since a stem can be shorter than what was typed
        ("regulari" of "regularization", whose stem is "regular")."""
        forms: list[tuple[str, bool]] = []
        for spelling in spellings(self.words[0]):
            lengths = (len(spelling), len(spelling) - 1, len(spelling) - 2) if self.typing else ()
            candidates = [(spelling[:n], True) for n in lengths if n >= MIN_STEM_CHARS]
            for form in candidates or [(spelling, self.typing)]:
                if form not in forms:
                    forms.append(form)
        return forms


# The s or z of an -ise/-ize (-yse/-yze) ending, with up to six letters after it.
SUFFIX_SZ = re.compile(r"(?<=[^\W\d_]{3})[iy]([sz])[^\W\d_]{0,6}$")


def spellings(word: str) -> list[str]:
    """`word` and its other spelling when it has an -ise/-ize ending: the shipped content is in
    British English, stemmers take "regularise" and "regularize" for two words."""
    ending = SUFFIX_SZ.search(word)
    if not ending:
        return [word]
    other = "z" if ending[1] == "s" else "s"
    return [word, word[: ending.start(1)] + other + word[ending.end(1) :]]


def search_terms(text: str) -> list[Term]:
    """The terms of a learner's search: "quoted words" make a phrase, any other word stands
    alone (t-SNE is the phrase "t sne"). Common words are dropped unless nothing else is left;
    the last unquoted term matches as a prefix."""
    found: list[tuple[tuple[str, ...], bool]] = []
    for match in CHUNK.finditer(text):
        phrase, bare = match.groups()
        source = phrase if phrase is not None else bare
        words = tuple(word[:MAX_WORD_CHARS] for word in WORD.findall(source.casefold()))
        if words and words not in (seen for seen, _ in found):
            found.append((words, phrase is not None))
    telling = [
        (words, quoted)
        for words, quoted in found
        if quoted or len(words) > 1 or words[0] not in STOP_WORDS
    ]
    kept = (telling or found)[:MAX_TERMS]
    return [
        Term(words, typing=not quoted and n == len(kept) - 1)
        for n, (words, quoted) in enumerate(kept)
    ]


def _fts5_phrase(words: Iterable[str], prefix: bool = False) -> str:
    # WORD keeps no quote, so nothing needs escaping inside the quotes.
    return '"' + " ".join(words) + '"' + ("*" if prefix else "")


def _fts5_term(term: Term) -> str:
    if len(term.words) > 1:
        return _fts5_phrase(term.words, prefix=term.typing)
    return "(" + " OR ".join(_fts5_phrase([word], prefix) for word, prefix in term.forms()) + ")"


def fts5_query(terms: list[Term]) -> str:
    """The FTS5 MATCH expression of `terms`: all of them."""
    return " AND ".join(_fts5_term(term) for term in terms)


def _lexeme(word: str, *, prefix: bool, weights: str) -> str:
    marks = ("*" if prefix else "") + weights
    return f"'{word}'" + (f":{marks}" if marks else "")


def _tsquery_term(term: Term, weights: str) -> str:
    if len(term.words) == 1:
        forms = (_lexeme(word, prefix=prefix, weights=weights) for word, prefix in term.forms())
        return "(" + " | ".join(forms) + ")"
    last = len(term.words) - 1
    lexemes = (
        _lexeme(word, prefix=term.typing and n == last, weights=weights)
        for n, word in enumerate(term.words)
    )
    return "(" + " <-> ".join(lexemes) + ")"


def tsquery(terms: list[Term], *, weights: str = "", any_term: bool = False) -> str:
    """The to_tsquery text of `terms`: all of them (or any, with `any_term`), each matched
    only in the parts given by `weights` ("AB": title and prompt) when given."""
    return (" | " if any_term else " & ").join(_tsquery_term(term, weights) for term in terms)


def _search_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="raw", config=CONFIG)


def question_ids_matching(text: str):
    """The ids of the questions of any status that match every word of `text`, as a subquery
    for `pk__in`; None when `text` holds no word to search for."""
    terms = search_terms(text)
    if not terms:
        return None
    if connection.vendor == "postgresql":
        return SearchDocument.objects.filter(document=_search_query(tsquery(terms))).values(
            "question_id"
        )
    return RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [fts5_query(terms)])


def questions_matching(questions: QuerySet[Question], text: str) -> QuerySet[Question]:
    """`questions` kept to those matching every word of `text`, best match first, then in
    their own order. Unchanged when `text` holds no word to search for."""
    terms = search_terms(text)
    if not terms:
        return questions
    order = questions.query.order_by or Question._meta.ordering
    if connection.vendor == "postgresql":
        query = _search_query(tsquery(terms))
        matching = questions.filter(search_document__document=query).annotate(
            search_rank=SearchRank(F("search_document__document"), query, weights=RANK_WEIGHTS)
        )
    else:
        weights = ", ".join(str(weight) for weight in FTS_WEIGHTS)
        # A join, so that FTS5 finds and ranks the matches in one pass (a rank subquery per
        # row costs a search per match); bm25 is lower for a better match, the rank higher,
        # as on PostgreSQL.
        matching = questions.extra(
            tables=[FTS_TABLE],
            where=[
                f'+{FTS_TABLE}.rowid = "{Question._meta.db_table}"."id"',
                f"{FTS_TABLE} MATCH %s",
            ],
            params=[fts5_query(terms)],
            select={"search_rank": f"-bm25({FTS_TABLE}, {weights})"},
        )
    return matching.order_by("-search_rank", *order)


def search_found_in(*, question_ids: list[int], text: str) -> dict[int, str]:
    """For the questions among `question_ids` that match `text` in none of the words of their
    title and prompt, where the words were found ("Found in the model answer"). One query."""
    terms = search_terms(text)
    if not terms or not question_ids:
        return {}
    if connection.vendor == "postgresql":

        def found(weights: str) -> SearchVectorExact:
            query = _search_query(tsquery(terms, weights=weights, any_term=True))
            return SearchVectorExact(F("document"), query)

        rows = (
            SearchDocument.objects.filter(question_id__in=question_ids)
            .annotate(head=found("AB"), answer=found("C"), points=found("D"))
            .values_list("question_id", "head", "answer", "points")
        )
    else:
        # A column weighted 0 adds nothing to bm25: a score of 0 means no word in the others.
        placeholders = ", ".join(["%s"] * len(question_ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, bm25({FTS_TABLE}, 1, 1, 0, 0) != 0, "
                f"bm25({FTS_TABLE}, 0, 0, 1, 0) != 0, bm25({FTS_TABLE}, 0, 0, 0, 1) != 0 "
                f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})",
                [fts5_query(terms), *question_ids],
            )
            rows = cursor.fetchall()
    labels = {(True, False): FOUND_IN_ANSWER, (False, True): FOUND_IN_KEY_POINTS}
    return {
        pk: labels.get((bool(answer), bool(points)), FOUND_IN_BOTH)
        for pk, head, answer, points in rows
        if not head
    }


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), REFRESH_BATCH):
        yield ids[start : start + REFRESH_BATCH]


def _document() -> SearchVector:
    points = (
        KeyPoint.objects.filter(question=OuterRef("pk"))
        .order_by()
        .values("question")
        .annotate(
            words=StringAgg(
                Concat("text", Value(" "), "keywords", output_field=TextField()), delimiter=" "
            )
        )
        .values("words")
    )
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("prompt", weight="B", config=CONFIG)
        + SearchVector("model_answer", weight="C", config=CONFIG)
        + SearchVector(Subquery(points), weight="D", config=CONFIG)
    )


def _postgresql_write(questions: QuerySet[Question], *, ids: list[int] | None = None) -> None:
    """Upsert the documents of `questions`; with `ids`, also drop those of the ids whose
    question is gone."""
    rows = questions.order_by().annotate(document=_document()).values_list("pk", "document")
    sql, params = rows.query.sql_with_params()
    table = SearchDocument._meta.db_table
    forget, forget_params = "", []
    if ids:
        forget = (
            f"WITH gone AS (DELETE FROM {table} WHERE question_id = ANY(%s) AND NOT EXISTS "
            f"(SELECT 1 FROM {Question._meta.db_table} q WHERE q.id = question_id)) "
        )
        forget_params = [ids]
    with connection.cursor() as cursor:
        cursor.execute(
            f"{forget}INSERT INTO {table} (question_id, document) {sql} "
            "ON CONFLICT (question_id) DO UPDATE SET document = EXCLUDED.document",
            [*forget_params, *params],
        )


_SQLITE_ROWS = f"""
INSERT INTO {FTS_TABLE} (rowid, {", ".join(FTS_COLUMNS)})
SELECT q.id, q.title, q.prompt, q.model_answer,
       COALESCE((SELECT group_concat(k.text || ' ' || k.keywords, ' ')
                 FROM practice_keypoint k WHERE k.question_id = q.id), '')
FROM practice_question q
"""


def search_index_refresh(question_ids: Iterable[int]) -> None:
    """Bring the search index of these questions in line with their rows and key points.

    Saves and deletes of a question or a key point call it through signals, the admin after
    the key points of a question are saved, and `load_content` once for all it loaded. Any
    writer that sends no signal (bulk_create, bulk_update, QuerySet.update, raw fixtures) must
    call it itself with the ids of the questions it wrote, after the write: the bulk import
    does so after apply. Ids of deleted questions leave the index.
    """
    ids = sorted({int(pk) for pk in question_ids})
    for batch in _batches(ids):
        if connection.vendor == "postgresql":
            _postgresql_write(Question.objects.filter(pk__in=batch), ids=batch)
            continue
        placeholders = ", ".join(["%s"] * len(batch))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({placeholders})", batch)
            cursor.execute(f"{_SQLITE_ROWS} WHERE q.id IN ({placeholders})", batch)


def search_index_forget(question_ids: Sequence[int]) -> None:
    """Drop deleted questions from the index in one statement, however many (a bulk delete
    sends no signals)."""
    ids = [int(pk) for pk in question_ids]
    if not ids:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"DELETE FROM {SearchDocument._meta.db_table} WHERE question_id = ANY(%s)", [ids]
            )
        else:
            cursor.execute(
                f"DELETE FROM {FTS_TABLE} WHERE rowid IN (SELECT value FROM json_each(%s))",
                [json.dumps(ids)],
            )


# The questions whose index waits for the end of a `search_index_deferred` block.
_pending: ContextVar[set[int] | None] = ContextVar("search_index_pending", default=None)


@contextmanager
def search_index_deferred():
    """Within the block, saves and deletes that signal only collect their questions' ids
    (the set yielded, to which a bulk writer adds its own); the index is refreshed once at
    the end, for all of them, unless the block fails."""
    pending: set[int] = set()
    token = _pending.set(pending)
    try:
        yield pending
    finally:
        _pending.reset(token)
    # Reached only when the block ended without an error.
    search_index_refresh(pending)


def _refresh_soon(question_ids: Iterable[int]) -> None:
    pending = _pending.get()
    if pending is None:
        search_index_refresh(question_ids)
    else:
        pending.update(question_ids)


def search_index_rebuild() -> int:
    """Index every question again from scratch; returns how many were indexed."""
    if connection.vendor == "postgresql":
        SearchDocument.objects.all().delete()
        _postgresql_write(Question.objects.all())
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")
            cursor.execute(_SQLITE_ROWS)
    return Question.objects.count()


def question_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:  # fixtures: load_content refreshes once for all it loaded
        _refresh_soon([instance.pk])


def question_deleted(sender, instance, **kwargs) -> None:
    _refresh_soon([instance.pk])


def key_point_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        _refresh_soon([instance.question_id])


def key_point_deleted(sender, instance, origin=None, **kwargs) -> None:
    # A question's own deletion takes its key points along and then drops it from the index.
    if isinstance(origin, Question) or getattr(origin, "model", None) is Question:
        return
    _refresh_soon([instance.question_id])
