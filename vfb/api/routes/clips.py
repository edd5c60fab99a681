"""Clips and recordings: import, record in chunks, play (with Range), trim, and review media."""

from __future__ import annotations

import gzip
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from vfb.api.deps import CurrentUser, DbDep, IdPath, JobsDep, NowDep, SettingsDep, StoreDep
from vfb.api.footage import footage_response
from vfb.api.releasing_route import ReleasingRoute
from vfb.api.schemas import MEDIA_ERROR_RESPONSES
from vfb.api.upload import receive_file
from vfb.capture.files import free_bytes
from vfb.capture.review_media import PEAKS, POSTER, THUMBNAILS
from vfb.capture.still import still_jpeg
from vfb.capture.timecode import format_timecode
from vfb.db import release_connection
from vfb.errors import Conflict, InvalidInput, TooLarge
from vfb.models import ClipPublic, RecordingCreate, RecordingPublic, TrimRequest
from vfb.models.clip import StoragePublic
from vfb.review.elan import clip_file_name, media_type_of
from vfb.services.footage import clips, recordings, uploads, viewing
from vfb.services.protection import access
from vfb.vocabulary import ClipStatus

router = APIRouter(
    route_class=ReleasingRoute, prefix="/api", tags=["clips"], responses=MEDIA_ERROR_RESPONSES
)

MAX_CHUNK_BYTES = 64 * 1024 * 1024


@router.get("/storage", response_model=StoragePublic)
def get_storage(store: StoreDep, settings: SettingsDep, user: CurrentUser) -> StoragePublic:
    """Free space where footage is kept (the Record page shows it before and while recording)."""
    return StoragePublic(
        free_bytes=free_bytes(store.root), min_free_bytes=settings.min_free_mb << 20
    )


@router.get("/sessions/{session_id}/clips", response_model=list[ClipPublic])
def list_clips(
    session_id: IdPath, db: DbDep, store: StoreDep, user: CurrentUser
) -> list[ClipPublic]:
    found = clips.list_clips(db=db, session_id=session_id, by=user)
    session = access.get_session(db=db, session_id=session_id, by=user)
    return [clips.public(c, session.programme_id, store) for c in found]


@router.post(
    "/sessions/{session_id}/clips",
    response_model=ClipPublic,
    status_code=201,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                }
            },
        }
    },
)
async def import_clip(
    session_id: IdPath,
    request: Request,
    db: DbDep,
    now: NowDep,
    store: StoreDep,
    jobs: JobsDep,
    settings: SettingsDep,
    user: CurrentUser,
    held_today: Annotated[
        bool,
        Query(description="The visit, booked for a later day, is being held today: hold it"),
    ] = False,
) -> ClipPublic:
    """Import a video file (multipart field `file`), streamed to disk. It becomes a clip once a
    video frame in it decodes; the clip is `processing` until it is playable and ready. A booked
    visit becomes held; one booked for a later day is refused (409 `booked_for_later`) unless
    `held_today`."""

    async def receive(dest: FilePath, max_bytes: int) -> str | None:
        return await receive_file(request, dest, max_bytes=max_bytes)

    clip, programme_id = await uploads.import_upload(
        db=db,
        store=store,
        jobs=jobs,
        settings=settings,
        session_id=session_id,
        receive=receive,
        by=user,
        now=now,
        held_today=held_today,
    )
    return clips.public(clip, programme_id, store)


@router.get("/clips/{clip_id}", response_model=ClipPublic)
def get_clip(clip_id: IdPath, db: DbDep, store: StoreDep, user: CurrentUser) -> ClipPublic:
    clip, programme = access.get_clip(db=db, clip_id=clip_id, by=user)
    return clips.public(clip, programme.id, store)


@router.delete("/clips/{clip_id}", status_code=204)
def delete_clip(clip_id: IdPath, db: DbDep, store: StoreDep, user: CurrentUser) -> Response:
    """Delete a clip and its files (clips trimmed from it stay)."""
    clips.delete_clip(db=db, store=store, clip_id=clip_id, by=user)
    return Response(status_code=204)


@router.get("/clips/{clip_id}/media", response_class=FileResponse)
@router.head("/clips/{clip_id}/media", response_class=FileResponse, include_in_schema=False)
def clip_media(
    clip_id: IdPath, request: Request, db: DbDep, now: NowDep, store: StoreDep, user: CurrentUser
) -> Response:
    """The clip's MP4, answering a single Range with 206 so the player can seek. A supervisor or
    manager needs the carer's `supervision` consent; each viewing is in the audit trail."""
    clip, programme = viewing.watch_clip(
        db=db, clip_id=clip_id, by=user, today=now.date(), action="clip.stream", record=False
    )
    path = clips.playable_file(store, clip, programme.id)
    return footage_response(
        request,
        store,
        path,
        media_type=media_type_of(path.name),
        filename=clip_file_name(
            clip.id, clip.playable_ext
        ),  # as an .eaf export links it: ELAN finds it beside
        headers={"Cache-Control": "private, no-store"},
        start_viewing=lambda: viewing.start_viewing(
            db, "clip.stream", target_type="clip", target_id=clip.id, child_id=programme.child_id
        ),
    )


@router.get(
    "/clips/{clip_id}/still",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}}, "description": "The frame, as a JPEG"}},
)
def clip_still(
    clip_id: IdPath,
    request: Request,
    db: DbDep,
    now: NowDep,
    store: StoreDep,
    user: CurrentUser,
    at_ms: Annotated[int, Query(ge=0, le=24 * 3600 * 1000, description="The time, in ms")] = 0,
) -> Response:
    """The exact frame shown at `at_ms` (decoded at that frame's own time, not the nearest
    keyframe), as a JPEG: a still to slow a moment down."""
    path, _ = viewing.watch_still(
        db=db,
        store=store,
        clip_id=clip_id,
        by=user,
        today=now.date(),
        at_ms=at_ms,
        record=request.method != "HEAD",
    )
    name = f"still-{format_timecode(at_ms).replace(':', '-')}.jpg"
    return Response(
        still_jpeg(store.readable(path), at_ms),
        media_type="image/jpeg",
        headers={
            "Cache-Control": "private, no-store",
            "Content-Disposition": f'inline; filename="{name}"',
        },
    )


@router.get(
    "/clips/{clip_id}/frames",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}, "description": "The frame times"}},
)
def clip_frames(
    clip_id: IdPath, request: Request, db: DbDep, now: NowDep, store: StoreDep, user: CurrentUser
) -> Response:
    """When each video frame of the clip's `media` starts, as the player's `currentTime` sees
    it: frame 0 at `start`, then `runs` of `[frames, ticks each]`, in ticks of `time_base`
    (`[numerator, denominator]` seconds); `count` frames in all. Read once, then kept; sent
    gzipped to a client that takes it."""
    # the footage's own gate (reach, supervision consent); the timings show nothing of the
    # visit, so asking for them is not a viewing of its own in the audit trail
    clip, programme = viewing.watch_clip(
        db=db, clip_id=clip_id, by=user, today=now.date(), action="clip.frames", record=False
    )
    data = clips.frame_times(db, store, clip, programme.id)
    headers = {"Cache-Control": "private, no-store", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
    else:
        data = gzip.decompress(data)
    return Response(data, media_type="application/json", headers=headers)


REVIEW_FILES = {"poster": (POSTER, "image/jpeg"), "thumbnails": (THUMBNAILS, "image/jpeg")}
REVIEW_FILES["peaks"] = (PEAKS, "application/json")


@router.get("/clips/{clip_id}/{kind}", response_class=Response)
@router.head("/clips/{clip_id}/{kind}", response_class=Response, include_in_schema=False)
def review_file(
    clip_id: IdPath,
    kind: Annotated[str, Path(pattern="^(poster|thumbnails|peaks)$")],
    request: Request,
    db: DbDep,
    now: NowDep,
    store: StoreDep,
    user: CurrentUser,
) -> Response:
    """What the review page draws: `poster` (JPEG), `thumbnails` (a JPEG grid, laid out as the
    clip's `thumbnails` says) and `peaks` (the waveform, JSON)."""
    clip, programme = viewing.watch_clip(
        db=db,
        clip_id=clip_id,
        by=user,
        today=now.date(),
        action=f"clip.{kind}",
        record=request.method != "HEAD",
    )
    name, media_type = REVIEW_FILES[kind]
    path = store.review_file(programme.id, clip.id, name)
    if clip.status is ClipStatus.deleted:
        raise Conflict(clip.detail or "This clip's footage was deleted.")
    missing = Conflict("This clip's thumbnails and waveform are still being made.")
    if not clip.review_media:
        raise missing
    headers = {"Cache-Control": "private, no-store"}
    try:
        if request.method == "HEAD":
            headers["Content-Length"] = str(store.size(path))
            return Response(media_type=media_type, headers=headers)
        return Response(store.read_bytes(path), media_type=media_type, headers=headers)
    except FileNotFoundError:
        raise missing from None


@router.post("/clips/{clip_id}/trim", response_model=ClipPublic, status_code=201)
def trim_clip(
    clip_id: IdPath,
    data: TrimRequest,
    db: DbDep,
    now: NowDep,
    store: StoreDep,
    jobs: JobsDep,
    user: CurrentUser,
) -> ClipPublic:
    """Cut `from_ms` (inclusive) to `to_ms` (exclusive) into a new clip; the original stays.
    `exact` is frame-accurate; `fast` starts at the keyframe before (`trim_from_ms` says where)."""
    clip, programme_id = clips.trim_clip(
        db=db, store=store, clip_id=clip_id, data=data, by=user, now=now
    )
    jobs.wake()
    return clips.public(clip, programme_id, store)


@router.post("/sessions/{session_id}/recordings", response_model=RecordingPublic, status_code=201)
def start_recording(
    session_id: IdPath,
    data: RecordingCreate,
    db: DbDep,
    now: NowDep,
    store: StoreDep,
    user: CurrentUser,
) -> RecordingPublic:
    """Begin a browser recording; send its chunks in order to `PUT .../chunks/{index}`."""
    recording = recordings.start_recording(
        db=db, store=store, session_id=session_id, data=data, by=user, now=now
    )
    return recordings.public(recording, store)


@router.get("/recordings/{recording_id}", response_model=RecordingPublic)
def get_recording(
    recording_id: IdPath, db: DbDep, store: StoreDep, user: CurrentUser
) -> RecordingPublic:
    recording, _ = access.get_recording(db=db, recording_id=recording_id, by=user)
    return recordings.public(recording, store)


@router.put(
    "/recordings/{recording_id}/chunks/{index}",
    response_model=RecordingPublic,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
async def put_chunk(
    recording_id: IdPath,
    index: Annotated[int, Path(ge=0, le=1_000_000)],
    request: Request,
    db: DbDep,
    now: NowDep,
    store: StoreDep,
    settings: SettingsDep,
    user: CurrentUser,
) -> RecordingPublic:
    """Append chunk `index` (raw bytes). The answer comes once it is on disk, synced; a resent
    chunk is acknowledged again and never written twice (409 names the index expected)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_CHUNK_BYTES:
        raise TooLarge("A recording chunk may be at most 64 MB.")
    incoming = await run_in_threadpool(
        recordings.chunk_arriving, db=db, store=store, recording_id=recording_id, by=user
    )
    await run_in_threadpool(release_connection, db)  # not held while the body arrives
    try:
        if await _receive_chunk(request, incoming) == 0:
            raise InvalidInput("The chunk is empty.")
        recording = await run_in_threadpool(
            recordings.append_chunk,
            db=db,
            store=store,
            recording_id=recording_id,
            index=index,
            received=incoming,
            by=user,
            now=now,
            min_free_bytes=settings.min_free_mb << 20,
        )
    finally:
        incoming.unlink(missing_ok=True)
    return recordings.public(recording, store)


async def _receive_chunk(request: Request, dest: FilePath) -> int:
    """The request body streamed into `dest` (never held whole), up to `MAX_CHUNK_BYTES`."""
    size = 0
    with dest.open("wb") as out:
        async for piece in request.stream():
            size += len(piece)
            if size > MAX_CHUNK_BYTES:
                raise TooLarge("A recording chunk may be at most 64 MB.")
            await run_in_threadpool(out.write, piece)
    return size


@router.post("/recordings/{recording_id}/finish", response_model=ClipPublic, status_code=201)
def finish_recording(
    recording_id: IdPath, db: DbDep, now: NowDep, store: StoreDep, jobs: JobsDep, user: CurrentUser
) -> ClipPublic:
    """Stop: everything acknowledged becomes a clip (finishing twice gives the same clip)."""
    clip = recordings.finish_recording(
        db=db, store=store, recording_id=recording_id, by=user, now=now
    )
    jobs.wake()
    _, programme = access.get_clip(db=db, clip_id=clip.id, by=user)
    return clips.public(clip, programme.id, store)
