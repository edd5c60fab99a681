"""Uploads that resume after any cut: the tus 1.0 protocol (https://tus.io/protocols/resumable-upload)
with its Creation, Checksum (SHA-256), Termination and Expiration extensions.

    POST   /api/uploads        Upload-Length, Upload-Metadata: visit, filename, sha256[, held_today]
    HEAD   /api/uploads/{id}   Upload-Offset: where to go on from (and Vfb-Clip-Id once it is one)
    PATCH  /api/uploads/{id}   application/offset+octet-stream at Upload-Offset, Upload-Checksum
    DELETE /api/uploads/{id}   stop it: everything it kept goes
    GET    /api/uploads/{id}   the upload as JSON, for pages

The rules (the visit checked first, who may add to it, the whole file's SHA-256 checked before it
becomes a clip) are vfb.services.footage.resumable's; this module speaks the protocol."""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path as FilePath
from typing import Annotated, BinaryIO

from fastapi import APIRouter, Header, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vfb.api.deps import CurrentUser, DbDep, IdPath, JobsDep, NowDep, SettingsDep, StoreDep
from vfb.api.releasing_route import ReleasingRoute
from vfb.api.schemas import UPLOAD_ERROR_RESPONSES
from vfb.db import release_connection
from vfb.errors import ChecksumMismatch, InvalidInput, ProtocolUnsupported, WrongContentType
from vfb.models import Recording
from vfb.services.footage import resumable
from vfb.services.footage.clips import bounds_of
from vfb.vocabulary import RecordingStatus

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,checksum,termination,expiration"
PIECE_TYPE = "application/offset+octet-stream"
PATH = "/api/uploads"
WRITE_BYTES = 1 << 20

router = APIRouter(
    route_class=ReleasingRoute, prefix=PATH, tags=["uploads"], responses=UPLOAD_ERROR_RESPONSES
)


class UploadPublic(BaseModel):
    id: str
    session_id: str
    status: RecordingStatus
    length: int
    offset: int
    name: str | None
    clip_id: str | None
    expires_at: datetime | None


def _public(upload: Recording) -> UploadPublic:
    assert upload.upload_length is not None
    return UploadPublic(
        id=upload.id,
        session_id=upload.session_id,
        status=upload.status,
        length=upload.upload_length,
        offset=upload.bytes,
        name=upload.original_name,
        clip_id=upload.clip_id,
        expires_at=resumable.expires_at(upload) if upload.status is RecordingStatus.open else None,
    )


def _require_tus(version: str | None) -> None:
    if version != TUS_VERSION:
        raise ProtocolUnsupported(
            f"Send uploads with the tus protocol, version {TUS_VERSION} (Tus-Resumable header)."
        )


def _state_headers(upload: Recording) -> dict[str, str]:
    headers = {
        "Upload-Offset": str(upload.bytes),
        "Upload-Length": str(upload.upload_length),
        "Cache-Control": "no-store",
    }
    if upload.status is RecordingStatus.open:
        headers["Upload-Expires"] = format_datetime(resumable.expires_at(upload), usegmt=True)
    if upload.clip_id is not None:
        headers["Vfb-Clip-Id"] = upload.clip_id
    return headers


def _metadata(header: str) -> dict[str, str]:
    """tus's Upload-Metadata: `key base64,key base64`, a key alone for an empty value."""
    found: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in header.split(","))):
        key, _, value = pair.partition(" ")
        try:
            found[key] = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise InvalidInput(
                f"The upload's metadata '{key}' is not base64-encoded UTF-8, as tus asks."
            ) from None
    return found


@router.options("", status_code=204)
@router.options("/{upload_id}", status_code=204)
def capabilities(settings: SettingsDep) -> Response:
    """What this server speaks of tus (no sign-in needed to ask)."""
    return Response(
        status_code=204,
        headers={
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": EXTENSIONS,
            "Tus-Checksum-Algorithm": "sha256",
            "Tus-Max-Size": str(settings.max_upload_mb << 20),
        },
    )


@router.post("", status_code=201, response_model=UploadPublic)
def start_upload(
    db: DbDep,
    now: NowDep,
    settings: SettingsDep,
    user: CurrentUser,
    response: Response,
    upload_length: Annotated[int, Header(ge=0, le=1 << 50)],
    tus_resumable: Annotated[str | None, Header()] = None,
    upload_metadata: Annotated[str, Header(max_length=4096)] = "",
) -> UploadPublic:
    """Begin sending a file into a visit. The metadata names the visit (`visit`, its id), the
    file's name (`filename`) and, to have it checked before the file becomes a clip, the whole
    file's SHA-256 (`sha256`, 64 hex digits); with `held_today` a visit booked for a later day
    is held today."""
    _require_tus(tus_resumable)
    found = _metadata(upload_metadata)
    if not found.get("visit"):
        raise InvalidInput("Say which visit the file is for (the upload's 'visit' metadata).")
    upload = resumable.start(
        db=db,
        sending=resumable.Sending(
            session_id=found["visit"],
            length=upload_length,
            sha256=found["sha256"].lower() if "sha256" in found else None,
            name=found.get("filename"),
            held_today=found.get("held_today", "").lower() in {"true", "1", "yes"},
        ),
        by=user,
        now=now,
        max_bytes=settings.max_upload_mb << 20,
    )
    response.headers.update(_state_headers(upload))
    response.headers["Location"] = f"{PATH}/{upload.id}"
    return _public(upload)


@router.head("/{upload_id}")
def upload_offset(
    upload_id: IdPath,
    db: DbDep,
    user: CurrentUser,
    tus_resumable: Annotated[str | None, Header()] = None,
) -> Response:
    """Where the upload stands: the offset to go on from (410 once it is gone)."""
    _require_tus(tus_resumable)
    upload = resumable.find(db=db, upload_id=upload_id, by=user)
    if upload.status not in {RecordingStatus.open, RecordingStatus.finished}:
        return Response(status_code=410, headers={"Cache-Control": "no-store"})
    return Response(status_code=200, headers=_state_headers(upload))


@router.get("/{upload_id}", response_model=UploadPublic)
def get_upload(upload_id: IdPath, db: DbDep, user: CurrentUser) -> UploadPublic:
    return _public(resumable.find(db=db, upload_id=upload_id, by=user))


@router.patch(
    "/{upload_id}",
    status_code=204,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {PIECE_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
async def add_piece(
    upload_id: IdPath,
    request: Request,
    db: DbDep,
    now: NowDep,
    store: StoreDep,
    jobs: JobsDep,
    settings: SettingsDep,
    user: CurrentUser,
    upload_offset: Annotated[int, Header(ge=0, le=1 << 50)],
    tus_resumable: Annotated[str | None, Header()] = None,
    upload_checksum: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    """Add the body at `Upload-Offset`. With `Upload-Checksum: sha256 <base64>` a piece that
    arrives different, or cut short, is not kept (send it again); without, whatever arrived
    before a cut is kept. The answer's Upload-Offset is where to go on from."""
    _require_tus(tus_resumable)
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != PIECE_TYPE:
        raise WrongContentType(f"Send each piece of an upload as {PIECE_TYPE}, as tus asks.")
    expected = _checksum(upload_checksum)
    incoming, room = await run_in_threadpool(
        resumable.piece_arriving, db=db, store=store, upload_id=upload_id, by=user
    )
    await run_in_threadpool(release_connection, db)  # not held while the body arrives
    try:
        digest, whole = await _receive(request, incoming, room)
        if expected is not None and (not whole or digest != expected):
            if not whole:  # the sender has gone: nobody reads this answer
                return Response(status_code=400)
            raise ChecksumMismatch(
                "This piece arrived different from the one sent (its SHA-256 differs), so it "
                "was not kept: send it again."
            )
        if incoming.stat().st_size == 0 and whole:
            upload = await run_in_threadpool(resumable.find, db=db, upload_id=upload_id, by=user)
        elif incoming.stat().st_size == 0:
            return Response(status_code=400)
        else:
            upload = await run_in_threadpool(
                resumable.add_piece,
                db=db,
                store=store,
                upload_id=upload_id,
                piece=resumable.Piece(offset=upload_offset, received=incoming),
                by=user,
                now=now,
                min_free_bytes=settings.min_free_mb << 20,
                bounds=bounds_of(settings),
            )
    finally:
        incoming.unlink(missing_ok=True)
    if upload.clip_id is not None:
        jobs.wake()
    return Response(status_code=204, headers=_state_headers(upload))


@router.delete("/{upload_id}", status_code=204)
def stop_upload(
    upload_id: IdPath,
    db: DbDep,
    now: NowDep,
    store: StoreDep,
    user: CurrentUser,
    tus_resumable: Annotated[str | None, Header()] = None,
) -> Response:
    """Stop sending the file: everything the upload kept is removed (tus's Termination)."""
    _require_tus(tus_resumable)
    resumable.stop(db=db, store=store, upload_id=upload_id, by=user, now=now)
    return Response(status_code=204)


def _checksum(header: str | None) -> bytes | None:
    if header is None:
        return None
    algorithm, _, value = header.strip().partition(" ")
    if algorithm.lower() != "sha256":
        raise InvalidInput("vfb checks pieces by SHA-256 only (Upload-Checksum: sha256 <base64>).")
    try:
        digest = base64.b64decode(value.strip(), validate=True)
    except binascii.Error:
        digest = b""
    if len(digest) != hashlib.sha256().digest_size:
        raise InvalidInput("The Upload-Checksum is not a base64 SHA-256 digest.")
    return digest


async def _receive(request: Request, dest: FilePath, room: int) -> tuple[bytes, bool]:
    """The body streamed into `dest` (never held whole), refused beyond the `room` the upload
    has left: its SHA-256, and whether all of it came (False if the sender went first)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > room:
        raise _beyond(room)
    digest = hashlib.sha256()
    size = 0
    held: list[bytes] = []  # written a megabyte at a time: a thread's turn is not free

    def write(out: BinaryIO, pieces: list[bytes]) -> None:
        for piece in pieces:
            out.write(piece)
            digest.update(piece)

    with dest.open("wb") as out:
        try:
            async for piece in request.stream():
                size += len(piece)
                if size > room:
                    raise _beyond(room)
                held.append(piece)
                if sum(map(len, held)) >= WRITE_BYTES:
                    await run_in_threadpool(write, out, held)
                    held = []
        except ClientDisconnect:
            await run_in_threadpool(write, out, held)
            return digest.digest(), False
        await run_in_threadpool(write, out, held)
    return digest.digest(), True


def _beyond(room: int) -> InvalidInput:
    return InvalidInput(f"That is more than the {room} bytes this upload has still to come.")


class TusHeaders:
    """`Tus-Resumable` on every answer about an upload, a refusal too (pure ASGI)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == PATH or path.startswith(PATH + "/")):
            await self.app(scope, receive, send)
            return

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"tus-resumable", b"1.0.0")]
            await send(message)

        await self.app(scope, receive, send_with_header)
