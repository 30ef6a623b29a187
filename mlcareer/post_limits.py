"""Form posts over Django's upload limit: the text comes back to its form, or a clear page.

Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) with a bare "Bad Request" and
logs an error with a traceback, and what the user typed is gone. Here a view that checks the
length of every text field it takes (marked with `cut_oversized_post`) gets the post with each
long field cut to its beginning: its form then says the text is too long and shows it again,
as for any over-long text. Elsewhere, or past a hard ceiling, the answer is a page saying that
nothing was saved and that Back in the browser still has the text. Either way one warning line
is logged.
"""

import codecs
import logging
from collections.abc import Callable
from typing import BinaryIO, TypeVar
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict

# The logger Django itself reports an oversized body on, so a security log sees both.
oversized_log = logging.getLogger("django.security.RequestDataTooBig")

FORM_ENCODED = "application/x-www-form-urlencoded"
# Bytes of each field kept, as sent. More than the longest text any form takes (an answer:
# 20,000 characters, at most 240,000 bytes percent-encoded), so a cut field always fails its
# form's length check and is never saved as if it were whole.
KEPT_PER_FIELD = 256 * 1024
# Bodies past this many times the limit are not read at all: nobody types that much.
CEILING_TIMES_LIMIT = 4
READ_CHUNK = 64 * 1024

_CUT_VIEW = "cuts_oversized_post"

View = TypeVar("View", bound=Callable)


def cut_oversized_post(view: View) -> View:
    """Let a post over the upload limit reach `view` with each long field cut to its start.

    Only for views whose forms check the length of every text field they take.
    """
    setattr(view, _CUT_VIEW, True)
    return view


def _without_broken_escape(field: bytes) -> bytes:
    """Drop a percent-escape the cut went through ("%" or "%E" at the very end)."""
    if field.endswith(b"%"):
        return field[:-1]
    if field[-2:-1] == b"%":
        return field[:-2]
    return field


def _decode(raw: bytes, *, encoding: str, cut: bool) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    # A cut can fall inside a character; the incomplete bytes at the end are left out.
    return decoder.decode(unquote_to_bytes(raw.replace(b"+", b" ")), final=not cut)


def form_cut(
    stream: BinaryIO,
    *,
    length: int,
    kept_per_field: int,
    kept_total: int,
    max_fields: int | None = None,
    encoding: str = "utf-8",
    chunk_size: int = READ_CHUNK,
) -> QueryDict | None:
    """The urlencoded form of `length` bytes read from `stream`, every field kept in order
    with at most its first `kept_per_field` bytes as sent, a cut never leaving half a
    character; None when more than `kept_total` bytes (separators included) would be kept,
    or more than `max_fields` fields sent.
    """
    fields: list[bytearray] = [bytearray()]
    sent_of_field = 0
    kept = 0
    cut: set[int] = set()
    left = length
    while left > 0:
        chunk = stream.read(min(chunk_size, left))
        if not chunk:
            break
        left -= len(chunk)
        for index, piece in enumerate(chunk.split(b"&")):
            if index:
                if max_fields is not None and len(fields) >= max_fields:
                    return None
                fields.append(bytearray())
                sent_of_field = 0
                kept += 1
            room = max(0, kept_per_field - sent_of_field)
            fields[-1] += piece[:room]
            kept += min(room, len(piece))
            if len(piece) > room:
                cut.add(len(fields) - 1)
            sent_of_field += len(piece)
            if kept > kept_total:
                return None
    form = QueryDict(mutable=True, encoding=encoding)
    for number, field in enumerate(fields):
        if not field:
            continue
        was_cut = number in cut
        raw = _without_broken_escape(bytes(field)) if was_cut else bytes(field)
        name, _, value = raw.partition(b"=")
        form.appendlist(
            _decode(name, encoding=encoding, cut=False),
            _decode(value, encoding=encoding, cut=was_cut),
        )
    form._mutable = False
    return form


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


class OversizedPostMiddleware:
    """Answers a post over DATA_UPLOAD_MAX_MEMORY_SIZE before CSRF's check would read it.

    Runs its `process_view` before CsrfViewMiddleware's, which reads `request.POST` and so
    would meet Django's refusal first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view, view_args, view_kwargs):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.method != "POST" or limit is None:
            return None
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if size <= limit:
            return None
        if request.content_type != FORM_ENCODED:
            # A multipart body may be large because of its files, which have no limit here;
            # only its text fields count, so Django has to read it to tell.
            try:
                request.POST  # noqa: B018 - reading it is the check
            except RequestDataTooBig:
                return self._refuse(request, size, limit)
            return None
        if getattr(view, _CUT_VIEW, False) and size <= limit * CEILING_TIMES_LIMIT:
            form = form_cut(
                request,
                length=size,
                kept_per_field=KEPT_PER_FIELD,
                kept_total=limit,
                max_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
                encoding=request.encoding or settings.DEFAULT_CHARSET,
            )
            if form is not None:
                request.POST = form
                request._files = MultiValueDict()
                oversized_log.warning(
                    "POST %s of %d bytes, over the %d accepted: long fields cut for the form",
                    request.path,
                    size,
                    limit,
                )
                messages.warning(
                    request,
                    f"What you sent ({_megabytes(size)}) is over the {_megabytes(limit)} the "
                    "site takes at once, so only the beginning of each long text arrived: "
                    "shorten it, then send it again.",
                )
                return None
        return self._refuse(request, size, limit)

    def _refuse(self, request: HttpRequest, size: int, limit: int) -> HttpResponse:
        oversized_log.warning(
            "POST %s of %d bytes, over the %d accepted: refused", request.path, size, limit
        )
        return render(
            request,
            "413.html",
            {"size": _megabytes(size), "limit": _megabytes(limit)},
            status=413,
        )
