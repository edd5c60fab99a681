"""Paging of lists, and applying a partial update (PATCH) to a stored record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import func
from sqlmodel import Session, SQLModel, select
from sqlmodel.sql.expression import SelectOfScalar

T = TypeVar("T")
MAX_LIMIT = 500


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    count: int
    limit: int
    offset: int


def page(db: Session, statement: SelectOfScalar[T], *, limit: int, offset: int) -> Page[T]:
    """One page of `statement`'s rows plus how many there are in all."""
    count = db.exec(select(func.count()).select_from(statement.order_by(None).subquery())).one()
    items = list(db.exec(statement.limit(limit).offset(offset)).all())
    return Page(items=items, count=count, limit=limit, offset=offset)


def apply_changes(record: SQLModel, changes: dict[str, Any]) -> None:
    """Set the fields a PATCH named (the Update model has already refused nulls it must)."""
    for field, value in changes.items():
        setattr(record, field, value)
