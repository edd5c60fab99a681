"""A carer's share link: a reel (or moments made into one) shown to one carer, for a while."""

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from vfb.models.base import InputModel, UTCDateTime, new_id
from vfb.vocabulary import ReelStatus

MAX_LINK_HOURS = 24 * 30


class ShareLinkCreate(InputModel):
    carer_id: str = Field(max_length=64)
    reel_id: str | None = Field(default=None, max_length=64)
    moment_ids: list[str] | None = Field(
        default=None, min_length=1, max_length=50, description="Shared moments, made into a reel"
    )
    expires_in_hours: int = Field(
        default=72, ge=1, le=MAX_LINK_HOURS, description="How long the link works (default 72)"
    )


class ShareLink(SQLModel, table=True):
    __tablename__ = "share_link"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    programme_id: str = Field(foreign_key="programme.id", index=True, max_length=32)
    carer_id: str = Field(foreign_key="carer.id", max_length=32)
    # no foreign key: a reel deleted (its clip deleted, consent withdrawn) leaves the link dead
    reel_id: str = Field(max_length=32, index=True)
    token_hash: str = Field(max_length=64, unique=True)  # the link's token, keyed-hashed
    viewer_hash: str | None = Field(default=None, max_length=64, unique=True)  # the cookie's
    created_by_id: str | None = Field(default=None, foreign_key="app_user.id", max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    opened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    views: int = 0


class ShareLinkPublic(SQLModel):
    id: str
    programme_id: str
    carer_id: str
    carer_name: str
    reel_id: str
    created_at: datetime
    expires_at: datetime
    opened_at: datetime | None
    revoked_at: datetime | None
    views: int
    state: str = Field(description="active, expired or revoked")
    reel_moments: int = Field(default=0, description="How many moments the reel shows")
    reel_length_ms: int = Field(default=0, description="The reel's length, title cards included")
    url: str | None = Field(
        default=None, description="Only in the answer that made the link: the token is not kept"
    )
    qr_svg: str | None = Field(
        default=None,
        description="Only in the answer that made the link: `url` as a QR code (SVG), for the "
        "carer's phone camera",
    )
    loopback: bool | None = Field(
        default=None,
        description="Only in the answer that made the link: true when `url` names this computer "
        "only (127.0.0.1, localhost, ::1), so no phone can open it (set VFB_PUBLIC_URL)",
    )


class SharedViewing(BaseModel):
    carer_name: str
    from_line: str
    contact_line: str
    today: str
    expires_at: str
    status: ReelStatus
    progress: float
    length_ms: int
    media_url: str
