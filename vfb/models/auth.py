"""Signed-in sessions (bearer tokens and browser cookies) and the per-username sign-in throttle."""

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from vfb.models.base import UTCDateTime
from vfb.models.user import UserPublic


class SignIn(SQLModel, table=True):
    """A sign-in. `id` is a keyed hash of the token; the token itself is never stored."""

    __tablename__ = "auth_session"

    id: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(foreign_key="app_user.id", index=True, max_length=32)
    kind: str = Field(max_length=8, description="bearer or cookie")
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_seen_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins per username, existing or not, so a lockout reveals nothing."""

    __tablename__ = "login_throttle"

    username: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth token type, not a secret)


class SignedIn(BaseModel):
    user: UserPublic


class SignInNow(BaseModel):
    """The signed-in user and how long the sign-in lasts, for the pages' "still there?" warning."""

    user: UserPublic
    idle_ms: int
    ends_in_ms: int
