"""The database: engines with the durability and the event hooks vfb needs, and migrations to the
latest schema."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlmodel import Session

from vfb.services.infra.hooks import install_hooks

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str, *, connections: int = 50, wait_seconds: float = 10) -> Engine:
    """An engine for `url`, holding at most `connections` at once (a request waits
    `wait_seconds` for one, then SQLAlchemy's TimeoutError, answered 503). SQLite gets WAL,
    foreign keys and synchronous=FULL on every connection: consent and audit rows must survive a
    power cut. Making one installs vfb's database event hooks (the audit trail, the derived
    fields), so every caller has them: the app, each command, the migrations and the tests."""
    install_hooks()
    pool: dict[str, Any] = {"pool_size": connections, "max_overflow": 0}
    pool["pool_timeout"] = wait_seconds
    if url.startswith("sqlite"):
        if ":memory:" in url or url.rstrip("/") in ("sqlite:", "sqlite:/"):
            pool = {}  # one connection, shared: the pool's sizes do not apply
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **pool
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **pool)


def release_connection(db: Session) -> None:
    """End `db`'s transaction so its connection goes back to the pool, keeping what it has read:
    a request that has checked access and now waits for a long body (an upload, a recording's
    chunk) must not hold a connection another request needs."""
    keep, db.expire_on_commit = db.expire_on_commit, False
    try:
        db.commit()
    finally:
        db.expire_on_commit = keep


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    _use_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _use_wal(cursor: Any) -> None:
    """Turn on WAL. SQLite answers "database is locked" at once, without waiting out the busy
    timeout, when another process reads a new database while it changes journal mode, so wait
    here instead (up to the same 30 s)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration not yet applied, each in its own transaction with its DDL, so that an
    upgrade stopped at any point (a kill, a power cut) leaves the last whole revision and the next
    upgrade simply carries on; a no-op on an up-to-date database."""
    config = alembic_config()
    migrating = migration_engine(engine)
    try:
        with migrating.connect() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        if migrating is not engine:
            migrating.dispose()


def migration_engine(engine: Engine) -> Engine:
    """PostgreSQL's DDL is transactional as it is. Python's sqlite3 opens a transaction only
    before INSERT, UPDATE or DELETE, so each CREATE TABLE would commit on its own: migrations get
    an engine of their own that leaves transactions to SQLAlchemy and says BEGIN itself (the
    SQLAlchemy pysqlite recipe). The app's engine keeps the driver's default, which lets reads run
    outside a transaction."""
    if engine.dialect.name != "sqlite":
        return engine
    migrating = make_engine(engine.url.render_as_string(hide_password=False))
    event.listen(migrating, "connect", _driver_leaves_transactions_alone)
    event.listen(migrating, "begin", _begin_immediate)
    return migrating


def _driver_leaves_transactions_alone(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None


def _begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
