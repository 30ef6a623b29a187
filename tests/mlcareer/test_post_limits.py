import io

import pytest

from mlcareer.post_limits import form_cut


def _cut(body: bytes, *, per_field=10, total=1000, max_fields=None, chunk_size=3):
    return form_cut(
        io.BytesIO(body),
        length=len(body),
        kept_per_field=per_field,
        kept_total=total,
        max_fields=max_fields,
        chunk_size=chunk_size,
    )


def test_every_field_is_kept_in_order_each_cut_to_its_start():
    form = _cut(b"csrf=abc&answer=" + b"x" * 100 + b"&level=3&level=4&finish=1")

    assert list(form.lists()) == [
        ("csrf", ["abc"]),
        ("answer", ["xxx"]),  # "answer=xxx" is the first ten bytes
        ("level", ["3", "4"]),
        ("finish", ["1"]),
    ]


@pytest.mark.parametrize("per_field", [5, 6, 7, 8, 9, 10])
def test_a_cut_never_leaves_half_an_escape_or_half_a_character(per_field):
    """ "é" is sent as %C3%A9: six bytes for one character."""
    form = _cut(b"t=" + b"%C3%A9" * 10 + b"+ok", per_field=2 + per_field)

    assert form["t"] == "é" * (per_field // 6)


def test_plus_signs_and_escapes_are_decoded_as_a_browser_sent_them():
    form = _cut(b"note=two+words%2C+%E2%9C%93", per_field=100)

    assert form["note"] == "two words, ✓"


def test_nothing_is_returned_when_the_kept_part_is_still_over_the_total():
    assert _cut(b"a=" + b"x" * 50 + b"&b=" + b"y" * 50, per_field=40, total=60) is None
    assert _cut(b"&" * 100, total=60) is None
    assert _cut(b"a=" + b"x" * 50 + b"&b=" + b"y" * 50, per_field=40, total=100) is not None


def test_nothing_is_returned_for_more_fields_than_django_allows():
    assert _cut(b"a=1&" * 5 + b"a=1", max_fields=5) is None
    assert _cut(b"a=1&" * 4 + b"a=1", max_fields=5).getlist("a") == ["1"] * 5
