"""Audit trail benchmark: what the hash chain costs.

    .venv/bin/python bench/audit.py [--rows N] [--postgres URL]

1. Appending: N rows through `vfb.services.audit.append` (the head row locked, the previous hash
   read, the row hashed and written), one transaction each, as requests write them; beside it the
   reference, the same rows INSERTed plainly (no chain), one transaction each.
2. Verifying: `vfb audit verify`'s check (`verify_chain`) of a trail of N rows; beside it the
   reference, reading the same rows without hashing them.

On SQLite (a fresh file with the app's migrations and its durability settings: WAL,
synchronous=FULL) and, where a URL is given, PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, text
from sqlmodel import Session, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vfb.db import make_engine, upgrade  # noqa: E402
from vfb.models import AuditEvent  # noqa: E402
from vfb.services import audit  # noqa: E402

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def fresh_engine(url: str | None) -> Engine:
    if url:
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        folder = Path(tempfile.mkdtemp(prefix="vfb-bench-audit-"))
        engine = make_engine(f"sqlite:///{folder / 'audit.sqlite3'}")
    upgrade(engine)
    return engine


def actor(i: int) -> audit.Actor:
    return audit.Actor(
        f"worker{i % 40}",
        "worker",
        f"{i % 40:032x}",
        "f" * 32,
        "192.0.2.10",
        clock=lambda: T0 + timedelta(seconds=i),
    )


def append_chained(engine: Engine, rows: int) -> float:
    start = time.perf_counter()
    for i in range(rows):
        with Session(engine) as db:
            audit.append(
                db, "clip.stream", target_type="clip", target_id=f"{i:032x}", actor=actor(i)
            )
            db.commit()
    return time.perf_counter() - start


def append_plain(engine: Engine, rows: int, first: int) -> float:
    start = time.perf_counter()
    for i in range(rows):
        with Session(engine) as db:
            db.connection().execute(
                insert(AuditEvent).values(
                    seq=first + i,
                    at=T0,
                    actor_id=None,
                    actor_name="w",
                    role="worker",
                    action="clip.stream",
                    target_type="clip",
                    target_id=f"{i:032x}",
                    prev_hash="0" * 64,
                    hash="0" * 64,
                )
            )
            db.commit()
    return time.perf_counter() - start


def bulk_fill(engine: Engine, rows: int) -> None:
    """A long trail quickly: appended in batches of 1,000 rows a transaction."""
    done = 0
    while done < rows:
        with Session(engine) as db:
            for i in range(done, min(rows, done + 1000)):
                audit.append(db, "clip.stream", target_type="clip", actor=actor(i))
            db.commit()
        done = min(rows, done + 1000)


def read_plain(engine: Engine) -> float:
    """The same batched query `verify_chain` makes, without hashing anything."""
    table = AuditEvent.__table__  # type: ignore[attr-defined]
    start = time.perf_counter()
    with Session(engine) as db:
        after = 0
        while True:
            query = select(table).where(table.c.seq > after).order_by(table.c.seq).limit(5000)
            batch = db.connection().execute(query).mappings().all()
            if not batch:
                break
            after = batch[-1]["seq"]
    return time.perf_counter() - start


def verify(engine: Engine) -> tuple[float, int, bool]:
    start = time.perf_counter()
    with Session(engine) as db:
        result = audit.verify_chain(db)
    return time.perf_counter() - start, result.rows, result.intact


def run(name: str, url: str | None, rows: int, trail: int) -> None:
    engine = fresh_engine(url)
    chained = append_chained(engine, rows)
    plain = append_plain(engine, rows, first=10_000_000)
    print(f"\n{name}")
    print(
        f"  append {rows} rows, a transaction each: vfb {chained / rows * 1000:.2f} ms a row, "
        f"plain INSERT (the reference) {plain / rows * 1000:.2f} ms a row "
        f"({chained / plain:.2f}×)"
    )
    engine.dispose()
    engine = fresh_engine(url)
    bulk_fill(engine, trail)
    plain_read = read_plain(engine)
    took, checked, intact = verify(engine)
    assert intact and checked == trail
    print(
        f"  verify a trail of {trail:,} rows: vfb {took:.2f} s ({trail / took:,.0f} rows/s), "
        f"reading them without hashing (the reference) {plain_read:.2f} s"
    )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000, help="rows appended one by one")
    parser.add_argument("--trail", type=int, default=200_000, help="rows in the verified trail")
    parser.add_argument("--postgres", help="a PostgreSQL URL (its public schema is replaced)")
    args = parser.parse_args()
    print(
        f"vfb audit benchmark on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    run("SQLite (WAL, synchronous=FULL)", None, args.rows, args.trail)
    if args.postgres:
        run("PostgreSQL", args.postgres, args.rows, args.trail)


if __name__ == "__main__":
    main()
