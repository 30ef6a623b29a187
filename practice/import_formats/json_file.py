"""JSON: a list of question objects, or an object whose key "questions" holds that list. Each
item is placed at its number in the list, from 1. Key points, common mistakes and skills may be
given as lists as well as in the one-text shapes of a spreadsheet cell."""

import json

from practice.import_formats.base import (
    COLUMNS,
    ImportFile,
    ImportFileError,
    ImportRow,
    check_question_count,
    decode_text,
)
from practice.models import MISTAKE_SEPARATOR
from practice.question_columns import KEY_POINT_SEPARATOR

JSON_HINT = "Save the file as UTF-8 (every JSON editor and json.dump write it so)."
SHAPE = (
    'a list of questions, [{"slug": …, "title": …}, …], or an object whose key “questions” '
    "holds that list"
)
_TYPE_NAMES = {
    dict: "an object",
    list: "a list",
    str: "a text",
    int: "a number",
    float: "a number",
    bool: "true or false",
    type(None): "null",
}


def _kind(value) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _scalar(value, *, item: int, key: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise ImportFileError(
            f"Item {item}: the key “{key}” holds {_kind(value)}; give it as text, in quotes."
        )
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    raise ImportFileError(f"Item {item}: the key “{key}” holds {_kind(value)}; give it as text.")


def _keywords(value, *, item: int, number: int) -> str:
    if isinstance(value, list):
        return ", ".join(_scalar(word, item=item, key="keywords") for word in value)
    return _scalar(value, item=item, key=f"key_points (entry {number}) “keywords”")


def _key_points(value, *, item: int) -> str:
    lines = []
    for number, point in enumerate(value, start=1):
        if isinstance(point, str):
            lines.append(point)
        elif isinstance(point, dict) and "text" in point:
            text = _scalar(point["text"], item=item, key=f"key_points (entry {number}) “text”")
            keywords = _keywords(point.get("keywords"), item=item, number=number)
            lines.append(f"{text} {KEY_POINT_SEPARATOR} {keywords}" if keywords else text)
        else:
            raise ImportFileError(
                f"Item {item}: entry {number} of “key_points” is {_kind(point)}; each entry is "
                'a text, "text :: keyword, keyword", or an object {"text": …, "keywords": […]}.'
            )
    return "\n".join(lines)


def _common_mistakes(value, *, item: int) -> str:
    lines = []
    for number, mistake in enumerate(value, start=1):
        if isinstance(mistake, str):
            lines.append(mistake)
        elif isinstance(mistake, dict) and {"claim", "correction"} <= mistake.keys():
            where = f"common_mistakes (entry {number})"
            claim = _scalar(mistake["claim"], item=item, key=f"{where} “claim”")
            correction = _scalar(mistake["correction"], item=item, key=f"{where} “correction”")
            lines.append(f"{claim} {MISTAKE_SEPARATOR} {correction}")
        else:
            raise ImportFileError(
                f"Item {item}: entry {number} of “common_mistakes” is {_kind(mistake)}; each "
                'entry is a text, "claim => correction", or an object {"claim": …, '
                '"correction": …}.'
            )
    return "\n".join(lines)


def _cell(key: str, value, *, item: int) -> str:
    if isinstance(value, list):
        if key == "key_points":
            return _key_points(value, item=item)
        if key == "common_mistakes":
            return _common_mistakes(value, item=item)
        if key == "skills":
            return ", ".join(_scalar(slug, item=item, key="skills") for slug in value)
        raise ImportFileError(f"Item {item}: the key “{key}” holds a list; give it as text.")
    return _scalar(value, item=item, key=key)


def read_json(data: bytes) -> ImportFile:
    text = decode_text(data, hint=JSON_HINT)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"The file is not valid JSON: {error.msg} at line {error.lineno}, column "
            f"{error.colno}. Correct it there (a JSON editor or validator shows the place)."
        ) from None
    if isinstance(document, dict) and isinstance(document.get("questions"), list):
        items = document["questions"]
    elif isinstance(document, list):
        items = document
    elif isinstance(document, dict):
        keys = ", ".join(f"“{key}”" for key in list(document)[:8]) or "none"
        raise ImportFileError(
            f"The file holds an object with the keys {keys}, but no key “questions” holding a "
            f"list. It must hold {SHAPE}."
        )
    else:
        raise ImportFileError(f"The file holds {_kind(document)}; it must hold {SHAPE}.")
    check_question_count(len(items), "items")
    rows, keys = [], {}
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ImportFileError(
                f"Item {number} of the list is {_kind(item)}, not an object: each item is one "
                'question, such as {"slug": "…", "title": "…", …}.'
            )
        cells = {str(key).strip(): _cell(key, value, item=number) for key, value in item.items()}
        keys.update(dict.fromkeys(cells))
        rows.append(ImportRow(place=number, cells=cells))
    # The resource's order first, then any other key as the file has it.
    columns = [column for column in COLUMNS if column in keys]
    columns += [key for key in keys if key not in COLUMNS]
    return ImportFile(format_name="JSON", place_word="item", columns=columns, rows=rows)
