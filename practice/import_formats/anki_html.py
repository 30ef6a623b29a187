"""Anki's HTML fields as Markdown: what the card shows, in the Markdown a question holds.

Line breaks (`<br>`, one `<div>` a line as Anki's editor writes) become paragraph breaks, so
that each line stays a line; bold and italics, code and `<pre>` blocks, lists, links, images
(as image references by the name Anki stores them under), headings and simple tables carry
over. MathJax `\\(…\\)` and `\\[…\\]` become `$…$` and `$$…$$`. Anki's `[sound:…]` references
are taken out, and named, since a question holds no sound.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_SOUND = re.compile(r"\[sound:([^\]]*)\]")
_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.DOTALL)
_SPACE = re.compile(r"\s+")
_UNDERSCORE_AT_EDGE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")
_EMPHASIS = {
    "b": "**",
    "strong": "**",
    "i": "*",
    "em": "*",
    "s": "~~",
    "strike": "~~",
    "del": "~~",
}
_BLOCKS = {"div", "p", "blockquote", "section", "article", "header", "footer", "center"}
_SKIPPED = {"script", "style", "head", "title"}


@dataclass
class Converted:
    markdown: str
    images: list[str] = field(default_factory=list)
    sounds: list[str] = field(default_factory=list)


def _escape(text: str) -> str:
    text = text.replace("*", "\\*").replace("`", "\\`").replace("[", "\\[")
    text = _UNDERSCORE_AT_EDGE.sub(r"\\_", text)
    return _TAG_LIKE.sub(r"\\<", text)


def _image_target(src: str) -> str:
    return f"<{src}>" if re.search(r"[\s()<>]", src) else src


class _Converter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[list[str]] = [["", ""]]  # [indent, text] a line
        self.indent = ""
        self.lists: list[list] = []  # [tag, next number, indent before]
        self.pre = self.code = self.skip = 0
        self.links: list[str | None] = []
        self.table: list[list[str]] | None = None
        self.cell: list[str] | None = None
        self.opened: str = ""  # an emphasis marker written just now, with nothing after it yet
        self.images, self.sounds = [], []

    # Writing
    def _write(self, text: str) -> None:
        if not text:
            return
        if self.cell is not None:
            self.cell.append(text)
            return
        line = self.lines[-1]
        if not line[1]:
            line[0] = self.indent
        line[1] += text
        self.opened = ""

    def _newline(self) -> None:
        if self.lines[-1][1]:
            self.lines.append([self.indent, ""])

    def _paragraph(self) -> None:
        if self.cell is not None:
            self.cell.append(" ")
            return
        if self.lists:
            self._newline()
            return
        if self.lines[-1][1]:
            self.lines.append(["", ""])
        if len(self.lines) > 1 and self.lines[-2][1]:
            self.lines.append(["", ""])

    # Parsing
    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in _SKIPPED:
            self.skip += 1
        elif tag == "br":
            if self.pre:
                self.lines.append(["", ""])
            else:
                self._paragraph()
        elif tag in _BLOCKS:
            self._paragraph()
        elif tag in _EMPHASIS and not self.pre and not self.code:
            self._write(_EMPHASIS[tag])
            self.opened = _EMPHASIS[tag]
        elif tag == "code" and not self.pre:
            self.code += 1
            self._write("`")
        elif tag == "code" and self.lines[-1][1] == "" and self.lines[-2][1] == "```":
            language = re.search(r"language-([\w+-]+)", attrs.get("class") or "")
            self.lines[-2][1] += language.group(1) if language else ""
        elif tag == "pre":
            self._paragraph()
            self._write("```")
            self.lines.append([self.indent, ""])
            self.pre += 1
        elif tag in ("ul", "ol"):
            self._paragraph() if not self.lists else self._newline()
            self.lists.append([tag, int(attrs.get("start") or 1), self.indent])
        elif tag == "li":
            self._newline()
            kind, number, before = self.lists[-1] if self.lists else ("ul", 1, self.indent)
            marker = f"{number}. " if kind == "ol" else "- "
            if self.lists:
                self.lists[-1][1] += 1
            self.indent = before
            self._write(marker)
            self.indent = before + " " * len(marker)
        elif tag == "a":
            self.links.append(attrs.get("href"))
            if attrs.get("href"):
                self._write("[")
        elif tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])
            alt = _escape(_SPACE.sub(" ", attrs.get("alt") or "").strip())
            self._write(f"![{alt}]({_image_target(attrs['src'])})")
        elif re.fullmatch(r"h[1-6]", tag):
            self._paragraph()
            self._write("#" * int(tag[1]) + " ")
        elif tag == "hr":
            self._paragraph()
            self._write("---")
            self._paragraph()
        elif tag == "table" and self.table is None:
            self._paragraph()
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None:
            self.cell = []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            self._paragraph()
        elif tag in _EMPHASIS and not self.pre and not self.code:
            self._close_emphasis(_EMPHASIS[tag])
        elif tag == "code" and self.code:
            self.code -= 1
            self._write("`")
        elif tag == "pre" and self.pre:
            self.pre -= 1
            self._newline()
            self._write("```")
            self._paragraph()
        elif tag in ("ul", "ol") and self.lists:
            _, _, before = self.lists.pop()
            self.indent = before
            self._paragraph() if not self.lists else self._newline()
        elif tag == "li":
            self._newline()
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self._write(f"]({_image_target(href)})")
        elif re.fullmatch(r"h[1-6]", tag):
            self._paragraph()
        elif tag in ("td", "th") and self.cell is not None:
            text = _SPACE.sub(" ", "".join(self.cell)).strip().replace("|", "\\|")
            self.cell = None
            if self.table:
                self.table[-1].append(text)
        elif tag == "table" and self.table is not None:
            rows, self.table = [row for row in self.table if row], None
            self._write_table(rows)

    def _close_emphasis(self, marker: str) -> None:
        line = self.lines[-1]
        if self.opened == marker and line[1].endswith(marker):
            line[1] = line[1][: -len(marker)]  # nothing was emphasised
            self.opened = ""
            return
        stripped = line[1].rstrip()
        space = line[1][len(stripped) :]
        line[1] = stripped + marker + space

    def _write_table(self, rows: list[list[str]]) -> None:
        if not rows:
            return
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        self._write("| " + " | ".join(rows[0]) + " |")
        self.lines.append(["", "| " + " | ".join(["---"] * width) + " |"])
        for row in rows[1:]:
            self.lines.append(["", "| " + " | ".join(row) + " |"])
        self._paragraph()

    def handle_data(self, data):
        if self.skip:
            return
        data = _SOUND.sub(lambda m: self.sounds.append(m.group(1)) or "", data)
        if self.pre:
            first, *rest = data.split("\n")
            self.lines[-1][1] += first
            for line in rest:
                self.lines.append(["", line])
            return
        data = _SPACE.sub(" ", data)
        if self.opened and data.startswith(" "):
            # "<b> word</b>": the space goes before the marker, where Markdown needs it.
            line = self.lines[-1]
            before = line[1][: -len(self.opened)]
            line[1] = (before + " " if before.strip() else before) + self.opened
            data = data.lstrip()
        if not self.lines[-1][1] and self.cell is None:
            data = data.lstrip()
        if self.code:
            self._write(data)
            return
        parts, last = [], 0
        for match in _MATH.finditer(data):
            parts.append(_escape(data[last : match.start()]))
            inline, display = match.groups()
            parts.append(f"${inline}$" if inline is not None else f"$${display}$$")
            last = match.end()
        parts.append(_escape(data[last:]))
        text = "".join(parts)
        if not self.lines[-1][1] and text.startswith("#"):
            text = "\\" + text
        self._write(text)

    def result(self) -> str:
        lines = [(indent + text).rstrip() if text.strip() else "" for indent, text in self.lines]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def html_to_markdown(html: str) -> Converted:
    converter = _Converter()
    converter.feed(html)
    converter.close()
    return Converted(converter.result(), converter.images, converter.sounds)


def plain_html_text(text: str) -> Converted:
    """A field exported without HTML: its text as is, sounds taken out."""
    sounds = []
    text = _SOUND.sub(lambda m: sounds.append(m.group(1)) or "", text)
    return Converted(text.strip(), [], sounds)
