"""The colours of highlighted code are readable on the code background (WCAG AA, 4.5:1)."""

import re
from pathlib import Path

from pygments.token import STANDARD_TYPES

CODE_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "code.css"
CODE_BACKGROUND = "#f8f9fa"  # Bootstrap's --bs-tertiary-bg, the background of .rendered pre


def _luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(digit * 2 for digit in colour)
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(one: str, other: str) -> float:
    lighter, darker = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_every_code_colour_reaches_4_5_to_1_on_the_code_background():
    colours = re.findall(r"(?<![-\w])color: (#[0-9a-fA-F]{3,6})", CODE_CSS.read_text())

    assert len(colours) > 40
    low = {colour: round(_contrast(colour, CODE_BACKGROUND), 2) for colour in colours}
    assert {colour: ratio for colour, ratio in low.items() if ratio < 4.5} == {}


def test_the_stylesheet_colours_the_classes_the_highlighter_writes():
    styled = set(re.findall(r"\.rendered pre \.([\w-]+)", CODE_CSS.read_text()))

    assert {"k", "s2", "c1", "nf", "mi"} <= styled <= set(STANDARD_TYPES.values())
