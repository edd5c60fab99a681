"""What every stored record shares: string ids, UTC timestamps, enum columns stored as text."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar, Self

from pydantic import model_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import JSON, DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel
from sqlmodel._compat import SQLModelConfig  # the config type SQLModel declares

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def _has_control_character(value: object) -> bool:
    if isinstance(value, str):
        return CONTROL_CHARACTERS.search(value) is not None
    if isinstance(value, list | tuple):
        return any(_has_control_character(item) for item in value)
    return False


class InputModel(SQLModel):
    """What every Create and Update model is: unknown fields are refused, not silently ignored,
    and text must be printable (PostgreSQL cannot store a NUL byte; no field here wants a line
    break)."""

    model_config = SQLModelConfig(extra="forbid")
    # Fields an update may leave out but never set to null (the stored record needs a value).
    never_null: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _printable_and_present(self) -> Self:
        for name, value in self:
            if _has_control_character(value):
                raise PydanticCustomError(
                    "value_error",
                    "{field} contains a control character (such as a NUL byte or a line break)",
                    {"field": name, "reason": "control"},
                )
            if value is None and name in self.never_null and name in self.model_fields_set:
                # the field is named so that the error can be shown beside it
                raise PydanticCustomError(
                    "value_error", "{field} cannot be empty", {"field": name, "reason": "empty"}
                )
        return self


def new_id() -> str:
    """A random, unguessable id: ids must not let anyone count or guess families."""
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in Python, stored naive-UTC so SQLite and PostgreSQL agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; vfb stores UTC-aware datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


class EnumText(TypeDecorator[StrEnum]):
    """A string enum stored as its text value and read back as the enum member."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int = 32) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: StrEnum | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: Any, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)


class EnumList(TypeDecorator[list[StrEnum]]):
    """A list of string enum members stored as a JSON array of their values."""

    impl = JSON
    cache_ok = True

    def __init__(self, enum: type[StrEnum]) -> None:
        super().__init__()
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> list[str] | None:
        return None if value is None else [self.enum(v).value for v in value]

    def process_result_value(self, value: Any, dialect: Dialect) -> list[StrEnum] | None:
        return None if value is None else [self.enum(v) for v in value]
