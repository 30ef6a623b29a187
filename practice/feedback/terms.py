"""The equivalent terms editors maintain (`practice.models.Term`), ready for matching.

Reading the table for every answer would add a query to every page that shows feedback, so
the rows are kept in the cache for a few minutes; saving or deleting a term forgets them at
once (signals connected in `mlcareer.apps`).
"""

from django.core.cache import cache

from practice.feedback.text import Vocabulary

CACHE_KEY = "practice:feedback:terms"
CACHE_SECONDS = 300

_compiled: dict[tuple, Vocabulary] = {}


def term_groups() -> dict[str, list[str]]:
    """Every term as slug -> its phrase and equivalents, from the cache or the database."""
    groups = cache.get(CACHE_KEY)
    if groups is None:
        from practice.models import Term

        groups = {term.slug: [term.phrase, *term.equivalent_list] for term in Term.objects.all()}
        cache.set(CACHE_KEY, groups, CACHE_SECONDS)
    return groups


def current_vocabulary() -> Vocabulary:
    """The compiled vocabulary for the current terms (compiled once per distinct set)."""
    groups = term_groups()
    signature = tuple(sorted((slug, tuple(phrases)) for slug, phrases in groups.items()))
    vocabulary = _compiled.get(signature)
    if vocabulary is None:
        _compiled.clear()
        vocabulary = _compiled[signature] = Vocabulary(groups)
    return vocabulary


def terms_changed(**signal) -> None:
    """Forget the cached terms, so the next answer is matched with the edited ones."""
    cache.delete(CACHE_KEY)
