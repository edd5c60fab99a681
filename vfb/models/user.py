"""A person who signs in: worker, supervisor, manager or admin, in one team."""

from datetime import date, datetime

from pydantic import field_validator
from sqlmodel import Field, SQLModel

from vfb.models.base import EnumText, InputModel, UTCDateTime, new_id
from vfb.vocabulary import Role

USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$"
FULL_NAME_MAX = 80


def _full_name(value: str | None) -> str | None:
    """One line, trimmed, at most FULL_NAME_MAX characters, said in plain words."""
    if value is None:
        return None
    value = " ".join(value.split())
    if len(value) > FULL_NAME_MAX:
        raise ValueError(
            f"The name carers see can be at most {FULL_NAME_MAX} characters; this one has "
            f"{len(value)}"
        )
    if "<" in value or ">" in value:
        raise ValueError("The name carers see cannot hold < or >: write it in plain words")
    return value


class FullNameInput(InputModel):
    full_name: str | None = Field(
        default=None,
        description="The person's name as carers see it on a share link (e.g. Alex Morgan)",
    )

    @field_validator("full_name")
    @classmethod
    def _plain(cls, value: str | None) -> str | None:
        return _full_name(value)


class UserBase(SQLModel):
    username: str = Field(min_length=2, max_length=64)
    role: Role = Field(sa_type=EnumText(Role, 16))
    team_id: str = Field(foreign_key="team.id", index=True, max_length=32)
    trained_on: date | None = Field(
        default=None, description="When video feedback training was completed; null = not trained"
    )


class UserCreate(UserBase, FullNameInput):
    # `schema_extra`: SQLModel's own `regex=` is silently not checked under pydantic 2
    username: str = Field(min_length=2, max_length=64, schema_extra={"pattern": USERNAME_PATTERN})
    password: str = Field(min_length=10, max_length=256)


class UserUpdate(FullNameInput):
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
    full_name: str = Field(default="", max_length=FULL_NAME_MAX)
    disabled: bool = False
    created_at: datetime = Field(sa_type=UTCDateTime)


class UserPublic(UserBase):
    id: str
    full_name: str = ""
    disabled: bool
