"""Optimistic locking: a change made against a version someone has since replaced is refused,
decided by the database in the write itself, so two saves of one version can never both win."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session

from vfb.errors import Conflict


def claim_version(db: Session, record: Any, version: int, stale: str) -> None:
    """Move `record` from `version` to the next in the database (`UPDATE … WHERE id AND
    version`), in the session's transaction, or raise `Conflict(stale)` when it is not at
    `version` any more. The caller then changes the record's other fields and commits."""
    table: Table = type(record).__table__
    result = db.connection().execute(
        update(table)
        .where(table.c.id == record.id, table.c.version == version)
        .values(version=version + 1)
    )
    if result.rowcount != 1:
        db.rollback()
        raise Conflict(stale)
    set_committed_value(record, "version", version + 1)
