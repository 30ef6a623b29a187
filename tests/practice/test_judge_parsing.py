"""The AI judge's reply parser on real replies of a real model, recorded.

`ai_responses/*.json` hold what SmolLM2-135M on llama-cpp-python answered to the judge's
requests (and a few loosened ones), with the question and answer it was given; each file
says what it shows and when it was made. `python tests/ai/record_responses.py` records them
anew. No model runs here.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from practice.feedback.judge import JudgeError, Verdict, parse_verdict

RECORDINGS = Path(__file__).parent / "ai_responses"


@dataclass(frozen=True)
class Point:
    text: str
    order: int


def recording(name: str) -> dict:
    return json.loads((RECORDINGS / f"{name}.json").read_text())


def parse(name: str) -> Verdict:
    recorded = recording(name)
    points = [Point(text, order) for order, text in enumerate(recorded["key_points"], 1)]
    return parse_verdict(recorded["reply"], points, recorded["answer"])


def test_every_recording_says_which_model_and_server_made_it_and_when():
    files = sorted(RECORDINGS.glob("*.json"))

    assert len(files) >= 6
    for path in files:
        recorded = json.loads(path.read_text())
        assert recorded["produced_by"]["model"], path.name
        assert recorded["produced_by"]["server"], path.name
        assert recorded["recorded_at"].startswith("20"), path.name
        assert recorded["what"], path.name


def test_a_verdict_on_a_strong_answer_keeps_its_grade_its_reason_and_its_statuses():
    verdict = parse("strong_answer")

    assert verdict.grade == 2
    assert verdict.why.startswith("Favour precision when false positives are costly")
    assert [point.status for point in verdict.points] == ["missing"] * 3
    assert [point.text for point in verdict.points] == recording("strong_answer")["key_points"]


def test_quotes_the_model_invented_are_dropped_and_counted():
    recorded = recording("strong_answer")
    invented = [point["quote"] for point in json.loads(recorded["reply"])["points"]]
    assert invented == [
        "The answer is: 0.5",
        "This is a lie, the answer is 0.39768",
        "The answer is: 1.4},{",
    ]
    assert not any(quote in recorded["answer"] for quote in invented)

    verdict = parse("strong_answer")

    assert [point.quote for point in verdict.points] == [None, None, None]
    assert verdict.dropped_quotes == 5  # the three quotes and two made-up "statements"


def test_a_quote_that_is_in_the_answer_is_kept_beside_dropped_ones():
    verdict = parse("wrong_answer")

    assert [(point.status, point.quote) for point in verdict.points] == [
        ("partly", "correct"),  # "...the share of all predictions that are correct."
        ("missing", None),
        ("contradicted", None),  # its quote is a paragraph the answer does not contain
    ]
    assert verdict.grade == 4  # a wrong answer: the tiny model is no judge of content
    assert verdict.dropped_quotes == 7


def test_incorrect_statements_that_are_not_in_the_answer_are_dropped():
    recorded = recording("wrong_answer")
    statements = [item["statement"] for item in json.loads(recorded["reply"])["incorrect"]]
    assert len(statements) == 5
    assert not any(statement in recorded["answer"] for statement in statements)

    assert parse("wrong_answer").incorrect == []


def test_a_point_the_judge_says_nothing_about_is_left_without_a_status():
    reply = json.loads(recording("point_not_mentioned")["reply"])
    assert [point["point"] for point in reply["points"]] == [1, 2]

    verdict = parse("point_not_mentioned")

    assert [point.status for point in verdict.points] == ["missing", "missing", None]
    assert verdict.points[2].quote is None
    assert verdict.grade == 1


def test_a_reply_cut_off_by_the_token_limit_is_refused():
    recorded = recording("truncated")
    assert recorded["finish_reason"] == "length"

    with pytest.raises(JudgeError, match="did not reply with JSON"):
        parse("truncated")


def test_a_grade_outside_0_to_4_is_refused():
    assert json.loads(recording("out_of_range_grade")["reply"])["grade"] == 10

    with pytest.raises(JudgeError, match="grade is not a whole number from 0 to 4"):
        parse("out_of_range_grade")


def test_a_json_reply_without_points_is_refused():
    with pytest.raises(JudgeError, match="has no valid “points”"):
        parse("no_schema")
