"""`vfb db upgrade` killed (SIGKILL, like a crash or a power cut) part-way through, on a new
database and on an install at revision 0005: every migration is one transaction with its DDL, so
the database keeps the last whole revision and the next command simply carries on."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from tests.support import SECRET, Databases
from vfb.db import current_revision, head_revision, make_engine, upgrade

VFB = str(Path(sys.executable).parent / "vfb")


def watcher(url: str) -> tuple[Callable[[], tuple[int, str | None, bool]], Callable[[], None]]:
    """What a second connection sees while the upgrade runs: how many tables, indexes and
    triggers there are, the revision, and whether a write transaction is open right now."""
    if url.startswith("sqlite"):
        path = make_url(url).database
        assert path is not None

        def sqlite_state() -> tuple[int, str | None, bool]:
            if not Path(path).exists():
                return 0, None, False
            db = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                try:
                    count = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                except sqlite3.OperationalError:  # the file is being made, or turned to WAL
                    return -1, None, False
                try:
                    found = db.execute("SELECT version_num FROM alembic_version").fetchone()
                except sqlite3.OperationalError:
                    found = None
                try:
                    db.execute("BEGIN IMMEDIATE")
                    db.execute("ROLLBACK")
                    busy = False
                except sqlite3.OperationalError:  # "database is locked": the upgrade is writing
                    busy = True
            finally:
                db.close()
            return int(count), found[0] if found else None, busy

        return sqlite_state, lambda: None
    engine = create_engine(url, isolation_level="AUTOCOMMIT")

    def server_state() -> tuple[int, str | None, bool]:
        with engine.connect() as db:
            count = db.execute(
                text(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n "
                    "ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
                )
            ).scalar_one()
            found = db.execute(text("SELECT to_regclass('public.alembic_version')")).scalar()
            version = (
                db.execute(text("SELECT version_num FROM alembic_version")).scalar()
                if found
                else None
            )
            busy = db.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
                )
            ).scalar_one()
        return int(count), version, busy > 0

    return server_state, engine.dispose


def env_for(tmp_path: Path, url: str) -> dict[str, str]:
    return os.environ | {
        "VFB_DATA_DIR": str(tmp_path / "data"),
        "VFB_DATABASE_URL": url,
        "VFB_SECRET_KEY": SECRET,
    }


def upgrade_killed_at(url: str, env: dict[str, str], after: float | None) -> tuple[bool, float]:
    """Run `vfb db upgrade`; kill -9 it at the first moment, `after` seconds or more from its
    first write, when another connection finds it holding a write transaction (None: let it
    finish). Whether it was killed, and for how long it was seen writing."""
    watch, done = watcher(url)
    upgrading = subprocess.Popen(
        [VFB, "db", "upgrade"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    first = last = None
    try:
        while upgrading.poll() is None:
            if watch()[2]:
                last = time.monotonic()
                first = first or last
                if after is not None and last - first >= after:
                    upgrading.send_signal(signal.SIGKILL)
                    upgrading.wait(timeout=10)
                    return upgrading.returncode == -signal.SIGKILL, last - first
            time.sleep(0.001)
        assert upgrading.returncode == 0
        return False, (last - first) if first and last else 0.0
    finally:
        done()
        if upgrading.poll() is None:
            upgrading.kill()
            upgrading.wait()


def database_at(databases: Databases, folder: Path, revision: str | None) -> str:
    folder.mkdir()
    url = databases.empty(folder)
    if revision is not None:
        engine = make_engine(url)
        upgrade(engine, revision)
        engine.dispose()
    return url


def assert_the_next_command_works(url: str, env: dict[str, str]) -> None:
    added = subprocess.run(
        [VFB, "team", "add", "After the crash"], env=env, capture_output=True, text=True, timeout=60
    )
    assert added.returncode == 0, added.stderr
    engine = make_engine(url)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, SQLModel.metadata) == []
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("start_at", "kill_points"),
    [(None, (0.0, 0.5)), ("0005", (0.5,))],
    ids=["new database", "an install at 0005"],
)
def test_an_upgrade_killed_part_way_leaves_a_database_the_next_command_finishes(
    databases: Databases, tmp_path: Path, start_at: str | None, kill_points: tuple[float, ...]
) -> None:
    """Each kill lands while the upgrade is writing: at its first write, or part-way through the
    time a whole upgrade of the same database is seen writing."""
    made = [database_at(databases, tmp_path / "whole", start_at)]
    try:
        _, writing = upgrade_killed_at(made[0], env_for(tmp_path / "whole", made[0]), None)
        for n, point in enumerate(kill_points):
            for attempt in range(4):  # a busy machine may write faster than it did just now
                folder = tmp_path / f"killed-{n}-{attempt}"
                made.append(database_at(databases, folder, start_at))
                env = env_for(folder, made[-1])
                # the last tries kill at the first write seen, which a busy machine cannot outrun
                after = point * writing / 2**attempt if attempt < 2 else 0.0
                killed, _ = upgrade_killed_at(made[-1], env, after)
                engine = make_engine(made[-1])
                left_at = current_revision(engine)
                engine.dispose()
                # a kill that lands on the writes after the last migration came too late: again
                if killed and left_at != head_revision():
                    break
            assert killed, "the upgrade finished before the kill"
            assert left_at != head_revision(), "killed after the upgrade had finished"
            assert_the_next_command_works(made[-1], env)
    finally:
        for url in made:
            databases.drop(url)
