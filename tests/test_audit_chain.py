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
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from tests.conftest import Family
from tests.support import cli_env
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
