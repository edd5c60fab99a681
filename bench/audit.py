"""Audit trail benchmark: what the keyed chain costs, beside the unkeyed SHA-256 chain it replaced.

    .venv/bin/python bench/audit.py [--rows N] [--trail N] [--postgres URL]

1. Appending: N rows through `vfb.services.protection.audit_trail.append` (the head row
   locked, the previous MAC read, the row signed with HMAC-SHA-256 and written), one transaction
   each, as requests write them; beside it the SHA-256 chain's append as it was before the chain
   was keyed, and the reference, the same rows INSERTed plainly (no chain), one transaction each.
2. The rule alone: one row's MAC (HMAC-SHA-256 of the previous MAC and the canonical JSON), beside
   one row's unkeyed SHA-256, computed in memory (no database).
3. Verifying: `vfb audit verify`'s check (`verify_chain`) of a keyed trail of N rows, and of an
   unkeyed SHA-256 trail of N rows (checked by the old rule, as an upgraded install's old rows
   are); beside them the reference, reading the same rows without checking them.

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

from vfb.audit.chain import GENESIS, legacy_hash, row_mac  # noqa: E402
from vfb.audit.keys import AuditKey, new_secret  # noqa: E402
from vfb.db import make_engine, upgrade  # noqa: E402
from vfb.models import AuditEvent  # noqa: E402
from vfb.services.protection import audit_trail  # noqa: E402
from vfb.services.protection.audit_keys import KeySource  # noqa: E402
from vfb.settings import Settings  # noqa: E402

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def fresh_engine(url: str | None) -> Engine:
    if url:
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        folder = Path(tempfile.mkdtemp(prefix="vfb-bench-audit-"))
        engine = make_engine(f"sqlite:///{folder / 'audit_trail.sqlite3'}")
    upgrade(engine)
    keys = Path(tempfile.mkdtemp(prefix="vfb-bench-audit-keys-"))
    audit_trail.use_keys(engine, KeySource(Settings(data_dir=keys)))
    return engine


def actor(i: int) -> audit_trail.Actor:
    return audit_trail.Actor(
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
            audit_trail.append(
                db, "clip.stream", target_type="clip", target_id=f"{i:032x}", actor=actor(i)
            )
            db.commit()
    return time.perf_counter() - start


def append_sha256(db: Session, i: int) -> None:
    """The append as it was before the chain was keyed: the same head lock, plain SHA-256."""
    who = actor(i)
    connection = db.connection()
    seq, prev = connection.execute(
        text("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
    ).one()
    row = {
        "seq": int(seq),
        "at": who.clock().astimezone(UTC),
        "actor_id": who.id,
        "actor_name": who.name,
        "role": who.role,
        "action": "clip.stream",
        "target_type": "clip",
        "target_id": f"{i:032x}",
        "child_id": None,
        "team_id": who.team_id,
        "origin": who.origin,
        "detail": None,
        "prev_hash": prev,
    }
    row["hash"] = legacy_hash(prev, row)
    connection.execute(insert(AuditEvent).values(**row))
    connection.execute(
        text("UPDATE audit_head SET hash = :hash WHERE id = 1"), {"hash": row["hash"]}
    )


def append_unkeyed(engine: Engine, rows: int) -> float:
    start = time.perf_counter()
    for i in range(rows):
        with Session(engine) as db:
            append_sha256(db, i)
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


def bulk_fill(engine: Engine, rows: int, *, keyed: bool) -> None:
    """A long trail quickly: appended in batches of 1,000 rows a transaction."""
    done = 0
    while done < rows:
        with Session(engine) as db:
            for i in range(done, min(rows, done + 1000)):
                if keyed:
                    audit_trail.append(
                        db, "clip.stream", target_type="clip", target_id=f"{i:032x}", actor=actor(i)
                    )
                else:
                    append_sha256(db, i)
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
        result = audit_trail.verify_chain(db)
    return time.perf_counter() - start, result.rows, result.intact


def rule_alone(rows: int = 100_000) -> None:
    key = AuditKey(1, new_secret())
    sample = {
        "seq": 123_456,
        "at": T0,
        "actor_id": "a" * 32,
        "actor_name": "worker7",
        "role": "worker",
        "action": "clip.stream",
        "target_type": "clip",
        "target_id": "c" * 32,
        "child_id": "d" * 32,
        "team_id": "f" * 32,
        "origin": "192.0.2.10",
        "detail": None,
    }
    figures = []
    for sign in (lambda: row_mac(key, GENESIS, sample), lambda: legacy_hash(GENESIS, sample)):
        start = time.perf_counter()
        for _ in range(rows):
            sign()
        figures.append((time.perf_counter() - start) / rows * 1e6)
    keyed, unkeyed = figures
    print("\nThe rule alone, in memory (µs a row):")
    print(
        f"    keyed chain (HMAC-SHA-256) {keyed:.1f}  |  SHA-256 chain (before) {unkeyed:.1f}  "
        f"(keyed {keyed / unkeyed:.2f}×)"
    )


def run(name: str, url: str | None, rows: int, trail: int) -> None:
    engine = fresh_engine(url)
    keyed = append_chained(engine, rows)
    engine.dispose()
    engine = fresh_engine(url)
    unkeyed = append_unkeyed(engine, rows)
    plain = append_plain(engine, rows, first=10_000_000)
    engine.dispose()
    print(f"\n{name}")
    print(f"  append {rows} rows, a transaction each (ms a row):")
    print(
        f"    keyed chain (HMAC-SHA-256) {keyed / rows * 1000:.2f}  |  "
        f"SHA-256 chain (before) {unkeyed / rows * 1000:.2f}  |  "
        f"plain INSERT (reference) {plain / rows * 1000:.2f}  "
        f"(keyed {keyed / unkeyed:.2f}× the SHA-256 chain, {keyed / plain:.2f}× plain)"
    )
    figures = {}
    for label, is_keyed in (("keyed", True), ("SHA-256", False)):
        engine = fresh_engine(url)
        bulk_fill(engine, trail, keyed=is_keyed)
        plain_read = read_plain(engine)
        took, checked, intact = verify(engine)
        assert intact and checked == trail, (label, checked, intact)
        figures[label] = (took, plain_read)
        engine.dispose()
    (k, k_read), (u, u_read) = figures["keyed"], figures["SHA-256"]
    print(f"  verify a trail of {trail:,} rows (s):")
    print(
        f"    keyed chain {k:.2f} ({trail / k:,.0f} rows/s)  |  "
        f"SHA-256 chain (before) {u:.2f} ({trail / u:,.0f} rows/s)  |  "
        f"reading without checking (reference) {k_read:.2f} / {u_read:.2f}  "
        f"(keyed {k / u:.2f}× the SHA-256 chain)"
    )


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
    rule_alone()
    run("SQLite (WAL, synchronous=FULL)", None, args.rows, args.trail)
    if args.postgres:
        run("PostgreSQL", args.postgres, args.rows, args.trail)


if __name__ == "__main__":
    main()
