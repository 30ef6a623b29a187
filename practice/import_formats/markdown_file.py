"""Markdown question files, in the layout editors and public interview-question repositories use.

    ## Model evaluation                      ← a `#` or `##` heading: the topic of what follows
    ### What does ROC AUC measure?           ← a question: a `###` heading, or a paragraph
    **What is overfitting? 👶**                 that is wholly bold
    <!-- slug: roc-auc; difficulty: medium; kind: conceptual; skills: a, b; minutes: 5 -->
    The answer: everything up to the next question or topic, code, tables, images and math
    kept as written.
    #### Key points                          ← optional: its list items are the key points,
    - Ranking quality :: ranking, order         `text :: keywords` or text alone
    #### Common mistakes                     ← optional: `claim => correction` list items

Without a "Key points" heading, the answer's own top-level list items are the key points (their
text alone), or, when it has no list, the sentences of its paragraphs. A question whose answer
is empty or a placeholder ("Answer here", "TODO") is left out, with a note. The 👶 ⭐️ 🚀 marks of
the "data-science-interviews" repository give the difficulty (easy, medium, hard). A question
is placed at its line number.
"""

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from practice.import_formats.base import (
    ImportFile,
    ImportFileError,
    ImportRow,
    SlugMaker,
    check_question_count,
    columns_of,
    decode_text,
    derived_key_points,
    one_line,
    title_from,
)

MARKDOWN_HINT = "Save it as UTF-8 (every text editor can; it is the usual choice)."
KEY_POINTS_HEADING = "key points"
MISTAKES_HEADING = "common mistakes"
DIFFICULTY_MARKS = {"👶": "easy", "⭐": "medium", "🚀": "hard"}
_MARK_CHARACTERS = "".join(DIFFICULTY_MARKS) + "\ufe0f\u200d"
_BREAK_ONLY = re.compile(r"(?:\s*<br\s*/?>\s*)+", re.IGNORECASE)
# Difficulty marks at the end of a question, with a letter typed after them by mistake ("⭐️I").
_MARKS_OR_SPACE = rf"[\s{_MARK_CHARACTERS}]*"
_TRAILING_MARKS = re.compile(rf"{_MARKS_OR_SPACE}[{_MARK_CHARACTERS}]{_MARKS_OR_SPACE}\w?\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(])")
_LEFT_BEFORE_STOP = re.compile(r"[\s:]+(?=[.!?](?:\s|$))")
_ONLY_MATH = re.compile(r"(?:\$\$?[^$]+\$\$?\s*)+[.,]?")
# What a public set writes in place of an answer nobody has given yet.
PLACEHOLDER_ANSWERS = frozenset({"", "answer here", "todo", "tbd", "to do", "coming soon"})
# The settings a comment after a question may give, by the names an editor may write.
SETTING_COLUMNS = {
    "slug": "slug",
    "title": "title",
    "topic": "topic",
    "difficulty": "difficulty",
    "kind": "kind",
    "status": "status",
    "minutes": "suggested_minutes",
    "suggested_minutes": "suggested_minutes",
    "skills": "skills",
    "source": "source_name",
    "source_name": "source_name",
    "source_url": "source_url",
    "licence": "source_licence",
    "license": "source_licence",
    "source_licence": "source_licence",
}


def markdown_parser() -> MarkdownIt:
    # The same syntax as practice.rendering: CommonMark with GitHub's tables.
    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


_INLINE_PARSER = markdown_parser()
# Blocks only: the inline parse, half the cost of a long file, is done for the few inline tokens
# that are looked into (`children`).
_PARSER = markdown_parser().disable("inline")


@dataclass
class Block:
    """One top-level block of a Markdown text: its tokens and the lines it covers."""

    tokens: list[Token]
    start: int  # 0-based, as markdown-it counts
    end: int

    @property
    def first(self) -> Token:
        return self.tokens[0]

    @property
    def inline(self) -> Token | None:
        return next((t for t in self.tokens if t.type == "inline"), None)


def markdown_lines(text: str) -> tuple[str, list[str]]:
    """The text with its line ends made "\n", as markdown-it counts lines, and its lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, text.split("\n")


def blocks_of(text: str) -> list[Block]:
    blocks, current = [], []
    for token in _PARSER.parse(text):
        current.append(token)
        if token.level == 0 and token.nesting in (0, -1):
            opener = current[0]
            start, end = opener.map or (0, 0)
            blocks.append(Block(current, start, end))
            current = []
    return blocks


def children(inline: Token) -> list[Token]:
    if not inline.children:
        parsed = _INLINE_PARSER.parseInline(inline.content)
        inline.children = parsed[0].children if parsed else []
    return inline.children


def plain_text(inline: Token | None, *, images: bool = True) -> str:
    """The text of an inline token without its markup: what a reader sees (with the
    descriptions of its images, or not)."""
    if inline is None:
        return ""
    parts = []
    for child in children(inline) if inline.content else []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image" and images:
            parts.append(child.content)
    return one_line("".join(parts))


def _strip_marks(text: str) -> tuple[str, str]:
    """The text without trailing difficulty marks, and the difficulty they give ("" if none)."""
    found = _TRAILING_MARKS.search(text)
    if found is None:
        return text.rstrip(), ""
    stripped, marks = text[: found.start()], found.group()
    difficulty = next((d for mark, d in DIFFICULTY_MARKS.items() if mark in marks), "")
    return stripped, difficulty


def _wholly_bold(inline: Token | None) -> bool:
    if inline is None or not inline.content.lstrip().startswith(("**", "__")):
        return False
    shown = [
        child
        for child in children(inline)
        if not (child.type == "text" and not child.content.strip(_MARK_CHARACTERS + " \t"))
    ]
    if len(shown) < 2 or shown[0].type != "strong_open":
        return False
    depth = 0
    for index, child in enumerate(shown):
        depth += {"strong_open": 1, "strong_close": -1}.get(child.type, 0)
        if depth == 0:
            return index == len(shown) - 1
    return False


def _label(block: Block) -> str:
    return plain_text(block.inline).strip().rstrip(":").strip().lower()


def is_sub_heading(block: Block) -> str | None:
    """ "key points" or "common mistakes" when the block is such a heading (a heading of any
    level, or a wholly bold paragraph), else None."""
    if block.first.type == "heading_open" or (
        block.first.type == "paragraph_open" and _wholly_bold(block.inline)
    ):
        label = _label(block)
        if label in (KEY_POINTS_HEADING, MISTAKES_HEADING):
            return label
    return None


def list_items(block: Block) -> list[str]:
    """The plain text of each top-level item of a list block (its first paragraph)."""
    items, depth, taking = [], 0, False
    for token in block.tokens:
        if token.type == "list_item_open":
            depth += 1
            taking = depth == 1
            if taking:
                items.append("")
        elif token.type == "list_item_close":
            depth -= 1
        elif token.type == "inline" and taking and depth == 1:
            items[-1] = plain_text(token)
            taking = False
    return items


def _is_list(block: Block) -> bool:
    return block.first.type in ("bullet_list_open", "ordered_list_open")


@dataclass
class Answer:
    text: str
    key_points: str
    common_mistakes: str | None  # None when no "Common mistakes" heading gave them


@dataclass
class _Question:
    line: int
    prompt: str
    title: str
    difficulty: str
    topic: str
    body: list[Block] = field(default_factory=list)


def read_answer(lines: list[str], body: list[Block]) -> Answer:
    """An answer's text, its key points and its common mistakes, from its blocks: the "Key
    points" and "Common mistakes" parts taken out of the text."""
    kept: list[Block | None] = []  # None marks where a part was taken out
    points, mistakes = [], []
    given_points = given_mistakes = False
    part = None
    for block in body:
        label = is_sub_heading(block)
        if label:
            part = label
            given_points |= label == KEY_POINTS_HEADING
            given_mistakes |= label == MISTAKES_HEADING
            kept.append(None)
            continue
        if part and block.first.type == "heading_open":
            part = None
        if part:
            if _is_list(block):
                (points if part == KEY_POINTS_HEADING else mistakes).extend(list_items(block))
            kept.append(None)
            continue
        kept.append(block)
    while kept and (kept[-1] is None or _is_break(kept[-1])):
        kept.pop()
    text_parts, previous_end = [], None  # None after a part taken out
    for block in kept:
        if block is None:
            previous_end = None
            continue
        if text_parts:
            gap = lines[previous_end : block.start] if previous_end is not None else [""]
            text_parts.extend(gap)
        own_end = min(block.end, len(lines))
        while own_end > block.start and not lines[own_end - 1].strip():
            own_end -= 1
        text_parts.extend(lines[block.start : own_end])
        previous_end = own_end
    text = "\n".join(text_parts).strip("\n")
    if given_points:
        key_points = "\n".join(point for point in points if point)
    else:
        items = [item for block in kept if block and _is_list(block) for item in list_items(block)]
        key_points = derived_key_points(items or _sentences(kept))
    return Answer(
        text=text,
        key_points=key_points,
        common_mistakes="\n".join(m for m in mistakes if m) if given_mistakes else None,
    )


def _sentences(blocks: list[Block | None]) -> list[str]:
    """The sentences of the paragraphs among the blocks, each without a closing colon; an
    image's description and a formula standing alone are no sentence."""
    found = []
    for block in blocks:
        if block is not None and block.first.type == "paragraph_open":
            # Without its images, "the solution: ![…](…)." keeps a colon before its stop.
            text = _LEFT_BEFORE_STOP.sub("", plain_text(block.inline, images=False))
            found.extend(s.strip().rstrip(":").strip() for s in _SENTENCE_END.split(text))
    return [sentence for sentence in found if sentence and not _ONLY_MATH.fullmatch(sentence)]


def is_placeholder(answer_text: str) -> bool:
    """Whether an answer is empty or stands in for one not written yet ("Answer here")."""
    return one_line(answer_text).strip(" .!…").lower() in PLACEHOLDER_ANSWERS


def _is_break(block: Block) -> bool:
    return block.first.type == "html_block" and bool(_BREAK_ONLY.fullmatch(block.first.content))


def _settings(block: Block, line: int) -> dict[str, str] | None:
    """The settings in a comment right after a question, or None when the block is not such a
    comment (an ordinary comment, which stays in the answer)."""
    content = block.first.content.strip() if block.first.type == "html_block" else ""
    if not (content.startswith("<!--") and content.endswith("-->")):
        return None
    pieces = [p.strip() for p in re.split(r"[;\n]", content[4:-3]) if p.strip()]
    settings, unknown = {}, []
    for piece in pieces:
        key, colon, value = piece.partition(":")
        column = SETTING_COLUMNS.get(key.strip().lower().replace(" ", "_").replace("-", "_"))
        if colon and column:
            settings[column] = value.strip()
        else:
            unknown.append(piece)
    if not settings:
        return None
    if unknown:
        raise ImportFileError(
            f"Line {block.start + 1}: the comment after the question on line {line} holds "
            f"“{unknown[0][:60]}”, which is not a setting. Write settings as “key: value”, "
            f"separated by “;”, with the keys {', '.join(sorted(set(SETTING_COLUMNS)))}."
        )
    return settings


def _question_of(block: Block, topic: str) -> _Question | None:
    kind = block.first.type
    if kind == "heading_open" and block.first.tag == "h3" and not is_sub_heading(block):
        prompt = block.inline.content.strip()
    elif kind == "paragraph_open" and _wholly_bold(block.inline) and not is_sub_heading(block):
        prompt = block.inline.content.strip()
        prompt, _ = _strip_marks(prompt)
        for marker in ("**", "__"):
            if prompt.startswith(marker) and prompt.endswith(marker):
                prompt = prompt[2:-2].strip()
    else:
        return None
    prompt, difficulty = _strip_marks(prompt)
    title, title_difficulty = _strip_marks(plain_text(block.inline))
    return _Question(
        line=block.start + 1,
        prompt=prompt,
        title=title_from(title),
        difficulty=difficulty or title_difficulty,
        topic=topic,
    )


def read_markdown(data: bytes) -> ImportFile:
    text = decode_text(data, hint=MARKDOWN_HINT)
    text, lines = markdown_lines(text)
    questions: list[_Question] = []
    topic = ""
    current = None
    for block in blocks_of(text):
        section = block.first.type == "heading_open" and block.first.tag in ("h1", "h2")
        if section and not is_sub_heading(block):
            topic, current = plain_text(block.inline), None
            continue
        question = _question_of(block, topic)
        if question:
            questions.append(question)
            check_question_count(len(questions), "questions")
            current = question
        elif current:
            current.body.append(block)
    if not questions:
        raise ImportFileError(
            "The Markdown file holds no question. Write each question as a “###” heading, or "
            "as a paragraph wholly in bold (**What is …?**), with its answer below it, under "
            "“##” headings naming the topics."
        )
    slugs = SlugMaker()
    rows, unanswered = [], []
    for question in questions:
        settings = {}
        if question.body and (found := _settings(question.body[0], question.line)) is not None:
            settings = found
            question.body = question.body[1:]
        answer = read_answer(lines, question.body)
        if is_placeholder(answer.text):
            unanswered.append(question.line)
            continue
        cells = {
            "slug": "",
            "title": question.title,
            "topic": question.topic,
            "difficulty": question.difficulty,
            "kind": "",
            "status": "",
            "suggested_minutes": "",
            "skills": "",
            "prompt": question.prompt,
            "model_answer": answer.text,
            "key_points": answer.key_points,
        }
        if answer.common_mistakes is not None:
            cells["common_mistakes"] = answer.common_mistakes
        cells.update(settings)
        cells["slug"] = slugs.claim(cells["slug"]) if cells["slug"] else None
        rows.append(ImportRow(place=question.line, cells=cells))
    # Slugs from titles only once the slugs the file names are known, so that none repeats them.
    for row in rows:
        if row.cells["slug"] is None:
            row.cells["slug"] = slugs.from_title(row.cells["title"])
    if not rows:
        raise ImportFileError(
            f"None of the {len(questions)} questions in the Markdown file has an answer yet. "
            "Write each answer below its question, then upload the file again."
        )
    return ImportFile(
        format_name="Markdown",
        place_word="line",
        columns=columns_of(rows),
        rows=rows,
        notes=[_unanswered_note(unanswered)] if unanswered else [],
    )


def _unanswered_note(lines: list[int]) -> str:
    shown = ", ".join(str(line) for line in lines[:20])
    more = f" and {len(lines) - 20} more" if len(lines) > 20 else ""
    questions = "1 question has" if len(lines) == 1 else f"{len(lines)} questions have"
    return (
        f"{questions} no answer yet (empty, or “Answer here”), so they were left out: "
        f"line{'s' if len(lines) > 1 else ''} {shown}{more}. Write their answers to import them."
    )
