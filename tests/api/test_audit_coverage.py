"""What the audit trail covers beyond footage and sign-ins: an admin's changes to accounts, every
change to a case record (carers, assessments, scores, breakdowns, clips and trims, reels), reads
of a child's record, its carers and moment notes (one row per request, never one per record), and
every report or audit export, each through the API or the command line that does it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.support import Caller, Cast, Family, cli_env
from tests.support.api import imported, mark, share_consent, wait_for_reel, wait_ready
from tests.support.media import Samples
from vfb.cli.main import app as cli
from vfb.settings import Settings

NEW_PASSWORD = "a brand new password 42"


def trail(caller: Caller, **filters: str) -> list[dict[str, Any]]:
    """The manager's trail, oldest first (reading it adds a row of its own, after these)."""
    page = caller.ok("GET", "/api/audit", params=filters | {"limit": "500"})
    return list(reversed(page["data"]))


def actions(rows: list[dict[str, Any]]) -> list[str]:
    return [r["action"] for r in rows]


# Worked out when the trail is read, from the records as they are now (a carer's current name):
# not held by the stored row, which is what these tests are about.
READ_TIME = ("child_reference", "about", "about_href", "detail_words")


def no_secret_in(rows: list[dict[str, Any]], *secrets: str) -> None:
    """No stored row holds these."""
    shown = json.dumps([{k: v for k, v in r.items() if k not in READ_TIME} for r in rows])
    for secret in (*secrets, "$argon2", "password_hash"):
        assert secret not in shown


def exported(settings: Settings, *args: str) -> list[dict[str, str]]:
    """The whole trail (or the rows chosen), as the operator's `vfb audit export` writes it."""
    target = settings.data_dir / "audit-export.csv"
    done = CliRunner().invoke(
        cli, ["audit", "export", "--csv", str(target), *args], env=cli_env(settings)
    )
    assert done.exit_code == 0, done.output
    return list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))


# -- an admin's changes to accounts -------------------------------------------------------------


def test_an_admins_account_changes_are_in_the_users_teams_trail_without_the_password(
    as_: Callable[[str], Caller], cast: Cast
) -> None:
    admin, manager_a, manager_b = as_("admin"), as_("manager_a"), as_("manager_b")
    made = admin.ok(
        "POST",
        "/api/users",
        201,
        json={
            "username": "newworker",
            "password": "first password 123",
            "role": "worker",
            "team_id": cast.team_ids["north"],
        },
    )
    user = f"/api/users/{made['id']}"
    admin.ok("PATCH", user, json={"role": "supervisor"})
    admin.ok("PATCH", user, json={"role": "supervisor"})  # no change: no row
    admin.ok("PATCH", user, json={"password": NEW_PASSWORD})
    admin.ok("PATCH", user, json={"disabled": True})
    admin.ok("PATCH", user, json={"disabled": False})
    admin.ok("PATCH", user, json={"team_id": cast.team_ids["south"]})

    north = trail(manager_a, action="user.")
    assert actions(north)[-5:] == [
        "user.create",
        "user.update",
        "user.password",
        "user.disable",
        "user.enable",
    ]
    for row in north[-5:]:
        assert row["target_type"] == "user" and row["target_id"] == made["id"]
        assert (row["actor_id"], row["actor_name"]) == (cast.user_ids["admin"], "admin")
        assert row["role"] == "admin" and row["child_id"] is None
    assert north[-5]["detail"] == "newworker: worker in North Team"
    assert north[-4]["detail"] == "role: worker → supervisor"
    no_secret_in(north, "first password 123", NEW_PASSWORD)

    # a move is in the team the user joins
    [moved] = [r for r in trail(manager_b, action="user.") if r["target_id"] == made["id"]]
    assert moved["action"] == "user.update"
    assert moved["detail"] == "team: North Team → South Team"
    assert len([r for r in trail(manager_a, action="user.") if r["target_id"] == made["id"]]) == 5


def test_the_operators_account_commands_are_in_the_trail(
    settings: Settings, app: Any, as_: Callable[[str], Caller], cast: Cast
) -> None:
    env = cli_env(settings)
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> None:
        done = runner.invoke(cli, list(args), env=env, input=input)
        assert done.exit_code == 0, done.output

    run("team", "add", "East Team")
    run("user", "add", "ann", "--role", "worker", "--team", "North Team", "--password-stdin",
        input="ann's first password\n")  # fmt: skip
    run("user", "disable", "ann")
    run("user", "enable", "ann")
    run("user", "password", "ann", "--password-stdin", input=NEW_PASSWORD + "\n")

    rows = exported(settings)
    mine = [r for r in rows if r["actor_name"] == "operator" and r["action"] != "audit.export"]
    assert [r["action"] for r in mine][-5:] == [
        "team.create",
        "user.create",
        "user.disable",
        "user.enable",
        "user.password",
    ]
    assert all(r["role"] == "operator" and r["origin"] == "cli" for r in mine[-5:])
    assert mine[-4]["detail"] == "ann: worker in North Team"
    assert mine[-5]["detail"] == "East Team"
    no_secret_in([dict(r) for r in rows], "ann's first password", NEW_PASSWORD)
    # the manager of the user's team sees it too
    north = trail(as_("manager_a"), action="user.")
    assert actions(north)[-4:] == ["user.create", "user.disable", "user.enable", "user.password"]


# -- changes to case records ---------------------------------------------------------------------


def test_changes_to_carers_assessments_scores_and_breakdowns_are_rows(
    family: Family, as_: Callable[[str], Caller], cast: Cast
) -> None:
    worker = as_("worker_a1")
    worker.ok("PATCH", f"/api/carers/{family.carer}", json={"display_name": "Sam Jones"})
    score = worker.ok(
        "POST",
        "/api/carer-scores",
        201,
        json={
            "child_id": family.child,
            "scale": "Ainsworth sensitivity",
            "value": 5,
            "measured_on": "2026-01-06",
            "timing": "before",
        },
    )
    breakdown = worker.ok(
        "POST",
        "/api/placement-breakdowns",
        201,
        json={"child_id": family.child, "occurred_on": "2026-02-01", "note": "Moved to Nan's"},
    )
    rows = trail(as_("manager_a"), child_id=family.child)
    wanted = {"carer.create", "carer.update", "assessment.create", "carer_score.create"}
    wanted |= {"placement_breakdown.create"}
    found = {r["action"]: r for r in rows if r["action"] in wanted}
    assert set(found) == wanted
    assert actions([r for r in rows if r["action"] in wanted]) == [
        "carer.create",
        "assessment.create",
        "carer.update",
        "carer_score.create",
        "placement_breakdown.create",
    ]
    assert found["carer.update"]["target_id"] == family.carer
    assert found["carer.update"]["detail"] == "changed: display_name"
    assert found["assessment.create"]["target_id"] == family.assessment
    assert found["carer_score.create"]["target_id"] == score["id"]
    assert found["placement_breakdown.create"]["target_id"] == breakdown["id"]
    assert all(r["actor_id"] == cast.user_ids["worker_a1"] for r in found.values())
    no_secret_in(rows, "Sam Jones", "Moved to Nan's")  # what was written stays in the record


@pytest.mark.media
def test_trims_clip_deletions_and_reels_are_rows_naming_the_clip_or_reel(
    family: Family, as_: Callable[[str], Caller], samples: Samples, cast: Cast
) -> None:
    worker = as_("worker_a1")
    source = imported(worker, family.session, samples.get("indexed.mp4"))
    cut = worker.ok(
        "POST", f"/api/clips/{source['id']}/trim", 201, json={"from_ms": 1000, "to_ms": 3000}
    )
    wait_ready(worker, cut["id"])
    share_consent(worker, family)
    moment = mark(worker, source["id"], start_ms=2000, category="sensitivity",
                  share_with_carer=True, caption="Look at her smile")  # fmt: skip
    reel = worker.ok(
        "POST",
        f"/api/programmes/{family.programme}/reels",
        202,
        json={"moment_ids": [moment["id"]]},
    )
    wait_for_reel(worker, reel["id"])
    said = f"/api/moments/{moment['id']}/carer-comments"
    comment = worker.ok("POST", said, 201, json={"text": "She likes that"})
    assert worker.delete(f"/api/reels/{reel['id']}").status_code == 204
    assert worker.delete(f"/api/clips/{cut['id']}").status_code == 204

    rows = trail(as_("manager_a"), child_id=family.child)
    clip_rows = [r for r in rows if r["action"].startswith(("clip.", "reel.")) and
                 r["action"].split(".")[1] in ("create", "update", "delete")]  # fmt: skip
    assert [(r["action"], r["target_id"]) for r in clip_rows] == [
        ("clip.create", source["id"]),
        ("clip.create", cut["id"]),
        ("reel.create", reel["id"]),
        ("reel.delete", reel["id"]),
        ("clip.delete", cut["id"]),
    ]
    assert clip_rows[0]["detail"] == "upload"
    assert clip_rows[1]["detail"] == f"trim of {source['id']}, 00:00:01.000–00:00:03.000"
    by_worker = [r for r in clip_rows if r["actor_id"] == cast.user_ids["worker_a1"]]
    assert by_worker == clip_rows  # the media worker's own progress is not news
    assert all(r["child_id"] == family.child for r in clip_rows)
    assert all(r["target_type"] in ("clip", "reel") for r in clip_rows)
    [commented] = [r for r in rows if r["action"] == "carer_comment.create"]
    assert commented["target_id"] == comment["id"] and commented["child_id"] == family.child
    no_secret_in(rows, "She likes that", "Look at her smile")


# -- reads ---------------------------------------------------------------------------------------


@pytest.mark.media
def test_reading_a_record_its_carers_or_moment_notes_is_one_row_per_request(
    family: Family, as_: Callable[[str], Caller], samples: Samples, cast: Cast
) -> None:
    worker, supervisor = as_("worker_a1"), as_("supervisor_a")
    for name in ("Alex", "Jo"):
        body = {"child_id": family.child, "display_name": name, "relationship": "foster_carer"}
        worker.ok("POST", "/api/carers", 201, json=body)
    clip = imported(worker, family.session, samples.get("indexed.mp4"))
    for at in (1000, 2000, 3000):
        mark(worker, clip["id"], start_ms=at, category="sensitivity", note=f"note {at}")

    supervisor.ok("GET", f"/api/children/{family.child}")
    assert len(supervisor.ok("GET", f"/api/children/{family.child}/carers")) == 3
    supervisor.ok("GET", f"/api/carers/{family.carer}")
    assert len(supervisor.ok("GET", f"/api/clips/{clip['id']}/moments")) == 3
    assert len(supervisor.ok("GET", f"/api/programmes/{family.programme}/moments")) == 3
    # lists of the caseload are not a row per child
    supervisor.ok("GET", "/api/children")
    supervisor.ok("GET", "/api/caseload")

    rows = trail(as_("manager_a"), user_id=cast.user_ids["supervisor_a"])
    reads = [r for r in rows if r["action"] != "sign_in"]
    assert [(r["action"], r["target_type"], r["target_id"]) for r in reads] == [
        ("child.read", "child", family.child),
        ("carers.read", "child", family.child),
        ("carers.read", "carer", family.carer),
        ("moments.read", "clip", clip["id"]),
        ("moments.read", "programme", family.programme),
    ]
    assert all(r["child_id"] == family.child and r["role"] == "supervisor" for r in reads)
    no_secret_in(reads, "note 1000", "Alex")


def test_a_refused_read_is_not_a_row(
    family: Family, as_: Callable[[str], Caller], cast: Cast
) -> None:
    assert as_("worker_b").get(f"/api/children/{family.child}").status_code == 404
    rows = trail(as_("manager_b"), user_id=cast.user_ids["worker_b"])
    assert "child.read" not in actions(rows)


# -- exports and the trail itself ---------------------------------------------------------------

Q = {"from": "2026-01-01", "to": "2026-03-31"}


def test_report_exports_and_the_fidelity_list_are_rows(
    family: Family, as_: Callable[[str], Caller], cast: Cast, settings: Settings
) -> None:
    manager = as_("manager_a")
    manager.ok("GET", "/api/reports/statement3", params=Q)  # counts on screen: not an export
    response = manager.get(
        "/api/reports/statement3",
        params=Q | {"group_by": "ethnicity"},
        headers={"Accept": "text/csv"},
    )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert manager.ok("GET", "/api/reports/fidelity", params={"limit": "10"})["count"] == 1
    done = CliRunner().invoke(
        cli,
        ["report", "statement3", "--from", Q["from"], "--to", Q["to"],
         "--csv", str(settings.data_dir / "s3.csv")],
        env=cli_env(settings),
    )  # fmt: skip
    assert done.exit_code == 0, done.output

    rows = trail(manager, action="report.")
    assert [(r["action"], r["actor_name"], r["detail"]) for r in rows] == [
        ("report.statement3", "manager_a", "CSV, 2026-01-01 to 2026-03-31, by ethnicity"),
        ("report.fidelity", "manager_a", "1 programme"),
    ]
    assert all(r["actor_id"] == cast.user_ids["manager_a"] for r in rows)
    [by_operator] = [r for r in exported(settings) if r["action"] == "report.statement3"
                     and r["actor_name"] == "operator"]  # fmt: skip
    assert by_operator["detail"] == "CSV, 2026-01-01 to 2026-03-31, every team"


def test_reading_and_exporting_the_trail_are_rows(
    family: Family, as_: Callable[[str], Caller], cast: Cast, settings: Settings
) -> None:
    manager = as_("manager_a")
    first = trail(manager, child_id=family.child)
    assert "audit.read" not in actions(first)  # a page does not show its own reading
    response = manager.get(
        "/api/audit", params={"child_id": family.child}, headers={"Accept": "text/csv"}
    )
    assert response.status_code == 200
    in_csv = [r["action"] for r in csv.DictReader(io.StringIO(response.text))]
    assert in_csv[-2:] == ["audit.read", "audit.export"]  # the export is on record as it is made
    again = trail(manager, child_id=family.child)
    read, export = again[-2:]
    assert (read["action"], export["action"]) == ("audit.read", "audit.export")
    for row in (read, export):
        assert row["actor_id"] == cast.user_ids["manager_a"] and row["child_id"] == family.child
    assert read["detail"] == f"child {family.child}"
    assert export["detail"] == f"CSV, child {family.child}"

    rows = exported(settings, "--child", family.child)
    assert (rows[-1]["action"], rows[-1]["actor_name"]) == ("audit.export", "operator")
    assert rows[-1]["detail"] == f"CSV, child {family.child}"


def test_the_audit_page_names_every_action_vfb_writes() -> None:
    """The page's words for each action, and its filter, cover the new rows."""
    script = (Path(__file__).parents[2] / "web" / "js" / "audit.js").read_text()
    page = (Path(__file__).parents[2] / "web" / "audit.html").read_text()
    for action in (
        "user.create", "user.update", "user.password", "user.disable", "user.enable",
        "team.create", "team.update", "child.read", "carers.read", "moments.read",
        "report.statement3", "report.fidelity", "audit.read", "audit.export",
    ):  # fmt: skip
        assert f'"{action}"' in script
    for prefix in ("user.", "team.", "carer.", "assessment.", "carer_score.",
                   "placement_breakdown.", "reel.", "report.", "audit.", "child.read",
                   "carers.read", "moments.read"):  # fmt: skip
        assert f'value="{prefix}"' in page
