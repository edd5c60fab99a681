"""Migrations and the durability settings of the embedded database."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from vfb.db import current_revision, head_revision, make_engine, upgrade


def test_migrations_build_exactly_the_models_schema(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_upgrade_on_an_up_to_date_database_changes_nothing(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        before = connection.execute(text("SELECT count(*) FROM app_user")).scalar_one()
    upgrade(engine)
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM app_user")).scalar_one() == before
    engine.dispose()


def test_sqlite_is_wal_with_foreign_keys_and_full_sync(tmp_path: Path, database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite pragmas")
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert connection.execute(text("PRAGMA synchronous")).scalar_one() == 2  # FULL
        with pytest.raises(Exception, match="FOREIGN KEY"):
            connection.execute(
                text(
                    "INSERT INTO carer (id, child_id, display_name, relationship, created_at) "
                    "VALUES ('x', 'no-such-child', 'A', 'other', '2026-01-01 00:00:00')"
                )
            )
    engine.dispose()
