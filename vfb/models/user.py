"""A person who signs in: worker, supervisor, manager or admin, in one team."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from vfb.models.base import EnumText, InputModel, UTCDateTime, new_id
from vfb.models.enums import Role

USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$"


class UserBase(SQLModel):
    username: str = Field(min_length=2, max_length=64)
    role: Role = Field(sa_type=EnumText(Role, 16))
    team_id: str = Field(foreign_key="team.id", index=True, max_length=32)
    trained_on: date | None = Field(
        default=None, description="When video feedback training was completed; null = not trained"
    )


class UserCreate(UserBase, InputModel):
    # `schema_extra`: SQLModel's own `regex=` is silently not checked under pydantic 2
    username: str = Field(min_length=2, max_length=64, schema_extra={"pattern": USERNAME_PATTERN})
    password: str = Field(min_length=10, max_length=256)


class UserUpdate(InputModel):
    never_null = frozenset({"role", "team_id", "password", "disabled"})

    role: Role | None = None
    team_id: str | None = Field(default=None, max_length=32)
    trained_on: date | None = None
    password: str | None = Field(default=None, min_length=10, max_length=256)
    disabled: bool | None = None


class User(UserBase, table=True):
    __tablename__ = "app_user"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    username: str = Field(max_length=64, unique=True)
    password_hash: str = Field(max_length=256)
    disabled: bool = False
    created_at: datetime = Field(sa_type=UTCDateTime)


class UserPublic(UserBase):
    id: str
    disabled: bool
