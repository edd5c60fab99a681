"""A field laptop enrolled with the team server: a worker's, made by an admin's one-time code,
holding a credential of its own that the admin can withdraw at any time."""

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Field, SQLModel

from vfb.models.base import InputModel, UTCDateTime, new_id
from vfb.models.team import TeamPublic
from vfb.models.user import UserPublic

LAPTOP_NAME_MAX = 60


class FieldDevice(SQLModel, table=True):
    """A laptop, from the code an admin made for it to the day its link is withdrawn. Neither the
    code nor the credential is stored: only their keyed hashes."""

    __tablename__ = "field_device"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    user_id: str = Field(foreign_key="app_user.id", index=True, max_length=32)
    name: str = Field(max_length=LAPTOP_NAME_MAX)
    code_hash: str | None = Field(default=None, max_length=64, unique=True)
    code_expires_at: datetime = Field(sa_type=UTCDateTime)
    credential_hash: str | None = Field(default=None, max_length=64, unique=True)
    created_by_id: str | None = Field(default=None, foreign_key="app_user.id", max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime)
    enrolled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_seen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class FieldDeviceCreate(InputModel):
    user_id: str = Field(max_length=64, description="The worker whose laptop it is")
    name: str = Field(
        min_length=1,
        max_length=LAPTOP_NAME_MAX,
        description="What the team calls the laptop (e.g. Laptop 3, Alex's laptop)",
    )


class FieldDevicePublic(SQLModel):
    id: str
    user_id: str
    username: str
    name: str
    state: str = Field(description="waiting (for its code), code expired, enrolled or withdrawn")
    created_at: datetime
    code_expires_at: datetime
    enrolled_at: datetime | None
    last_seen_at: datetime | None
    revoked_at: datetime | None
    code: str | None = Field(
        default=None, description="Only in the answer that made it: the code is not kept"
    )


class EnrolmentRequest(InputModel):
    code: str = Field(min_length=1, max_length=40, description="The admin's one-time code")


class Enrolment(BaseModel):
    """What a laptop is given once, when its code is used: who it is for and its credential."""

    device_id: str
    device_name: str
    credential: str
    user: UserPublic
    team: TeamPublic


class FieldLinkNow(BaseModel):
    """What a laptop's credential says about itself: who it is for, on which team."""

    device_id: str
    device_name: str
    user: UserPublic
    team: TeamPublic
