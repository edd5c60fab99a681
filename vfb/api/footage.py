"""Serving a footage file: the part a Range header asks for (read by vfb.api.byte_range), and the
viewing recorded before the first byte leaves, whatever the header said."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator, Callable
from email.utils import formatdate
from pathlib import Path
from urllib.parse import quote

import anyio
from fastapi import Request
from starlette.responses import Response, StreamingResponse

from vfb.api.byte_range import Part, Unsatisfiable, Whole, requested_range
from vfb.api.errors import error_response

CHUNK_BYTES = 256 * 1024


def _validators(stat: os.stat_result) -> dict[str, str]:
    tag = hashlib.sha256(f"{stat.st_mtime_ns}-{stat.st_size}".encode()).hexdigest()[:32]
    return {"etag": f'"{tag}"', "last-modified": formatdate(stat.st_mtime, usegmt=True)}


def _range_still_applies(request: Request, validators: dict[str, str]) -> bool:
    """If-Range names the file the client has part of: if it changed, it gets the whole file."""
    wanted = request.headers.get("if-range")
    return wanted is None or wanted.strip() in validators.values()


async def _bytes_of(path: Path, first: int, length: int) -> AsyncIterator[bytes]:
    async with await anyio.open_file(path, "rb") as file:
        await file.seek(first)
        while length > 0:
            chunk = await file.read(min(CHUNK_BYTES, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


def _disposition(kind: str, filename: str | None) -> str:
    if filename is None:
        return kind
    quoted = quote(filename)
    if quoted == filename:
        return f'{kind}; filename="{filename}"'
    return f"{kind}; filename*=utf-8''{quoted}"


def footage_response(
    request: Request,
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
    stat = path.stat()
    size = stat.st_size
    validators = _validators(stat)
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
    if length:
        start_viewing()
    return StreamingResponse(
        _bytes_of(path, first, length), status_code=status, headers=sent, media_type=media_type
    )
