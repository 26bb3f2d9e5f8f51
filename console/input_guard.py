"""Control characters never reach a view: a request under /admin carrying one answers 400, nothing is written.

A NUL byte in the login form, a search or the certificate desk made PostgreSQL refuse the statement
(`psycopg.DataError`, a 500); other control characters would be stored and later break a sheet, a letter or a
log line. Refused here (models/text.py CONTROL_CHARACTERS): C0 except TAB, LF and CR, DEL, and C1, in

- the query string of every request (names and values, after percent-decoding), and
- the fields of urlencoded and multipart bodies of POST, PUT, PATCH and DELETE, and the file names of
  uploads (never the file contents: a PDF or a spreadsheet is binary by nature).

TAB, LF and CR pass here because a textarea sends CR LF; whether a field may hold them is its column's rule
(one-line String fields refuse them with a message on the form). Runs inside the CSRF check, which has
already refused forged requests and buffered the body (at most 12 MiB); the body is read again from that
buffer and replayed to the application.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import parse_qsl

from starlette.datastructures import FormData, Headers, UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from console.csrf import (
    BAD_FORM_MESSAGE,
    MAX_BODY_BYTES,
    TOO_LARGE_MESSAGE,
    UNSAFE_METHODS,
    _nothing_more,
    _read_body,
    _replay,
    refusal_page,
)
from models.text import CONTROL_CHARACTERS

TITLE = "Karakter tidak diizinkan"
MESSAGE = (
    "Permintaan berisi karakter kontrol (misalnya NUL, U+0000) yang tidak boleh ada dalam isian. Tidak ada data "
    "yang diubah. Hapus karakter itu (biasanya terbawa saat menyalin dari dokumen lain), lalu coba lagi."
)
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
# No text part is refused here for its size (the views set their own limits); file parts are spooled to disk
# past 1 MiB, so parsing an upload costs little memory.
MAX_PART_SIZE = MAX_BODY_BYTES

logger = logging.getLogger("console.input_guard")


def has_control_character(texts: Iterable[str]) -> bool:
    return any(CONTROL_CHARACTERS.search(text) for text in texts)


def query_texts(query_string: bytes) -> list[str]:
    """Every name and value of a query string, percent-decoded as UTF-8 (undecodable bytes stay visible)."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, errors="surrogateescape")
    return [text for pair in pairs for text in pair]


def form_texts(form: FormData) -> list[str]:
    """Field names and text values of a parsed form, and the file names of its uploads (not their contents)."""
    texts: list[str] = []
    for name, value in form.multi_items():
        texts.append(name)
        if isinstance(value, UploadFile):
            texts.append(value.filename or "")
        else:
            texts.append(value)
    return texts


async def _body_texts(scope: Scope, body: bytes) -> list[str]:
    """The texts of a form body as the application will read them (Starlette's own parser)."""
    request = Request({key: value for key, value in scope.items() if key != "app"}, _replay(body, _nothing_more))
    form = await request.form(max_part_size=MAX_PART_SIZE)
    try:
        return form_texts(form)
    finally:
        await form.close()


class ControlCharacterMiddleware:
    """Pure ASGI middleware for /admin, inside CsrfMiddleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if has_control_character(query_texts(scope.get("query_string", b""))):
            await self._refuse(scope, receive, send, "query string")
            return
        content_type = Headers(scope=scope).get("content-type", "").split(";")[0].strip().lower()
        if scope["method"] not in UNSAFE_METHODS or content_type not in FORM_TYPES:
            await self.app(scope, receive, send)
            return
        body = await _read_body(scope, receive, MAX_PART_SIZE)
        if body is None:  # the CSRF check has already refused larger bodies; kept for use without it
            await refusal_page(scope, 413, "Data terlalu besar", TOO_LARGE_MESSAGE)(scope, receive, send)
            return
        try:
            texts = await _body_texts(scope, body)
        except MultiPartException:
            await refusal_page(scope, 400, "Formulir rusak", BAD_FORM_MESSAGE)(scope, receive, send)
            return
        if has_control_character(texts):
            await self._refuse(scope, receive, send, "form field")
            return
        await self.app(scope, _replay(body, receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, where: str) -> None:
        # Neither the value nor the query string is logged: either may hold a NIK.
        logger.warning("Control character refused in the %s of %s %s", where, scope["method"], scope.get("path"))
        await refusal_page(scope, 400, TITLE, MESSAGE)(scope, receive, send)
