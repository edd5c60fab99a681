"""The audit trail: one append-only row per media access, change to a case record and sign-in,
chained by HMAC-SHA-256 under a key kept outside the database (see vfb.audit.chain); and its
head, the one row every append locks."""

from datetime import datetime

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from vfb.models.base import UTCDateTime


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    seq: int = Field(primary_key=True, sa_type=BigInteger)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    actor_id: str | None = Field(default=None, index=True, max_length=32)
    actor_name: str = Field(max_length=200)  # a username, "carer: Sam" or "operator"
    role: str = Field(max_length=24)  # a user's role, or carer / operator / system / anonymous
    action: str = Field(max_length=48)
    target_type: str | None = Field(default=None, max_length=32)
    target_id: str | None = Field(default=None, max_length=64)
    child_id: str | None = Field(default=None, index=True, max_length=32)
    team_id: str | None = Field(default=None, index=True, max_length=32)
    origin: str | None = Field(default=None, max_length=64)  # the client's address, or "cli"
    detail: str | None = Field(default=None, max_length=2000)
    prev_hash: str = Field(max_length=64)  # the previous row's MAC
    hash: str = Field(max_length=64)  # this row's MAC (an unkeyed SHA-256 before key_id)
    key_id: str | None = Field(default=None, max_length=16)  # None: the old unkeyed rule


class AuditHead(SQLModel, table=True):
    """The chain's last row; locking it serialises appends, and verifying against it finds rows
    deleted from the end."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    seq: int = Field(default=0, sa_type=BigInteger)
    hash: str = Field(max_length=64)


class AuditEventPublic(SQLModel):
    seq: int
    at: datetime
    actor_id: str | None
    actor_name: str
    role: str
    action: str
    target_type: str | None
    target_id: str | None
    child_id: str | None
    team_id: str | None
    origin: str | None
    detail: str | None
    hash: str


class AuditRowPublic(AuditEventPublic):
    """A row as a reader of the trail sees it, with names where they may see them."""

    child_reference: str | None = None  # None: no child, or one the reader cannot see
    about: str | None = None  # what the row is about, in words ("clip 3 of 2 Dec 2026")
    about_href: str | None = None  # its page, when the reader may open it
    detail_words: str | None = None  # the detail with names instead of ids


class AuditPage(SQLModel):
    """One page of the audit trail."""

    data: list[AuditRowPublic]
    count: int
    limit: int
    offset: int
