"""Every URL that takes the primary key of something a user owns is private to its owner.

The URL patterns are discovered from the URLconf, so a new page is covered as soon as it is
added; a pattern whose key is not classified below fails the test until someone decides
whether it names a user's object or shared content.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.models import Assessment
from tests.factories import make_assessment, make_catalogue, make_question, make_session

# Keys that name shared content, readable by every signed-in user.
SHARED = {"practice:question-detail", "practice:question-bookmark", "practice:question-note",
          "practice:question-flag", "practice:question-practise"}  # fmt: skip


def _owned_session(user):
    return make_session(user=user, questions=[make_question()])


def _session_kwargs(user):
    return {"pk": _owned_session(user).pk}


def _attempt_kwargs(user):
    session = _owned_session(user)
    return {"pk": session.pk, "attempt_pk": session.attempts.get().pk}


def _assessment_kwargs(user):
    skills, _ = make_catalogue(size=1)
    return {"pk": make_assessment(user=user, levels={skills[0]: 2}).pk}


def _draft_step_kwargs(user):
    skills, _ = make_catalogue(size=1)
    draft = make_assessment(user=user, levels={skills[0]: 2}, status=Assessment.Status.DRAFT)
    return {"pk": draft.pk, "number": 1}


OWNED = {
    "practice:session-detail": _session_kwargs,
    "practice:session-summary": _session_kwargs,
    "practice:session-retry": _session_kwargs,
    "practice:attempt-submit": _attempt_kwargs,
    "practice:attempt-skip": _attempt_kwargs,
    "practice:attempt-reveal": _attempt_kwargs,
    "practice:attempt-draft": _attempt_kwargs,
    "practice:attempt-grade": _attempt_kwargs,
    "assessments:detail": _assessment_kwargs,
    "assessments:step": _draft_step_kwargs,
}


def _patterns_with_keys(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # Django admin checks staff permissions itself.
            child = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns_with_keys(entry, child)
        elif isinstance(entry, URLPattern) and any(
            key == "pk" or key.endswith("_pk") for key in entry.pattern.converters
        ):
            yield f"{namespace}{entry.name}", entry


def _discovered():
    return sorted({name for name, _ in _patterns_with_keys()})


def test_every_pattern_with_a_key_is_classified():
    assert sorted(set(_discovered()) - OWNED.keys() - SHARED) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(OWNED))
def test_another_user_gets_404_and_a_visitor_is_sent_to_log_in(name, alice, bob):
    url = reverse(name, kwargs=OWNED[name](alice))
    intruder = Client()
    intruder.force_login(bob)

    statuses = {
        method: getattr(intruder, method)(url, {"answer": "x", "grade": "3"}).status_code
        for method in ("get", "post")
    }
    # The method the view accepts answers 404; the other may be refused first with 405.
    assert set(statuses.values()) <= {404, 405}, statuses
    assert 404 in statuses.values(), statuses

    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous.url.startswith("/accounts/login/?next=")
