"""Alembic's entry point: runs migrations on the connection vfb hands it (see vfb.db.upgrade)."""

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

import vfb.models  # noqa: F401  (registers every table on SQLModel.metadata)

target_metadata = SQLModel.metadata


def render_item(kind: str, item: Any, _context: AutogenContext) -> str | Literal[False]:
    """Write vfb's column types as the plain SQL types they store, so that migrations never
    import application code that may later change."""
    if kind == "type" and isinstance(item, TypeDecorator):
        return f"sa.{item.impl_instance!r}"
    if kind == "type" and type(item).__module__.startswith("sqlmodel"):
        return f"sa.String(length={item.length})"
    return False


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
        transaction_per_migration=True,  # a killed upgrade keeps every migration it finished
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    from vfb.db import make_engine, migration_engine
    from vfb.settings import Settings

    with migration_engine(make_engine(Settings().resolved_database_url)).connect() as connection:
        run(connection)
else:
    run(connection)
