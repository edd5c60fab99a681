"""A stored video of a session, and a recording whose pieces are still arriving."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from vfb.models.base import EnumText, InputModel, UTCDateTime, new_id
from vfb.vocabulary import ClipOrigin, ClipStatus, RecordingStatus


class ClipBase(SQLModel):
    session_id: str = Field(foreign_key="session.id", index=True, max_length=32)
    parent_id: str | None = Field(
        default=None, foreign_key="clip.id", index=True, max_length=32,
        description="The clip this one was trimmed from",
    )  # fmt: skip
    origin: ClipOrigin = Field(sa_type=EnumText(ClipOrigin, 16))
    status: ClipStatus = Field(default=ClipStatus.processing, sa_type=EnumText(ClipStatus, 16))
    recovered: bool = Field(default=False, description="Finalised after an interrupted recording")
    original_name: str | None = Field(default=None, max_length=255)
    source_ext: str = Field(default=".mp4", max_length=8)
    duration_ms: int | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    video_codec: str | None = Field(default=None, max_length=32)
    audio_codec: str | None = Field(default=None, max_length=32)
    size_bytes: int | None = Field(default=None, sa_type=BigInteger)
    sha256: str | None = Field(default=None, max_length=64)
    trim_from_ms: int | None = None
    trim_to_ms: int | None = None
    progress: float = Field(default=0.0, description="0–1 while processing")
    stage: str | None = Field(default=None, max_length=120)
    detail: str | None = Field(default=None, max_length=2000)
    review_media: bool = Field(default=False, description="Poster, thumbnails and peaks exist")


class Clip(ClipBase, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    # what the playable copy is: `.mp4` (H.264 + AAC, or copied H.264) or `.webm` (a browser's
    # VP8 or VP9 recording, copied as it is)
    playable_ext: str = Field(default=".mp4", max_length=8)
    claimed_by: str | None = Field(default=None, max_length=80, description="Preparing process")
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: str | None = Field(default=None, foreign_key="app_user.id", max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class ThumbnailsPublic(BaseModel):
    columns: int
    width: int
    height: int
    times_ms: list[int]


class ClipPublic(ClipBase):
    id: str
    programme_id: str
    created_at: datetime
    interaction_note: str | None = Field(
        default=None, description="Set when the clip is shorter than 10 or longer than 20 minutes"
    )
    thumbnails: ThumbnailsPublic | None = None
    playable_ext: str = Field(
        default=".mp4",
        description="What `media` is: `.mp4` (H.264), or `.webm` (a browser's VP8 or VP9 "
        "recording, copied as it is)",
    )


class TrimRequest(InputModel):
    from_ms: int = Field(ge=0, le=24 * 3600 * 1000)
    to_ms: int = Field(ge=0, le=24 * 3600 * 1000)
    mode: Literal["exact", "fast"] = "exact"


class RecordingCreate(InputModel):
    mime_type: str = Field(
        default="video/webm",
        max_length=100,
        schema_extra={"pattern": r"^video/[a-zA-Z0-9.+-]+(;[ a-zA-Z0-9.,=+\"-]*)?$"},
    )
    held_today: bool = Field(
        default=False,
        description="The visit is booked for a later day and the user confirmed it is being held "
        "today: it becomes held today (without this, filming it is refused, 409 booked_for_later)",
    )


class Recording(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    session_id: str = Field(foreign_key="session.id", index=True, max_length=32)
    status: RecordingStatus = Field(
        default=RecordingStatus.open, sa_type=EnumText(RecordingStatus, 16)
    )
    mime_type: str = Field(max_length=100)
    chunks: int = Field(default=0, description="Chunks safely stored: the next expected index")
    bytes: int = Field(default=0, sa_type=BigInteger, description="Bytes safely stored")
    clip_id: str | None = Field(default=None, foreign_key="clip.id", max_length=32)
    created_by_id: str | None = Field(default=None, foreign_key="app_user.id", max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    # A file sent in pieces (an upload that can be resumed) is kept as a recording of known
    # length, whose pieces arrive by offset: it becomes a clip once it is whole and its SHA-256
    # is the one the sender gave. A browser recording has none of these.
    upload_length: int | None = Field(default=None, sa_type=BigInteger)
    upload_sha256: str | None = Field(default=None, max_length=64)
    original_name: str | None = Field(default=None, max_length=255)


class RecordingPublic(BaseModel):
    id: str
    session_id: str
    status: RecordingStatus
    mime_type: str
    chunks: int
    bytes: int
    clip_id: str | None
    free_bytes: int


class StoragePublic(BaseModel):
    """Free space where footage is kept, and the least vfb keeps free."""

    free_bytes: int
    min_free_bytes: int
