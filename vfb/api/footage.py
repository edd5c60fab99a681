"""Serving a footage file: the part a Range header asks for (read by vfb.api.byte_range), and the
viewing recorded before the first byte leaves, whatever the header said."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from vfb.api.byte_range import Part, Unsatisfiable, Whole, requested_range
from vfb.api.errors import error_response
from vfb.errors import Conflict
from vfb.services.infra.footage_store import Described, MediaStore
from vfb.services.infra.object_store import OpenPart


def _validators(found: Described) -> dict[str, str]:
    tag = hashlib.sha256(found.tag.encode()).hexdigest()[:32]
    modified = formatdate(found.modified.timestamp(), usegmt=True)
    return {"etag": f'"{tag}"', "last-modified": modified}


def _range_still_applies(request: Request, validators: dict[str, str]) -> bool:
    """If-Range names the file the client has part of: if it changed, it gets the whole file."""
    wanted = request.headers.get("if-range")
    return wanted is None or wanted.strip() in validators.values()


def _disposition(kind: str, filename: str | None) -> str:
    if filename is None:
        return kind
    quoted = quote(filename)
    if quoted == filename:
        return f'{kind}; filename="{filename}"'
    return f"{kind}; filename*=utf-8''{quoted}"


def footage_response(
    request: Request,
    store: MediaStore,
    path: Path,
    *,
    media_type: str,
    start_viewing: Callable[[], object],
    disposition: str = "inline",
    filename: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The file, whole (200) or one part (206), or 416 when the range is past its end.
    `start_viewing` runs before any GET that serves a byte: it records the viewing,
    or finds it is the rest of one already recorded. HEAD serves no bytes and records nothing."""
    try:
        found = store.describe(path)
    except FileNotFoundError:
        raise Conflict("This footage is no longer there: it was deleted.") from None
    size = found.size
    validators = _validators(found)
    answer = requested_range(request.headers.get("range"), size)
    if not _range_still_applies(request, validators):
        answer = Whole()
    if isinstance(answer, Unsatisfiable):
        refused = error_response(
            416,
            "range_not_satisfiable",
            f"The file is {size} bytes long; the part asked for is not in it.",
        )
        refused.headers["content-range"] = f"bytes */{size}"
        return refused
    first, length = (answer.first, answer.length) if isinstance(answer, Part) else (0, size)
    sent = (headers or {}) | validators
    sent |= {
        "accept-ranges": "bytes",
        "content-length": str(length),
        "content-disposition": _disposition(disposition, filename),
    }
    status = 200
    if isinstance(answer, Part):
        status = 206
        sent["content-range"] = f"bytes {answer.first}-{answer.last}/{size}"
    if request.method == "HEAD":
        return Response(status_code=status, headers=sent, media_type=media_type)
    try:
        body = store.open_part(path, found, first, length)
    except FileNotFoundError:  # deleted, or replaced, since it was described
        raise Conflict("This footage is no longer there: it was deleted.") from None
    if length:
        try:
            start_viewing()
        except BaseException:
            body.close()
            raise
    return _Footage(body, status_code=status, headers=sent, media_type=media_type)


class _Footage(StreamingResponse):
    """A file's part, whatever becomes of the answer: what it reads from is closed once the
    answer is over, sent whole or not (a player that seeks away drops its request midway; left
    to the garbage collector, the file stayed open until it came by)."""

    def __init__(self, part: OpenPart, **kwargs: Any) -> None:
        super().__init__(part, **kwargs)
        self._part = part

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._part.close()
