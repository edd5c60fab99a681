"""Reports benchmark: a synthetic caseload the size of a whole country's (100,000 children, about
1,000,000 sessions), then the time of the statement 3 report (plain and with each `group_by`) and
of the team fidelity list, on SQLite and, where a PostgreSQL URL is given, PostgreSQL.

    .venv/bin/python bench/reports.py [--children N] [--postgres URL]
    scripts/with-postgres "$PWD/.pg" 55432 sh -c \
        '.venv/bin/python bench/reports.py --postgres "$VFB_TEST_DATABASE_URL"'

The caseload is generated once per database (kept in bench/.data/ for SQLite), through the same
migrations as the app; each programme's stored verdict is computed by vfb's own fidelity rules.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vfb.db import make_engine, upgrade  # noqa: E402
from vfb.models import (  # noqa: E402
    Assessment,
    Child,
    Programme,
    ProgrammeSession,
    Team,
    User,
)
from vfb.models.base import new_id  # noqa: E402
from vfb.programme.fidelity import ProgrammeRecord, Visit, stored_judgement  # noqa: E402
from vfb.programme.measure import GROUP_FIELDS, birthdays  # noqa: E402
from vfb.programme.programme_models import load_model  # noqa: E402
from vfb.services.reports.alerts import alerts  # noqa: E402
from vfb.services.reports.fidelity_list import fidelity_list  # noqa: E402
from vfb.services.reports.statement3 import statement3  # noqa: E402
from vfb.vocabulary import (  # noqa: E402
    AttachmentStatus,
    CareStatus,
    Disability,
    Highlight,
    Location,
    ProgrammeStatus,
    SessionStatus,
    Verdict,
)

DATA = ROOT / "bench" / ".data"
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
PERIOD = (date(2025, 4, 1), date(2026, 3, 31))
MODEL = load_model("nice-ng26")
ETHNICITIES = [None, "White British", "White other", "Mixed", "Asian", "Black", "Other"]
HIGHLIGHTS = list(Highlight)


def caseload(engine: Engine, children: int, seed: int = 7) -> None:
    """Teams, workers, children, assessments, programmes and sessions, with derived fields."""
    rng = random.Random(seed)
    teams = [{"id": new_id(), "name": f"Team {n + 1}", "created_at": NOW} for n in range(20)]
    workers = []
    for n in range(200):
        trained = None if rng.random() < 0.08 else date(2024, 1, 1) + timedelta(rng.randrange(700))
        workers.append({
            "id": new_id(), "username": f"worker{n}", "password_hash": "x", "role": "worker",
            "team_id": teams[n % 20]["id"], "trained_on": trained, "disabled": False,
            "created_at": NOW,
        })  # fmt: skip
    rows: dict[str, list[dict[str, Any]]] = {
        "child": [],
        "assessment": [],
        "programme": [],
        "session": [],
    }
    for n in range(children):
        born = date(2019, 1, 1) + timedelta(rng.randrange(2740))
        identified = max(born, date(2023, 1, 1)) + timedelta(rng.randrange(500))
        closed = identified + timedelta(rng.randrange(20, 900)) if rng.random() < 0.3 else None
        worker = rng.choice(workers)
        child_id = new_id()
        child = {
            "id": child_id, "reference": f"C-{n}", "date_of_birth": born,
            "attachment_status": rng.choice(list(AttachmentStatus)).value,
            "identified_on": identified, "closed_on": closed,
            "care_status": rng.choice(list(CareStatus)).value,
            "ethnicity": rng.choice(ETHNICITIES), "disability": rng.choice(list(Disability)).value,
            "team_id": worker["team_id"], "worker_id": worker["id"],
            "created_at": NOW, "updated_at": NOW,
        }  # fmt: skip
        child |= dict(
            zip(
                ("turns_1_on", "turns_2_on", "turns_3_on", "turns_4_on", "turns_5_on"),
                birthdays(born),
                strict=True,
            )
        )
        assessed = identified + timedelta(rng.randrange(-30, 90)) if rng.random() < 0.85 else None
        if assessed:
            rows["assessment"].append(
                {"id": new_id(), "child_id": child_id, "completed_on": assessed, "created_at": NOW}
            )
        programmes = []
        for _ in range(1 if rng.random() < 0.6 else 2 if rng.random() < 0.2 else 0):
            programmes.append(
                programme(rng, child_id, worker, identified, assessed, rows["session"])
            )
        rows["programme"] += programmes
        done = [p for p in programmes if p["status"] == "completed"]
        child["first_offered_on"] = min((p["offered_on"] for p in programmes), default=None)
        child["first_started_on"] = min(
            (p["first_held_on"] for p in programmes if p["first_held_on"]), default=None
        )
        child["first_completed_on"] = min((p["ended_on"] for p in done), default=None)
        child["first_completed_met_on"] = min(
            (p["ended_on"] for p in done if p["fidelity_verdict"] == Verdict.met), default=None
        )
        rows["child"].append(child)
    with engine.begin() as db:
        db.execute(Team.__table__.insert(), teams)  # type: ignore[attr-defined]
        db.execute(User.__table__.insert(), workers)  # type: ignore[attr-defined]
        for table, model in (
            ("child", Child),
            ("assessment", Assessment),
            ("programme", Programme),
            ("session", ProgrammeSession),
        ):
            batch = rows[table]
            for start in range(0, len(batch), 20000):
                db.execute(model.__table__.insert(), batch[start : start + 20000])  # type: ignore[attr-defined]
    names = {"child": "children", "programme": "programmes", "session": "sessions"}
    made = ", ".join(f"{len(rows[t]):,} {name}" for t, name in names.items())
    print(f"  {made}", flush=True)


def programme(
    rng: random.Random, child_id: str, worker: dict[str, Any], identified: date,
    assessed: date | None, sessions: list[dict[str, Any]],
) -> dict[str, Any]:  # fmt: skip
    offered = identified + timedelta(rng.randrange(0, 200))
    started = rng.random() < 0.75
    status = (
        rng.choice(["completed"] * 4 + ["active"] * 4 + ["withdrawn"])
        if started
        else rng.choice(["offered", "declined"])
    )
    programme_id = new_id()
    visits = []
    day = offered + timedelta(rng.randrange(3, 30))
    if started:
        for number in range(1, rng.randrange(12, 29) + 1):
            held = rng.random()
            state = (
                SessionStatus.held
                if held < 0.85
                else SessionStatus.cancelled
                if held < 0.95
                else SessionStatus.did_not_attend
            )
            shown = frozenset(rng.sample(HIGHLIGHTS, rng.randrange(1, 4)))
            visit = Visit(
                number=number, held_on=day, status=state,
                duration_minutes=rng.choice([45, 60, 60, 65, 70, 75, 90]),
                location=Location.home if rng.random() < 0.95 else Location.other,
                filmed_seconds=rng.randrange(480, 1300), reviewed_with_carer=rng.random() < 0.95,
                review_highlights=shown,
            )  # fmt: skip
            visits.append(visit)
            sessions.append({
                "id": new_id(), "programme_id": programme_id, "number": number,
                "held_on": visit.held_on, "status": visit.status.value,
                "duration_minutes": visit.duration_minutes, "location": visit.location.value,
                "filmed_seconds": visit.filmed_seconds,
                "reviewed_with_carer": visit.reviewed_with_carer,
                "review_minutes": 20, "review_highlights": sorted(h.value for h in shown),
                "created_at": NOW, "updated_at": NOW,
            })  # fmt: skip
            day += timedelta(rng.randrange(5, 12))
    ended = day if status in ("completed", "withdrawn") else None
    record = ProgrammeRecord(
        ProgrammeStatus(status), visits, [assessed] if assessed else [], worker["trained_on"]
    )
    judged = stored_judgement(record, MODEL)
    card, failing = judged.card, judged.failing
    held = [v.held_on for v in visits if v.status is SessionStatus.held]
    return {
        "id": programme_id, "child_id": child_id, "worker_id": worker["id"], "offered_on": offered,
        "accepted": status != "declined", "model": "nice-ng26", "coding_scheme": "nice",
        "status": status, "ended_on": ended, "created_at": NOW, "updated_at": NOW,
        "held_sessions": len(held), "first_held_on": held[0] if held else None,
        "last_held_on": held[-1] if held else None, "fidelity_verdict": card.verdict.value,
        "fidelity_failing": " " + " ".join(c.code for c in failing) + " " if failing else "",
        "fidelity_notes": {c.code.value: c.detail for c in failing},
        "span_deadline": judged.span_deadline,
    }  # fmt: skip


def timed(action: Callable[[], object], runs: int = 3) -> float:
    action()  # warm the cache, as a dashboard in use would be
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(engine: Engine) -> dict[str, float]:
    start, end = PERIOD
    figures = {}
    with Session(engine) as db:
        team = db.exec(text("select id from team order by name limit 1")).scalar_one()  # type: ignore[call-overload]
        figures["statement 3, all teams"] = timed(
            lambda: statement3(db=db, by=None, start=start, end=end)
        )
        for name in GROUP_FIELDS:
            figures[f"  by {name}"] = timed(
                lambda n=name: statement3(db=db, by=None, start=start, end=end, group_by=n)
            )
        figures["statement 3, one team"] = timed(
            lambda: statement3(db=db, by=None, start=start, end=end, team_id=team)
        )
        figures["team fidelity list (first page, count, verdicts), all teams"] = timed(
            lambda: fidelity_list(db=db, by=None, today=TODAY)
        )
        figures["team fidelity list, one team, off track only"] = timed(
            lambda: fidelity_list(
                db=db, by=None, today=TODAY, team_id=team, verdict=Verdict.off_track
            )
        )
        figures["alerts, one team"] = timed(
            lambda: alerts(db=db, by=None, today=TODAY, team_id=team)
        )
        total = statement3(db=db, by=None, start=start, end=end).total
    print(f"  denominator {total.denominator:,}, numerator {total.started:,}", flush=True)
    return figures


def sqlite_engine(children: int) -> Engine:
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"caseload-{children}.sqlite3"
    fresh = not path.exists()
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    if fresh:
        print(f"Generating the caseload in {path.name} (once)…", flush=True)
        try:
            caseload(engine, children)
        except BaseException:
            engine.dispose()
            path.unlink(missing_ok=True)
            raise
    return engine


def postgres_engine(url: str, children: int) -> Engine:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(text("DROP DATABASE IF EXISTS vfb_bench"))
        db.execute(text("CREATE DATABASE vfb_bench"))
    admin.dispose()
    engine = make_engine(url.rsplit("/", 1)[0] + "/vfb_bench")
    upgrade(engine)
    print("Generating the caseload in PostgreSQL…", flush=True)
    caseload(engine, children)
    with engine.begin() as db:
        db.execute(text("ANALYZE"))
    return engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("VFB_BENCH_POSTGRES_URL"))
    args = parser.parse_args()
    results = {}
    engine = sqlite_engine(args.children)
    print("SQLite:", flush=True)
    results["SQLite"] = measure(engine)
    engine.dispose()
    if args.postgres:
        engine = postgres_engine(args.postgres, args.children)
        print("PostgreSQL:", flush=True)
        results["PostgreSQL"] = measure(engine)
        engine.dispose()
    names = list(results)
    print(f"\nvfb reports benchmark · {os.cpu_count()} cores · Python {platform.python_version()}")
    print(f"{args.children:,} children; period {PERIOD[0]} to {PERIOD[1]}; median of 3 warm runs\n")
    print(f"{'report':<62}" + "".join(f"{n:>12}" for n in names) + f"{'target':>12}")
    for label in results["SQLite"]:
        cells = "".join(f"{results[n][label]:>11.3f}s" for n in names)
        print(f"{label:<62}{cells}{'≤ 1 s':>12}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        main()
