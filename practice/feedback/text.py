"""Answer text as the matcher reads it: sentences, normalised words, terms and negation.

Words are lower-cased, British spellings folded into American ones ("regularise" and
"regularize") and reduced to their Snowball stem ("regularizing" and "regularization" both
become "regular"). Equivalent terms (content data, see `practice.models.Term`) become one
token, so "PR-AUC" and "area under the precision-recall curve" read alike.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just let me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves one two use used using get make may might much many well also via
    e g eg ie etc way thing things""".split()  # noqa: SIM905
)

# Words that deny what follows them in the same clause.
NEGATIONS = frozenset(
    """no not never without nor neither none cannot don't dont doesn't didn't isn't aren't
    wasn't weren't won't can't shouldn't wouldn't couldn't mustn't hasn't haven't hadn't
    shan't""".split()  # noqa: SIM905
)
NEGATION_WINDOW = 4

# Words that start a new clause inside a sentence: a negation does not reach across them.
CLAUSE_WORDS = frozenset(
    ["but", "whereas", "while", "although", "though", "however", "instead", "rather"]
)

_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "cf.", "approx.")
_SENTENCE_END = re.compile(
    r"(?<=[.!?])[\"')\]]*\s+"  # a full stop, question or exclamation mark, then a space
    r"|;"  # a semicolon
    r"|\n\s*(?:[-*+•]|\d+[.)])\s+"  # a list item
    r"|\n"  # any line break
)
_MARKDOWN = re.compile(r"[*_`#>]+")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[,:()\u2013\u2014]")
_CLAUSE_MARKS = frozenset(",:()\u2013\u2014")

_stemmer = snowballstemmer.stemmer("english")


def sentences(text: str) -> list[str]:
    """The sentences of a text: split at sentence ends, semicolons, line breaks, list items.

    Markdown emphasis is dropped; empty pieces are left out.
    """
    protected = text
    for abbreviation in _ABBREVIATIONS:
        protected = protected.replace(abbreviation, abbreviation.replace(".", "\0"))
    pieces = _SENTENCE_END.split("\n" + protected)
    cleaned = (_MARKDOWN.sub("", piece).replace("\0", ".").strip(" \t-*+•") for piece in pieces)
    return [piece for piece in cleaned if re.search(r"[A-Za-z0-9]", piece)]


@lru_cache(maxsize=20000)
def normal_form(word: str) -> str:
    """One word's matching form: British spelling folded, then its Snowball stem."""
    word = word.removesuffix("'s")
    if len(word) > 5:
        word = re.sub(r"is(e|ed|es|ing|ation|ations)$", r"iz\1", word)
        word = re.sub(r"our(s|ed|ing)?$", r"or\1", word)
    return _stemmer.stemWord(word)


@dataclass(frozen=True)
class Token:
    form: str  # the normal form, or "=<term slug>" for a recognised term
    word: str  # the word as written (lower case); for a term, its first word
    clause: int
    position: int  # index among all words of the sentence

    @property
    def is_content(self) -> bool:
        return self.form.startswith("=") or self.word not in STOP_WORDS


class Vocabulary:
    """Equivalent phrases compiled for matching: each becomes the token `=<slug>`."""

    def __init__(self, groups: dict[str, list[str]]):
        self.phrases: dict[tuple[str, ...], str] = {}
        for slug, phrases in groups.items():
            for phrase in phrases:
                forms = tuple(normal_form(word) for word in _words(phrase))
                if forms:
                    self.phrases.setdefault(forms, slug)
        self.longest = max((len(forms) for forms in self.phrases), default=0)

    def read(self, text: str) -> list[Token]:
        """The words of one sentence, with recognised terms joined into one token each."""
        raw: list[tuple[str, str, int]] = []
        clause = 0
        for piece in _TOKEN.findall(_lowered(text)):
            if piece in _CLAUSE_MARKS or piece in CLAUSE_WORDS:
                clause += 1
                if piece in _CLAUSE_MARKS:
                    continue
            raw.append((normal_form(piece), piece, clause))
        tokens: list[Token] = []
        index = 0
        while index < len(raw):
            joined = self._term_at(raw, index)
            if joined:
                slug, size = joined
                tokens.append(Token("=" + slug, raw[index][1], raw[index][2], index))
                index += size
            else:
                form, word, clause = raw[index]
                tokens.append(Token(form, word, clause, index))
                index += 1
        return tokens

    def _term_at(self, raw: list[tuple[str, str, int]], start: int) -> tuple[str, int] | None:
        for size in range(min(self.longest, len(raw) - start), 0, -1):
            forms = tuple(form for form, _, _ in raw[start : start + size])
            slug = self.phrases.get(forms)
            if slug:
                return slug, size
        return None

    def content_forms(self, text: str) -> list[str]:
        """The normal forms of a phrase's words that carry meaning, terms joined."""
        return [token.form for token in self.read(text) if token.is_content]


def _lowered(text: str) -> str:
    """Lower case, with curly apostrophes straightened and "22%" read as "22 percent"."""
    return text.lower().replace("\u2019", "'").replace("%", " percent")


def states_denial(phrase: str) -> bool:
    """Whether a phrase denies its own words ("does not prove"): it then needs a negation to match.

    "if tags is None" denies nothing: no word that carries meaning follows its negation.
    """
    denied = False
    for word in _words(phrase):
        if denied and word not in STOP_WORDS and word not in NEGATIONS:
            return True
        denied = denied or word in NEGATIONS
    return False


def _words(text: str) -> list[str]:
    return [piece for piece in _TOKEN.findall(_lowered(text)) if piece not in _CLAUSE_MARKS]


def is_negated(tokens: list[Token], first: int) -> bool:
    """Whether a negation stands shortly before `tokens[first]`, in the same clause."""
    clause = tokens[first].clause
    start = tokens[first].position - NEGATION_WINDOW
    for token in reversed(tokens[:first]):
        if token.position < start or token.clause != clause:
            return False
        if token.word in NEGATIONS:
            return True
    return False
