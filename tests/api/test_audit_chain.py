"""The audit chain under attack by an insider with write access to the database: triggers
dropped, rows edited or deleted, the chain recomputed with vfb's published rule and the head
moved. `vfb audit verify` must still name it, because the chain is keyed (HMAC-SHA-256, the key
outside the database) and anchored outside the database (`vfb audit anchor`)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from tests.support import Caller, Family, cli_env, make_family
from vfb.cli.main import app as cli
from vfb.settings import Settings

# What anyone can read in vfb's source: the unkeyed rule the chain used before it was keyed.
PUBLIC_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "role",
    "action",
    "target_type",
    "target_id",
    "child_id",
    "team_id",
    "origin",
    "detail",
)


def public_hash(prev: str, row: dict[str, Any]) -> str:
    fields = {}
    for name in PUBLIC_FIELDS:
        value = row.get(name)
        if name == "at":
            value = re.sub(r"^(\S+)[ T](\S+?)(\+00:00)?$", r"\1T\2", str(value))
            if "." not in value:
                value += ".000000"
            value += "Z"
        fields[name] = value
    content = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(prev.encode() + b"\n" + content.encode()).hexdigest()


def vfb(settings: Settings, *args: str) -> Any:
    return CliRunner().invoke(cli, list(args), env=cli_env(settings))


def _drop_guards(connection: Any, dialect: str) -> None:
    if dialect == "postgresql":
        connection.execute(text("DROP TRIGGER audit_event_append_only ON audit_event"))
    else:
        connection.execute(text("DROP TRIGGER audit_event_no_update"))
        connection.execute(text("DROP TRIGGER audit_event_no_delete"))


def _columns(connection: Any) -> list[str]:
    return list(connection.execute(text("SELECT * FROM audit_event WHERE 1 = 0")).keys())


def rewrite(
    engine: Engine,
    change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
    *,
    claim_unkeyed: bool = False,
) -> None:
    """The insider's attack: drop the guard, change the rows, number them again without gaps,
    recompute every hash with the public rule, and move `audit_head` to the new last row.
    `claim_unkeyed` also marks every row as written by the old unkeyed rule."""
    with engine.begin() as connection:
        _drop_guards(connection, engine.dialect.name)
        names = _columns(connection)
        found = connection.execute(text("SELECT * FROM audit_event ORDER BY seq")).all()
        rows = change([dict(zip(names, r, strict=True)) for r in found])
        connection.execute(text("DELETE FROM audit_event"))
        prev = "0" * 64
        for number, row in enumerate(rows, start=1):
            row["seq"] = number
            if claim_unkeyed and "key_id" in row:
                row["key_id"] = None
            row["prev_hash"] = prev
            row["hash"] = prev = public_hash(prev, row)
            columns = ", ".join(row)
            values = ", ".join(f":{name}" for name in row)
            connection.execute(text(f"INSERT INTO audit_event ({columns}) VALUES ({values})"), row)
        connection.execute(
            text("UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1"),
            {"seq": len(rows), "hash": prev},
        )


def number_of(connection: Any) -> int:
    return int(connection.execute(text("SELECT count(*) FROM audit_event")).scalar_one())


def _edit(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        if row["action"] == "consent.create":
            row["actor_name"] = "someone else"
    return rows


def _delete_middle(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r["action"] not in ("programme.create", "consent.create")]


def _delete_tail(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return rows[:-2]


def _delete_all(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return []


def _keep(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return rows


def test_verify_is_intact_before_any_attack(family: Family, settings: Settings) -> None:
    result = vfb(settings, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


@pytest.mark.parametrize("claim_unkeyed", [False, True], ids=["keyed", "claims-unkeyed"])
@pytest.mark.parametrize("change", [_edit, _delete_middle, _keep], ids=lambda c: c.__name__)
def test_a_chain_recomputed_with_the_public_rule_is_found(
    family: Family,
    app: FastAPI,
    settings: Settings,
    change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
    claim_unkeyed: bool,
) -> None:
    """Edited, rows deleted in the middle, or only re-signed: whatever the insider recomputes
    without the key does not verify (no anchor needed)."""
    rewrite(app.state.engine, change, claim_unkeyed=claim_unkeyed)
    result = vfb(settings, "audit", "verify")
    assert result.exit_code == 1, result.output
    assert "The audit trail has been tampered with" in result.output
    assert re.search(r"rows? 1[:–]", result.output)  # from the first row the insider re-signed
    assert "Traceback" not in result.output


@pytest.mark.parametrize("change", [_delete_tail, _delete_all], ids=lambda c: c.__name__)
def test_rows_deleted_from_the_end_and_the_head_moved_are_found_by_the_anchor(
    family: Family,
    app: FastAPI,
    settings: Settings,
    change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
) -> None:
    anchored = vfb(settings, "audit", "anchor")
    assert anchored.exit_code == 0, anchored.output
    with app.state.engine.connect() as connection:
        last = number_of(connection)
    assert f"seq={last} " in anchored.output
    rewrite(app.state.engine, change)
    result = vfb(settings, "audit", "verify")
    assert result.exit_code == 1, result.output
    assert "the anchor of " in result.output and f"recorded row {last}" in result.output
    assert "deleted" in result.output


def _truncate_keeping_macs(engine: Engine, keep: int) -> None:
    """Delete the newest rows and move the head back to a genuine row: every MAC left is real."""
    with engine.begin() as connection:
        _drop_guards(connection, engine.dialect.name)
        connection.execute(text("DELETE FROM audit_event WHERE seq > :keep"), {"keep": keep})
        connection.execute(
            text(
                "UPDATE audit_head SET seq = :keep, "
                "hash = (SELECT hash FROM audit_event WHERE seq = :keep) WHERE id = 1"
            ),
            {"keep": keep},
        )


def test_a_truncated_chain_of_genuine_rows_is_found_by_the_anchor(
    family: Family, app: FastAPI, settings: Settings
) -> None:
    anchored = vfb(settings, "audit", "anchor")
    assert anchored.exit_code == 0, anchored.output
    with app.state.engine.connect() as connection:
        last = number_of(connection)
    _truncate_keeping_macs(app.state.engine, last - 3)
    result = vfb(settings, "audit", "verify")
    assert result.exit_code == 1, result.output
    assert (
        f"rows {last - 2}–{last}: deleted: the chain ends at row {last - 3}, but the anchor of "
        in result.output
    )


def test_the_key_file_is_owner_only_and_outside_the_database(
    family: Family, settings: Settings
) -> None:
    key_file = settings.data_dir / "audit_key"
    assert key_file.exists()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def anchor_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.startswith("vfb-audit-anchor")]


def _key_lines(settings: Settings) -> list[str]:
    text_ = (settings.data_dir / "audit_key").read_text()
    return [line for line in text_.splitlines() if line and not line.startswith("#")]


def test_the_server_anchors_the_chain_when_it_starts(
    as_: Callable[[str], Caller], app: FastAPI, settings: Settings
) -> None:
    from vfb.audit.chain import parse_anchor

    [line] = anchor_lines(settings.data_dir / "audit_anchors")
    make_family(as_("worker_a1"))  # rows after the anchor
    assert re.fullmatch(
        r"vfb-audit-anchor seq=\d+ mac=[0-9a-f]{64} at=2026-03-02T09:00:00Z key=[0-9a-f]{16} "
        r"unkeyed=0",
        line,
    )
    anchor = parse_anchor(line)
    assert anchor is not None
    with app.state.engine.connect() as connection:
        row = connection.execute(
            text("SELECT hash, key_id FROM audit_event WHERE seq = :s"), {"s": anchor.seq}
        ).one()
        assert anchor.seq < number_of(connection)
    assert (row.hash, row.key_id) == (anchor.mac, anchor.key_id)
    printed = vfb(settings, "audit", "anchor")
    assert printed.exit_code == 0
    assert anchor_lines(settings.data_dir / "audit_anchors")[1] in printed.output


def test_a_printed_anchor_catches_a_truncation_even_when_the_anchor_file_is_rewritten(
    family: Family, app: FastAPI, settings: Settings
) -> None:
    anchored = vfb(settings, "audit", "anchor")
    [line] = [x for x in anchored.output.splitlines() if x.startswith("vfb-audit-anchor")]
    with app.state.engine.connect() as connection:
        last = number_of(connection)
    _truncate_keeping_macs(app.state.engine, last - 2)
    (settings.data_dir / "audit_anchors").unlink()  # the insider could write the data folder too
    assert vfb(settings, "audit", "verify").exit_code == 0  # what the chain alone cannot see
    result = vfb(settings, "audit", "verify", "--anchor", line)
    assert result.exit_code == 1
    assert f"rows {last - 1}–{last}: deleted: the chain ends at row {last - 2}" in result.output
    bad = vfb(settings, "audit", "verify", "--anchor", "seq=3 trust me")
    assert bad.exit_code == 1 and "--anchor must be a line as `vfb audit anchor` printed it" in (
        bad.output
    )


def test_rotating_the_key_keeps_the_old_rows_checkable_and_the_old_key_retired(
    family: Family, app: FastAPI, as_: Callable[[str], Any], settings: Settings
) -> None:
    [old_line] = _key_lines(settings)
    with app.state.engine.connect() as connection:
        before = number_of(connection)
    rotated = vfb(settings, "audit", "rotate-key")
    assert rotated.exit_code == 0, rotated.output
    assert f"From row {before + 1} the audit trail is signed with key" in rotated.output
    assert f"vfb-audit-anchor seq={before + 1} " in rotated.output  # re-anchored
    assert stat.S_IMODE(os.stat(settings.data_dir / "audit_key").st_mode) == 0o600
    old_entry, new_entry = _key_lines(settings)
    assert old_entry == old_line and new_entry.startswith(f"{before + 1}:")
    # the running server signs its next row with the new key, without a restart
    as_("worker_a1").ok("PATCH", f"/api/children/{family.child}", json={"ethnicity": "Mixed"})
    with app.state.engine.connect() as connection:
        ids = connection.execute(text("SELECT seq, key_id FROM audit_event ORDER BY seq")).all()
    assert len({key_id for seq, key_id in ids if seq <= before}) == 1
    assert len({key_id for seq, key_id in ids if seq > before}) == 1
    assert ids[0].key_id != ids[-1].key_id
    intact = vfb(settings, "audit", "verify")
    assert intact.exit_code == 0, intact.output
    # someone who learnt the old key (the reason to rotate) cannot sign the rows after it
    from vfb.audit.chain import row_mac
    from vfb.audit.keys import parse_keyring

    [old_key] = parse_keyring(old_entry).keys
    with app.state.engine.begin() as connection:
        _drop_guards(connection, app.state.engine.dialect.name)
        names = _columns(connection)
        rows = [
            dict(zip(names, r, strict=True))
            for r in connection.execute(text("SELECT * FROM audit_event ORDER BY seq"))
        ]
        prev = rows[before - 1]["hash"]
        for row in rows[before:]:
            row["detail"] = "nothing to see"
            row["prev_hash"], row["key_id"] = prev, old_key.id
            signed = row | {"at": _aware(row["at"])}  # as vfb reads it: a genuine old-key MAC
            row["hash"] = prev = row_mac(old_key, row["prev_hash"], signed)
            connection.execute(
                text(
                    "UPDATE audit_event SET detail = :detail, prev_hash = :prev_hash, "
                    "key_id = :key_id, hash = :hash WHERE seq = :seq"
                ),
                row,
            )
        connection.execute(text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": prev})
    result = vfb(settings, "audit", "verify")
    assert result.exit_code == 1
    assert (
        f"rows {before + 1}–{len(rows)}: signed with key {old_key.id}, which signs only rows "
        f"1–{before} (forged)" in result.output
    )


def _aware(value: Any) -> datetime:
    found = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return found.replace(tzinfo=UTC)


def test_an_audit_key_too_short_or_misspelt_is_refused_in_words(
    family: Family, settings: Settings
) -> None:
    for key, words in (
        ("0123abcd", "The audit key is 4 bytes long; it must be at least 32 random bytes"),
        ("not a key!", "The audit key must be written as hex or base64"),
    ):
        result = CliRunner().invoke(
            cli, ["audit", "verify"], env=cli_env(settings) | {"VFB_AUDIT_KEY": key}
        )
        assert result.exit_code == 1
        assert f"the setting VFB_AUDIT_KEY is not valid: {words}" in result.output
        assert "Traceback" not in result.output and key not in result.output


def test_an_audit_key_given_in_the_environment(
    databases: Any, tmp_path: Path, settings: Settings
) -> None:
    """VFB_AUDIT_KEY instead of the key file: rows it signs verify only where it is set, and
    rotating is the operator's (vfb says how)."""
    from sqlmodel import Session

    from vfb.db import make_engine, upgrade
    from vfb.services.protection import audit_trail
    from vfb.services.protection.audit_keys import KeySource

    key = "ab" * 32
    url = databases.empty(tmp_path)
    fresh = Settings(data_dir=tmp_path / "env", database_url=url, audit_key=key)
    engine = make_engine(url)
    try:
        upgrade(engine)
        audit_trail.use_keys(engine, KeySource(fresh))
        with Session(engine) as db:
            for _ in range(3):
                audit_trail.append(db, "clip.stream", actor=audit_trail.Actor.operator())
            db.commit()
    finally:
        engine.dispose()
    env = cli_env(fresh) | {"VFB_AUDIT_KEY": key}
    ok = CliRunner().invoke(cli, ["audit", "verify"], env=env)
    assert ok.exit_code == 0, ok.output
    assert not (tmp_path / "env" / "audit_key").exists()
    without = CliRunner().invoke(cli, ["audit", "verify"], env=cli_env(fresh))
    assert without.exit_code == 1
    assert "rows 1–3: signed with a key this installation does not have" in without.output
    rotate = CliRunner().invoke(cli, ["audit", "rotate-key"], env=env)
    assert rotate.exit_code == 1
    assert "add the new key to VFB_AUDIT_KEY as ',4:NEWKEY'" in rotate.output
    databases.drop(url)


def test_an_install_with_unkeyed_rows_upgrades_and_keeps_them_checkable(
    databases: Any, tmp_path: Path
) -> None:
    """A database chained by the old SHA-256 rule (revision 0006) upgrades; its rows verify by
    that rule up to where the key file says keyed rows begin, and nobody can pass keyed rows
    off as old ones or rewrite the old ones."""
    from sqlmodel import Session

    from vfb.audit.chain import GENESIS, legacy_hash
    from vfb.db import make_engine, upgrade
    from vfb.services.protection import audit_trail
    from vfb.services.protection.audit_keys import KeySource

    url = databases.empty(tmp_path)
    settings = Settings(data_dir=tmp_path / "data", database_url=url)
    engine = make_engine(url)
    try:
        upgrade(engine, "0006")
        prev = GENESIS
        with engine.begin() as connection:
            for seq in range(1, 6):
                row: dict[str, Any] = {
                    "seq": seq,
                    "at": datetime(2026, 3, 2, 9, seq, tzinfo=UTC),
                    "actor_name": "worker_a1",
                    "role": "worker",
                    "action": "clip.stream",
                }
                row["prev_hash"] = prev
                row["hash"] = prev = legacy_hash(prev, row)
                connection.execute(
                    text(
                        "INSERT INTO audit_event (seq, at, actor_name, role, action, prev_hash, "
                        "hash) VALUES (:seq, :at, :actor_name, :role, :action, :prev_hash, :hash)"
                    ),
                    row | {"at": row["at"].replace(tzinfo=None)},
                )
            connection.execute(
                text("UPDATE audit_head SET seq = 5, hash = :h WHERE id = 1"), {"h": prev}
            )
    finally:
        engine.dispose()
    upgraded = vfb(settings, "db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert vfb(settings, "audit", "verify").exit_code == 0
    anchored = vfb(settings, "audit", "anchor")
    assert "seq=5 " in anchored.output and "key=- unkeyed=5" in anchored.output
    engine = make_engine(url)
    try:
        audit_trail.use_keys(engine, KeySource(settings))
        with Session(engine) as db:
            audit_trail.append(db, "clip.stream", actor=audit_trail.Actor.operator())
            audit_trail.append(db, "clip.stream", actor=audit_trail.Actor.operator())
            db.commit()
        [entry] = _key_lines(settings)
        assert entry.startswith("6:")  # the key file records where the unkeyed rows end
        intact = vfb(settings, "audit", "verify")
        assert intact.exit_code == 0, intact.output
        assert "7 row(s)" in intact.output
        # keyed rows passed off as old unkeyed ones
        rewrite(engine, _keep, claim_unkeyed=True)
        forged = vfb(settings, "audit", "verify")
        assert forged.exit_code == 1
        assert "rows 6–7: written by the old unkeyed rule after the chain was keyed" in (
            forged.output
        )
    finally:
        engine.dispose()
        databases.drop(url)


def test_an_old_unkeyed_row_rewritten_breaks_the_first_keyed_row(
    databases: Any, tmp_path: Path
) -> None:
    from sqlmodel import Session

    from vfb.audit.chain import GENESIS, legacy_hash
    from vfb.db import make_engine, upgrade
    from vfb.services.protection import audit_trail
    from vfb.services.protection.audit_keys import KeySource

    url = databases.empty(tmp_path)
    settings = Settings(data_dir=tmp_path / "data", database_url=url)
    engine = make_engine(url)
    try:
        upgrade(engine, "0006")
        with engine.begin() as connection:
            row: dict[str, Any] = {"seq": 1, "at": datetime(2026, 3, 2, 9, tzinfo=UTC)}
            row |= {"actor_name": "w", "role": "worker", "action": "clip.stream"}
            row |= {"prev_hash": GENESIS, "hash": legacy_hash(GENESIS, row)}
            connection.execute(
                text(
                    "INSERT INTO audit_event (seq, at, actor_name, role, action, prev_hash, "
                    "hash) VALUES (:seq, :at, :actor_name, :role, :action, :prev_hash, :hash)"
                ),
                row | {"at": row["at"].replace(tzinfo=None)},
            )
            connection.execute(
                text("UPDATE audit_head SET seq = 1, hash = :h WHERE id = 1"), {"h": row["hash"]}
            )
        upgrade(engine)
        audit_trail.use_keys(engine, KeySource(settings))
        with Session(engine) as db:
            audit_trail.append(db, "clip.stream", actor=audit_trail.Actor.operator())
            db.commit()
        forged = dict(row, actor_name="someone else")
        forged_hash = legacy_hash(GENESIS, forged)
        with engine.begin() as connection:
            _drop_guards(connection, engine.dialect.name)
            connection.execute(
                text("UPDATE audit_event SET actor_name = 'someone else', hash = :h WHERE seq = 1"),
                {"h": forged_hash},
            )
    finally:
        engine.dispose()
    result = vfb(settings, "audit", "verify")
    assert result.exit_code == 1
    assert "row 1: edited after it was written and its hash made again" in result.output
    databases.drop(url)
