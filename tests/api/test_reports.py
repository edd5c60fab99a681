"""The manager's reports: the statement 3 measure computed by the database gives exactly what the
pure rules give (on SQLite and PostgreSQL), through the API (JSON, CSV, suppression, reach) and
the CLI; the team fidelity list with its verdicts, and the alerts."""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session
from typer.testing import CliRunner

from tests.support import PASSWORD, T0, Caller, Cast, FakeClock, Family, session_body
from vfb.cli.main import app as cli
from vfb.models import Child
from vfb.programme.measure import (
    ChildRecord,
    Counts,
    Milestones,
    age_band,
    counts_for,
)
from vfb.services.reports import statement3 as reports
from vfb.vocabulary import AttachmentStatus, CareStatus, Disability

CARE = list(CareStatus)
ETHNICITY = [None, "White British", "Mixed", "Black Caribbean", "Asian"]


def random_day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def maybe(rng: random.Random, day: date, most: int) -> date | None:
    return None if rng.random() < 0.3 else day + timedelta(days=rng.randrange(most))


@pytest.fixture
def caseload(app: FastAPI, cast: Cast) -> list[Child]:
    """300 children with random dates around the 2025–2026 periods, stored with their milestones."""
    rng = random.Random(20261122)
    made = []
    with Session(app.state.engine) as db:
        for n in range(300):
            born = random_day(rng, date(2019, 6, 1), date(2026, 1, 1))
            identified = random_day(rng, max(born, date(2024, 1, 1)), date(2026, 12, 31))
            closed = maybe(rng, identified, 700)
            offered = maybe(rng, identified, 300)
            started = maybe(rng, offered, 120) if offered else None
            completed = maybe(rng, started, 200) if started else None
            met = completed if completed and rng.random() < 0.5 else None
            child = Child(
                reference=f"R-{n}",
                date_of_birth=born,
                attachment_status=rng.choice(list(AttachmentStatus)),
                identified_on=identified,
                closed_on=closed,
                care_status=rng.choice(CARE),
                ethnicity=rng.choice(ETHNICITY),
                disability=rng.choice(list(Disability)),
                team_id=rng.choice(list(cast.team_ids.values())),
                first_offered_on=offered,
                first_started_on=started,
                first_completed_on=completed,
                first_completed_met_on=met,
                created_at=T0,
                updated_at=T0,
            )
            db.add(child)
            made.append(child)
        db.commit()
        for child in made:
            db.refresh(child)
            db.expunge(child)
    return made


def expected(
    children: list[Child], start: date, end: date, group_by: str | None, teams: dict[str, str]
) -> tuple[Counts, dict[str, Counts]]:
    total = Counts()
    groups: dict[str, Counts] = defaultdict(Counts)
    for c in children:
        record = ChildRecord(c.date_of_birth, c.identified_on, c.closed_on)
        done = Milestones(
            c.first_offered_on, c.first_started_on, c.first_completed_on, c.first_completed_met_on
        )
        counts = counts_for(record, done, start, end)
        if not counts.denominator:
            continue
        total += counts
        if group_by == "age_band":
            key = age_band(record, start, end)
        elif group_by == "team":
            key = teams[c.team_id]
        elif group_by == "ethnicity":
            key = c.ethnicity or reports.NOT_RECORDED
        elif group_by is not None:
            key = str(getattr(c, group_by).value)
        if group_by is not None:
            groups[str(key)] += counts
    return total, dict(groups)


PERIODS = [
    (date(2025, 1, 1), date(2025, 3, 31)),
    (date(2025, 4, 1), date(2026, 3, 31)),
    (date(2026, 2, 28), date(2026, 2, 28)),  # one day
    (date(2024, 2, 29), date(2027, 2, 28)),
]


@pytest.mark.parametrize(
    "group_by",
    [None, "care_status", "ethnicity", "disability", "attachment_status", "team", "age_band"],
)
def test_the_database_counts_exactly_what_the_rules_say(
    app: FastAPI, caseload: list[Child], cast: Cast, group_by: str | None
) -> None:
    teams = {cast.team_ids["north"]: "North Team", cast.team_ids["south"]: "South Team"}
    rng = random.Random(5)
    periods = PERIODS + [
        tuple(sorted(random_day(rng, date(2024, 1, 1), date(2027, 6, 1)) for _ in range(2)))
        for _ in range(6)
    ]
    with Session(app.state.engine) as db:
        for start, end in periods:
            report = reports.statement3(db=db, by=None, start=start, end=end, group_by=group_by)
            total, groups = expected(caseload, start, end, group_by, teams)
            assert report.total == total, (start, end)
            assert {g.key: g.counts for g in report.groups} == groups, (start, end, group_by)
    assert total.denominator > 20  # the caseload exercises the rules, not an empty table


# -- through the API ----------------------------------------------------------------------------

Q1 = {"from": "2026-01-01", "to": "2026-03-31"}


def test_the_statement3_report_through_the_api(
    family: Family, as_: Callable[[str], Caller]
) -> None:
    manager = as_("manager_a")
    body = manager.ok("GET", "/api/reports/statement3", params=Q1)
    assert body["from"] == "2026-01-01" and body["to"] == "2026-03-31"
    assert (body["denominator"], body["numerator"], body["proportion"]) == (1, 1, 1.0)
    assert (body["offered"], body["started"], body["completed"]) == (1, 1, 0)
    assert body["completed_to_fidelity"] == 0 and body["groups"] == []
    # the only held session (20 Feb) after the period's end: offered, not started
    early = manager.ok(
        "GET", "/api/reports/statement3", params={"from": "2026-01-01", "to": "2026-02-19"}
    )
    assert (early["denominator"], early["offered"], early["numerator"]) == (1, 1, 0)
    grouped = manager.ok("GET", "/api/reports/statement3", params=Q1 | {"group_by": "age_band"})
    assert [(g["key"], g["denominator"], g["numerator"]) for g in grouped["groups"]] == [
        ("1-2", 1, 1)
    ]
    hidden = manager.ok(
        "GET",
        "/api/reports/statement3",
        params=Q1 | {"group_by": "care_status", "suppress": "true"},
    )
    assert hidden["denominator"] == 1  # the total is not suppressed
    [group] = hidden["groups"]
    assert (group["key"], group["denominator"], group["numerator"], group["proportion"]) == (
        "edge_of_care", "<5", "<5", "<5",
    )  # fmt: skip
    assert (
        manager.get("/api/reports/statement3", params=Q1 | {"group_by": "shoe_size"}).status_code
        == 422
    )
    backwards = manager.get(
        "/api/reports/statement3", params={"from": "2026-03-31", "to": "2026-01-01"}
    )
    assert backwards.status_code == 400 and "must end on or after" in backwards.json()["detail"]


def test_the_statement3_report_as_csv(family: Family, as_: Callable[[str], Caller]) -> None:
    response = as_("supervisor_a").get(
        "/api/reports/statement3",
        params=Q1 | {"group_by": "disability"},
        headers={"Accept": "text/csv"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["key"], r["denominator"], r["numerator"], r["proportion"]) for r in rows] == [
        ("all", "1", "1", "1.0"),
        ("no", "1", "1", "1.0"),
    ]


@pytest.mark.parametrize(("who", "status"), [("worker_a1", 403), ("admin", 403)])
def test_reports_are_for_managers_and_supervisors(
    family: Family, as_: Callable[[str], Caller], who: str, status: int
) -> None:
    for path in ("/api/reports/statement3", "/api/reports/fidelity", "/api/reports/alerts"):
        assert as_(who).get(path, params=Q1).status_code == status


def test_another_teams_report_is_not_found_and_your_own_is_yours(
    family: Family, as_: Callable[[str], Caller], cast: Cast
) -> None:
    other = as_("manager_b")
    refused = other.get("/api/reports/statement3", params=Q1 | {"team_id": cast.team_ids["north"]})
    assert refused.status_code == 404
    own = other.ok("GET", "/api/reports/statement3", params=Q1)
    assert (own["denominator"], own["proportion"]) == (0, None)
    assert other.ok("GET", "/api/reports/fidelity")["count"] == 0


def test_the_trend_is_one_figure_per_quarter(family: Family, as_: Callable[[str], Caller]) -> None:
    points = as_("manager_a").ok(
        "GET", "/api/reports/statement3/quarters", params={"to": "2026-03-31", "count": 3}
    )
    assert [(p["from"], p["to"], p["denominator"], p["numerator"]) for p in points] == [
        ("2025-07-01", "2025-09-30", 1, 0),
        ("2025-10-01", "2025-12-31", 1, 0),
        ("2026-01-01", "2026-03-31", 1, 1),
    ]


# -- the fidelity list and alerts --------------------------------------------------------------


def later(client: TestClient, username: str) -> Caller:
    """Signed in afresh, after the clock has moved on past the cast's sign-ins."""
    form = {"username": username, "password": PASSWORD}
    return Caller(client, client.post("/api/auth/token", data=form).json()["access_token"])


def test_the_fidelity_list_shows_each_programme_with_its_verdict_now(
    family: Family, as_: Callable[[str], Caller], clock: FakeClock, client: TestClient
) -> None:
    manager = as_("manager_a")
    listed = manager.ok("GET", "/api/reports/fidelity")
    [row] = listed["data"]
    assert (row["programme_id"], row["child_reference"], row["worker"]) == (
        family.programme, "C-100", "worker_a1",
    )  # fmt: skip
    assert (row["verdict"], row["failing"], row["held_sessions"]) == ("on_track", [], 1)
    assert listed["verdicts"] == {"on_track": 1}
    assert manager.ok("GET", "/api/reports/fidelity", params={"verdict": "off_track"})["count"] == 0
    assert manager.ok("GET", "/api/reports/fidelity", params={"status": "completed"})["count"] == 0
    assert manager.ok("GET", "/api/reports/fidelity", params={"to": "2026-01-04"})["count"] == 0
    # four months after the first session with no later one: the span can no longer be met
    clock.advance(days=121)
    [row] = later(client, "manager_a").ok("GET", "/api/reports/fidelity")["data"]
    assert (row["verdict"], row["failing"]) == ("off_track", ["span"])
    scorecard = later(client, "worker_a1").ok("GET", f"/api/programmes/{family.programme}/fidelity")
    assert scorecard["verdict"] == "off_track"  # the list and the scorecard agree


def test_alerts_name_what_needs_attention(
    family: Family, as_: Callable[[str], Caller], clock: FakeClock, client: TestClient
) -> None:
    manager = as_("manager_a")
    assert manager.ok("GET", "/api/reports/alerts") == []
    body = session_body(number=2, held_on="2026-02-27", duration_minutes=45, filmed_seconds=500)
    as_("worker_a1").ok("POST", f"/api/programmes/{family.programme}/sessions", 201, json=body)
    found = {(a["code"], a["detail"]) for a in manager.ok("GET", "/api/reports/alerts")}
    assert ("session_length", "Session 2 lasted 45 minutes.") in {(c, d) for c, d in found}
    assert any(code == "filming" and "session 2" in detail.lower() for code, detail in found)
    clock.advance(days=20)  # 22 March: 23 days after the last session
    manager = later(client, "manager_a")
    codes = [a["code"] for a in manager.ok("GET", "/api/reports/alerts")]
    assert "quiet" in codes
    [row] = manager.ok("GET", "/api/reports/fidelity")["data"]
    assert set(row["failing"]) >= {"session_length", "filming"} and row["verdict"] == "off_track"


def test_a_completed_programme_delivered_to_fidelity_counts_as_such(
    family: Family, clock: FakeClock, client: TestClient
) -> None:
    clock.advance(days=60)  # 1 May 2026
    worker, manager = later(client, "worker_a1"), later(client, "manager_a")
    first = date(2026, 1, 6)
    highlights = ["sensitivity", "strengths", "positive_change"]
    for n in range(10):  # every 10 days from 6 January to 6 April: 3 months exactly
        body = session_body(
            number=n + 2, held_on=(first + timedelta(days=10 * n)).isoformat(),
            review_highlights=highlights,
        )  # fmt: skip
        worker.ok("POST", f"/api/programmes/{family.programme}/sessions", 201, json=body)
    worker.ok(
        "PATCH",
        f"/api/programmes/{family.programme}",
        json={"status": "completed", "ended_on": "2026-04-10"},
    )
    card = worker.ok("GET", f"/api/programmes/{family.programme}/fidelity")
    assert card["verdict"] == "met", card
    q2 = {"from": "2026-04-01", "to": "2026-06-30"}
    report = manager.ok("GET", "/api/reports/statement3", params=q2)
    assert (report["completed"], report["completed_to_fidelity"]) == (1, 1)
    before = manager.ok("GET", "/api/reports/statement3", params=Q1)
    assert (before["completed"], before["completed_to_fidelity"]) == (0, 0)
    # a session found to be 50 minutes long after all: no longer delivered to fidelity
    sessions = worker.ok("GET", f"/api/programmes/{family.programme}/sessions")
    worker.ok("PATCH", f"/api/sessions/{sessions[3]['id']}", json={"duration_minutes": 50})
    report = manager.ok("GET", "/api/reports/statement3", params=q2)
    assert (report["completed"], report["completed_to_fidelity"]) == (1, 0)

    # outcomes: the carer's scores before and after, and a placement breakdown in the period
    scale = "CARE-Index sensitivity"
    for value, timing, day in (
        (3, "before", "2025-12-01"),
        (4, "before", "2025-12-15"),
        (6, "after", "2026-04-20"),
    ):
        body = {
            "child_id": family.child,
            "scale": scale,
            "value": value,
            "timing": timing,
            "measured_on": day,
        }
        worker.ok("POST", "/api/carer-scores", 201, json=body)
    body = {"child_id": family.child, "occurred_on": "2026-05-01", "note": "Moved to respite"}
    worker.ok("POST", "/api/placement-breakdowns", 201, json=body)
    assert len(worker.ok("GET", f"/api/children/{family.child}/carer-scores")) == 3
    found = manager.ok("GET", "/api/reports/outcomes", params=q2)
    assert found["scales"] == [
        {"scale": scale, "children": 1, "mean_before": 3.5, "mean_after": 6.0, "mean_change": 2.5}
    ]
    assert found["breakdowns"] == {
        "denominator": 1, "children_with_breakdown": 1, "rate": 1.0, "reached_rate": 1.0,
    }  # fmt: skip
    earlier = manager.ok("GET", "/api/reports/outcomes", params=Q1)
    assert earlier["scales"] == [] and earlier["breakdowns"]["children_with_breakdown"] == 0


# -- the CLI -------------------------------------------------------------------------------------


def test_the_cli_prints_the_report_and_writes_csv(
    family: Family, database_url: str, settings: Any, tmp_path: Path
) -> None:
    env = {
        "VFB_DATA_DIR": str(settings.data_dir),
        "VFB_DATABASE_URL": database_url,
        "VFB_SECRET_KEY": settings.secret_key.get_secret_value(),
    }
    target = tmp_path / "q1.csv"
    result = CliRunner().invoke(
        cli,
        ["report", "statement3", "--from", "2026-01-01", "--to", "2026-03-31",
         "--group-by", "care_status", "--csv", str(target)],
        env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "QS133 statement 3" in result.output and "edge" in result.output
    assert "100.0%" in result.output
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert [(r["key"], r["numerator"]) for r in rows] == [("all", "1"), ("edge_of_care", "1")]
    wrong = CliRunner().invoke(
        cli, ["report", "statement3", "--from", "31/01/2026", "--to", "2026-03-31"], env=env
    )
    assert wrong.exit_code == 1 and "like 2026-01-31" in wrong.output


def test_cancelled_and_missed_visits_do_not_start_a_programme(
    family: Family, as_: Callable[[str], Caller]
) -> None:
    worker, manager = as_("worker_a1"), as_("manager_a")
    for status in ("cancelled", "did_not_attend"):
        worker.ok("PATCH", f"/api/sessions/{family.session}", json={"status": status})
        report = manager.ok("GET", "/api/reports/statement3", params=Q1)
        assert (report["denominator"], report["offered"], report["numerator"]) == (1, 1, 0)
    worker.ok("PATCH", f"/api/sessions/{family.session}", json={"status": "held"})
    assert manager.ok("GET", "/api/reports/statement3", params=Q1)["numerator"] == 1


def test_dates_out_of_any_reporting_range_are_explained(
    family: Family, as_: Callable[[str], Caller]
) -> None:
    manager = as_("manager_a")
    far = manager.get("/api/reports/statement3/quarters", params={"to": "0001-02-01"})
    assert far.status_code == 400 and "from 1900 to 2200" in far.json()["detail"]
    far = manager.get("/api/reports/statement3", params={"from": "2026-01-01", "to": "9999-12-31"})
    assert far.status_code == 400


def test_a_change_to_the_workers_training_reaches_the_fidelity_list(
    family: Family, as_: Callable[[str], Caller], cast: Cast
) -> None:
    manager = as_("manager_a")
    [row] = manager.ok("GET", "/api/reports/fidelity")["data"]
    assert "trained_worker" not in row["failing"]
    worker = f"/api/users/{cast.user_ids['worker_a1']}"
    as_("admin").ok("PATCH", worker, json={"trained_on": "2026-03-01"})  # after the 1st session
    [row] = manager.ok("GET", "/api/reports/fidelity")["data"]
    assert "trained_worker" in row["failing"] and row["verdict"] == "off_track"
    as_("admin").ok("PATCH", worker, json={"disabled": False})  # not training: nothing moves
    [again] = manager.ok("GET", "/api/reports/fidelity")["data"]
    assert again == row
