"""Importing a video file into a visit: the visit checked (and held) before a byte is stored, the
file received into the new clip's folder, the clip made of it, and the media worker told."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial
from pathlib import Path

from anyio import to_thread
from sqlmodel import Session

from vfb.db import release_connection
from vfb.models import Clip, User
from vfb.services.footage.clips import accept_source, bounds_of, session_for_import
from vfb.services.infra.footage_store import MediaStore
from vfb.services.infra.media_worker import MediaJobs
from vfb.settings import Settings
from vfb.vocabulary import ClipOrigin

# Writes the upload to the path given, refusing more than that many bytes; answers the file's
# name as the sender gave it. The web layer streams the request body (vfb.api.upload).
Receiver = Callable[[Path, int], Awaitable[str | None]]


async def import_upload(
    *,
    db: Session,
    store: MediaStore,
    jobs: MediaJobs,
    settings: Settings,
    session_id: str,
    receive: Receiver,
    by: User,
    now: datetime,
    held_today: bool,
) -> tuple[Clip, str]:
    """The clip an upload becomes, and its programme's id. The visit is checked first; an upload
    that fails or is refused leaves no folder and no clip. The clip is `processing` until the
    worker has made it playable."""
    session, programme = await to_thread.run_sync(
        partial(
            session_for_import,
            db=db,
            session_id=session_id,
            by=by,
            now=now,
            held_today=held_today,
        )
    )
    await to_thread.run_sync(release_connection, db)  # not held while the file arrives
    clip_id, folder = store.new_clip_dir(programme.id)
    received = folder / ".upload.part"
    try:
        name = await receive(received, settings.max_upload_mb << 20)
    except BaseException:
        store.remove_clip(programme.id, clip_id)
        raise
    clip = await to_thread.run_sync(
        partial(
            accept_source,
            db=db,
            store=store,
            session=session,
            programme=programme,
            clip_id=clip_id,
            received=received,
            original_name=name,
            origin=ClipOrigin.upload,
            by=by,
            now=now,
            bounds=bounds_of(settings),
        )
    )
    jobs.wake()
    return clip, programme.id
