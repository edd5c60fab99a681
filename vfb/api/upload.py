"""Receive a multipart upload's `file` field straight onto disk, chunk by chunk, with a size limit:
a 4 GB phone video is never held in memory, and an over-limit one is refused with nothing kept."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from anyio import to_thread
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from vfb.capture.files import disk_full, is_disk_full
from vfb.errors import InvalidInput, TooLarge


@dataclass
class _Part:
    header_name: bytes = b""
    header_value: bytes = b""
    headers: dict[bytes, bytes] = field(default_factory=dict)


def _field_of(headers: dict[bytes, bytes]) -> tuple[str, str | None]:
    _, options = parse_options_header(headers.get(b"content-disposition", b""))
    name = options.get(b"name", b"").decode("utf-8", "replace")
    filename = options.get(b"filename")
    return name, filename.decode("utf-8", "replace") if filename is not None else None


async def receive_file(
    request: Request, dest: Path, *, max_bytes: int, field_name: str = "file"
) -> str | None:
    """Write the upload's `field_name` part to `dest` (synced); return the name the sender gave.
    On any failure `dest` is removed."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise InvalidInput("Send the video as a multipart form with a field named 'file'.")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + 64 * 1024:
        raise _too_large(max_bytes)
    part = _Part()
    state: dict[str, object] = {"name": None, "filename": None, "found": False, "size": 0}
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    pending: list[memoryview] = []  # what the parser found in the last piece, to write

    def on_part_begin() -> None:
        part.headers.clear()

    def on_header_field(data: bytes, start: int, end: int) -> None:
        part.header_name += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        part.header_value += data[start:end]

    def on_header_end() -> None:
        part.headers[part.header_name.lower()] = part.header_value
        part.header_name, part.header_value = b"", b""

    def on_headers_finished() -> None:
        name, filename = _field_of(part.headers)
        state["name"] = name
        if name == field_name:
            state["found"] = True
            state["filename"] = filename

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state["name"] != field_name:
            return
        size = int(state["size"]) + (end - start)  # type: ignore[call-overload]
        if size > max_bytes:
            raise _too_large(max_bytes)
        state["size"] = size
        pending.append(memoryview(data)[start:end])  # written off the event loop, below

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
        },
    )
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            if pending:  # a disk write (or a stall) never holds up the other requests
                await to_thread.run_sync(_write_all, fd, pending)
                pending.clear()
        parser.finalize()
        if not state["found"]:
            raise InvalidInput("The upload has no field named 'file': choose a video to import.")
        await to_thread.run_sync(os.fsync, fd)
    except ClientDisconnect:
        dest.unlink(missing_ok=True)
        raise InvalidInput(
            "The upload stopped before the whole file arrived; nothing was kept."
        ) from None
    except MultipartParseError:
        dest.unlink(missing_ok=True)
        raise InvalidInput(
            "The upload was not a well-formed form, so nothing was kept: send the video again."
        ) from None
    except OSError as error:
        dest.unlink(missing_ok=True)
        if is_disk_full(error):
            raise disk_full(dest.parent) from error
        raise
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)
    return state["filename"]  # type: ignore[return-value]


def _write_all(fd: int, pieces: list[memoryview]) -> None:
    for view in pieces:
        while view:
            view = view[os.write(fd, view) :]


def _too_large(max_bytes: int) -> TooLarge:
    return TooLarge(
        f"That file is bigger than the {max_bytes // (1024 * 1024)} MB vfb accepts "
        "(VFB_MAX_UPLOAD_MB); nothing was kept. Trim it on the device first, or ask your "
        "administrator to raise the limit."
    )
