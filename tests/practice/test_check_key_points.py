"""`manage.py check_key_points` lists keywords that give credit for nothing."""

import pytest
from django.core.management import CommandError, call_command

from mlcareer.content import content_load
from tests.factories import make_question

pytestmark = pytest.mark.django_db


def test_it_lists_generic_prompt_and_generic_story_keywords(capsys):
    question = make_question(
        title="How do you handle missing values?",
        prompt="Some columns have gaps.",
        key_points=[
            ("Handles gaps", "missing values, imputation"),
            ("Mentions the project", "project"),
            ("Mentions deployment", "deployed it"),
            ("A stop word", "the"),
        ],
    )

    call_command("check_key_points", question.slug)

    printed = capsys.readouterr().out
    assert f"{question.slug} #1 “missing values”: already in the title or prompt" in printed
    assert "“imputation”" not in printed
    assert f"{question.slug} #2 “project”: a word almost any answer uses" in printed
    assert f"{question.slug} #3 “deployed it”: covers the point in a generic answer" in printed
    assert f"{question.slug} #4 “the”: a stop word" in printed
    assert "4 keyword problem(s) in 1 of 1 question(s)." in printed


def test_strict_fails_when_it_finds_problems_and_passes_when_clean(capsys):
    bad = make_question(key_points=[("Mentions results", "results")])
    clean = make_question(key_points=[("Imputes", "imputation")])

    with pytest.raises(CommandError, match="1 keyword problem"):
        call_command("check_key_points", bad.slug, "--strict")
    call_command("check_key_points", clean.slug, "--strict")
    assert "0 keyword problem(s)" in capsys.readouterr().out


def test_no_shipped_keyword_gives_credit_for_nothing(capsys):
    """Every keyword of the shipped bank is specific: none is a stop word, a generic word, a
    word of its own prompt, or a match for a generic project story."""
    content_load()

    call_command("check_key_points", "--strict")

    assert "0 keyword problem(s) in 0 of" in capsys.readouterr().out
