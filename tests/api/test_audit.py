"""The audit trail: every media access, change to a case record and sign-in is a row in a keyed
chain; managers filter and export it; `vfb audit verify` names any row edited or deleted behind
the app's back."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session
from typer.testing import CliRunner

from tests.support import Caller, Cast, FakeClock, Family, child_body, cli_env
from tests.support.api import imported, trail
from tests.support.media import Samples
from vfb.audit.chain import legacy_hash
from vfb.cli.main import app as cli
from vfb.models import AuditEvent
from vfb.settings import Settings


def actions(rows: list[dict[str, Any]]) -> list[str]:
    return [r["action"] for r in reversed(rows)]  # oldest first


def test_changes_to_case_records_are_rows_with_who_what_when_and_where(
    family: Family, as_: Callable[[str], Caller], cast: Cast
) -> None:
    worker = as_("worker_a1")
    worker.ok("PATCH", f"/api/children/{family.child}", json={"care_status": "foster_care"})
    worker.ok("PATCH", f"/api/sessions/{family.session}", json={"duration_minutes": 75})
    rows = trail(as_("manager_a"), child_id=family.child)
    assert actions(rows) == [
        "child.create",
        "carer.create",
        "assessment.create",
        "programme.create",
        "consent.create",
        "session.create",
        "programme.update",  # the first held session made the programme active
        "child.update",
        "session.update",
    ]
    assert rows[2]["detail"] == "changed: status"
    newest = rows[0]
    assert newest["actor_id"] == cast.user_ids["worker_a1"]
    assert (newest["actor_name"], newest["role"]) == ("worker_a1", "worker")
    assert newest["target_type"] == "session" and newest["target_id"] == family.session
    assert newest["detail"] == "changed: duration_minutes"
    assert newest["origin"] == "testclient"
    assert newest["at"].startswith("2026-03-02T09:00:00")
    assert rows[1]["detail"] == "changed: care_status"
    # the derived fields vfb keeps by itself are not news
    assert all("fidelity" not in (r["detail"] or "") for r in rows)


def test_media_access_is_recorded_once_per_viewing(
    family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    clip = imported(worker, family.session, samples.get("indexed.mp4"))
    media = f"/api/clips/{clip['id']}/media"
    assert worker.get(media, headers={"Range": "bytes=0-"}).status_code == 206
    assert worker.get(media, headers={"Range": "bytes=5000-"}).status_code == 206  # a seek
    assert worker.request("HEAD", media).status_code == 200
    assert worker.get(f"/api/clips/{clip['id']}/still", params={"at_ms": 1000}).status_code == 200
    assert worker.get(f"/api/clips/{clip['id']}/poster").status_code == 200
    assert worker.get(f"/api/clips/{clip['id']}/moments.csv").status_code == 200
    rows = trail(as_("manager_a"), action="clip.")
    assert actions(rows) == ["clip.create", "clip.stream", "clip.still", "clip.poster"]
    assert rows[1]["detail"] == "at 00:00:01.000"
    assert all(r["target_id"] == clip["id"] and r["child_id"] == family.child for r in rows)
    [export] = trail(as_("manager_a"), action="moments.export")
    assert export["detail"] == "csv"


def test_a_still_at_a_time_after_the_clip_ends_is_refused_and_not_recorded_as_a_viewing(
    family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    clip = imported(worker, family.session, samples.get("indexed.mp4"))  # 8 s
    refused = worker.get(f"/api/clips/{clip['id']}/still", params={"at_ms": 9000})
    assert refused.status_code == 400
    assert "there is no frame at 00:00:09.000" in refused.json()["detail"]
    assert actions(trail(as_("manager_a"), action="clip.")) == ["clip.create"]
    # the last frame's time is still a frame, and a viewing
    assert worker.get(f"/api/clips/{clip['id']}/still", params={"at_ms": 7990}).status_code == 200
    assert actions(trail(as_("manager_a"), action="clip.")) == ["clip.create", "clip.still"]


def test_sign_ins_and_failed_sign_ins_are_recorded(
    client: TestClient, as_: Callable[[str], Caller], cast: Cast
) -> None:
    assert client.post(
        "/api/auth/token", data={"username": "worker_a1", "password": "wrong"}
    ).is_error
    assert client.post("/api/auth/token", data={"username": "nobody", "password": "x"}).is_error
    ok = client.post(
        "/api/auth/session", data={"username": "worker_a1", "password": "correct horse battery"}
    )
    assert ok.status_code == 200
    rows = trail(as_("manager_a"), action="sign_in")
    # the manager sees attempts on their team's usernames; an unknown one belongs to no team
    latest = rows[:2]
    assert [r["action"] for r in latest] == ["sign_in", "sign_in.failed"]
    assert latest[0]["actor_id"] == cast.user_ids["worker_a1"] and latest[0]["detail"] == "cookie"
    assert latest[1]["actor_name"] == "worker_a1" and latest[1]["role"] == "anonymous"
    assert latest[1]["actor_id"] is None
    assert latest[1]["detail"] == "wrong username or password"
    assert all(r["origin"] == "testclient" for r in latest)
    assert "nobody" not in {r["actor_name"] for r in rows}


def signed_in(client: TestClient, username: str) -> Caller:
    response = client.post(
        "/api/auth/token", data={"username": username, "password": "correct horse battery"}
    )
    return Caller(client, response.json()["access_token"])


def test_managers_filter_by_child_user_and_date_and_export_csv(
    family: Family, client: TestClient, as_: Callable[[str], Caller], cast: Cast, clock: FakeClock
) -> None:
    clock.advance(days=3)
    manager = signed_in(client, "manager_a")
    signed_in(client, "worker_a1").ok(
        "PATCH", f"/api/children/{family.child}", json={"ethnicity": "Mixed"}
    )
    on_day = trail(manager, **{"from": "2026-03-05", "to": "2026-03-05"})
    assert actions(on_day) == ["sign_in", "sign_in", "child.update"]
    assert trail(manager, **{"from": "2026-03-06"}) == []
    assert actions(trail(manager, **{"to": "2026-03-02", "child_id": family.child}))[-1] == (
        "programme.update"
    )
    by_worker = trail(manager, user_id=cast.user_ids["worker_a1"])
    assert {r["actor_id"] for r in by_worker} == {cast.user_ids["worker_a1"]}
    assert len(by_worker) >= 5
    response = manager.get(
        "/api/audit", params={"child_id": family.child}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["action"] for r in table] == [
        "child.create",
        "carer.create",
        "assessment.create",
        "programme.create",
        "consent.create",
        "session.create",
        "programme.update",
        "child.update",
        "audit.read",  # the manager's reading of this child's rows, above
        "audit.export",  # and this export, on record before its first row
    ]
    assert table[-1]["at"] == "2026-03-05T09:00:00Z" and len(table[-1]["hash"]) == 64
    # another team's manager sees none of it; workers and admins not the trail at all
    assert trail(signed_in(client, "manager_b"), child_id=family.child) == []
    for role in ("worker_a1", "supervisor_a", "admin"):
        assert signed_in(client, role).get("/api/audit").status_code == 403
    assert manager.get("/api/audit", params={"from": "2026-03-05", "to": "2026-03-01"}).is_error


def _run_verify(settings: Settings) -> Any:
    env = cli_env(settings)
    return CliRunner().invoke(cli, ["audit", "verify"], env=env)


def _tamper(app: FastAPI, *statements: str) -> None:
    """What someone with the database's owner rights could do behind vfb's back: drop the
    append-only guard and change the rows."""
    engine = app.state.engine
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("DROP TRIGGER audit_event_append_only ON audit_event"))
        else:
            connection.execute(text("DROP TRIGGER audit_event_no_update"))
            connection.execute(text("DROP TRIGGER audit_event_no_delete"))
        for statement in statements:
            connection.execute(text(statement))


def _seq_of(app: FastAPI, action: str) -> int:
    with app.state.engine.connect() as connection:
        return int(
            connection.execute(
                text("SELECT min(seq) FROM audit_event WHERE action = :a"), {"a": action}
            ).scalar_one()
        )


def test_the_database_refuses_to_change_an_audit_row(family: Family, app: FastAPI) -> None:
    from sqlalchemy.exc import DatabaseError

    for statement in ("UPDATE audit_event SET detail = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(DatabaseError, match="append-only"), app.state.engine.begin() as c:
            c.execute(text(statement))


def test_verify_finds_an_edited_row_and_names_it(
    family: Family, app: FastAPI, settings: Settings
) -> None:
    intact = _run_verify(settings)
    assert intact.exit_code == 0, intact.output
    assert "intact" in intact.output
    seq = _seq_of(app, "programme.create")
    _tamper(app, f"UPDATE audit_event SET actor_name = 'someone else' WHERE seq = {seq}")
    result = _run_verify(settings)
    assert result.exit_code == 1
    assert f"row {seq}: edited after it was written" in result.output


def test_verify_names_a_row_edited_and_rehashed(
    family: Family, app: FastAPI, settings: Settings
) -> None:
    seq = _seq_of(app, "consent.create")
    with Session(app.state.engine) as db:
        stored = db.get(AuditEvent, seq)
        assert stored is not None
        row = stored.model_dump()
    row["detail"] = "nothing to see"
    forged = legacy_hash(row["prev_hash"], row)
    _tamper(
        app,
        f"UPDATE audit_event SET detail = 'nothing to see', hash = '{forged}' WHERE seq = {seq}",
    )
    result = _run_verify(settings)
    assert result.exit_code == 1
    assert f"row {seq}: edited after it was written and its hash made again" in result.output


def test_verify_finds_deleted_rows_in_the_middle_and_at_the_end(
    family: Family, app: FastAPI, settings: Settings
) -> None:
    middle = _seq_of(app, "child.create")
    last = _seq_of(app, "programme.update")
    _tamper(app, f"DELETE FROM audit_event WHERE seq IN ({middle}, {middle + 1}, {last})")
    result = _run_verify(settings)
    assert result.exit_code == 1
    assert (
        f"rows {middle}–{middle + 1}: deleted (the chain jumps from row {middle - 1} to row "
        f"{middle + 2})" in result.output
    )
    assert f"row {last}: deleted from the end (the last was row {last})" in result.output


def test_audit_export_from_the_command_line(
    family: Family, settings: Settings, tmp_path: Path
) -> None:
    env = cli_env(settings)
    out = tmp_path / "audit.csv"
    result = CliRunner().invoke(
        cli, ["audit", "export", "--csv", str(out), "--child", family.child], env=env
    )
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["action"] for r in table][:2] == ["child.create", "carer.create"]
    assert (table[-1]["action"], table[-1]["actor_name"]) == ("audit.export", "operator")
    bad = CliRunner().invoke(cli, ["audit", "export", "--from", "yesterday"], env=env)
    assert bad.exit_code == 1 and "--from must be a date" in bad.output


def test_the_chains_rules_name_each_kind_of_tampering() -> None:
    """The pure rules (vfb.audit.chain) on a chain built by hand."""
    from datetime import UTC, datetime

    from vfb.audit.chain import GENESIS, row_mac, verify
    from vfb.audit.keys import AuditKey, Keyring

    key = AuditKey(1, b"k" * 32)
    keyring = Keyring((key,))
    rows: list[dict[str, Any]] = []
    prev = GENESIS
    for seq in range(1, 6):
        row: dict[str, Any] = {"seq": seq, "at": datetime(2026, 3, 2, tzinfo=UTC)}
        row |= {"actor_name": "w", "role": "worker", "action": "clip.stream", "prev_hash": prev}
        row |= {"key_id": key.id}
        row["hash"] = prev = row_mac(key, prev, row)
        rows.append(row)
    head = {"keyring": keyring, "head_seq": 5, "head_hash": rows[-1]["hash"]}
    assert verify(rows, **head) == []
    # the last row edited and re-signed (by someone with the key): only the head still knows
    last = dict(rows[-1], detail="nothing")
    last["hash"] = row_mac(key, last["prev_hash"], last)
    [found] = verify([*rows[:-1], last], **head)
    assert found.words() == "row 5: the last row was replaced"
    # the first row's link to the start of the chain changed
    first = dict(rows[0], prev_hash="1" * 64)
    first["hash"] = row_mac(key, first["prev_hash"], first)
    problems = [b.words() for b in verify([first, *rows[1:]], **head)]
    assert "row 1: its link to the start of the chain was changed" in problems
    # re-signed without the key, by the old public rule, keeping or dropping the key's name
    for key_id in (key.id, None):
        forged = dict(rows[2], detail="nothing", key_id=key_id)
        forged["hash"] = legacy_hash(forged["prev_hash"], forged)
        [*_, problem] = verify([*rows[:2], forged, *rows[3:]], **head)
        assert problem.seq == 3 and problem.last is None


def test_the_trail_in_words_names_nothing_from_another_team(
    family: Family, as_: Callable[[str], Caller]
) -> None:
    """A manager who puts another team's ids into the trail's filters (so that their own trail
    holds them) does not get those ids named back: words name only what the reader may see."""
    manager_a, manager_b, worker_b = as_("manager_a"), as_("manager_b"), as_("worker_b")
    theirs = worker_b.ok("POST", "/api/children", 201, json=child_body(reference="SOUTH-7"))
    person = next(
        u for u in manager_b.ok("GET", "/api/users")["data"] if u["username"] == "worker_b"
    )
    manager_a.ok("GET", "/api/audit", params={"user_id": person["id"]})
    manager_a.ok("GET", "/api/audit", params={"child_id": theirs["id"]})
    manager_a.ok("PATCH", f"/api/sessions/{family.session}", json={"duration_minutes": 70})
    response = manager_a.get("/api/audit", params={"limit": "500"})
    assert response.status_code == 200
    assert "SOUTH-7" not in response.text and "worker_b" not in response.text
    rows = response.json()["data"]
    asked = next(r for r in rows if r["action"] == "audit.read" and r["detail"])
    assert asked["detail_words"] == "person (not in your team)"
    changed = next(r for r in rows if r["action"] == "session.update")
    assert changed["child_reference"] == "C-100"
    assert changed["about"] == "session 1 of 20 Feb 2026"
    assert changed["about_href"] == f"/sessions/{family.session}"
    assert changed["detail_words"] == "changed: duration minutes"
    # the reading of another team's child is in that team's trail, named for its own manager
    south = manager_b.ok("GET", "/api/audit", params={"action": "audit.read"})["data"]
    by_a = next(r for r in south if r["actor_name"] == "manager_a")
    assert by_a["child_reference"] == "SOUTH-7"
    assert by_a["detail_words"] == "child SOUTH-7"
    assert by_a["about_href"] is None
