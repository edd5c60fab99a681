"""Alembic's entry point: runs migrations on the connection vfb hands it (see vfb.db.upgrade)."""

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import vfb.models  # noqa: F401  (registers every table on SQLModel.metadata)

target_metadata = SQLModel.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    from vfb.db import make_engine
    from vfb.settings import Settings

    with make_engine(Settings().resolved_database_url).begin() as connection:
        run(connection)
else:
    run(connection)
