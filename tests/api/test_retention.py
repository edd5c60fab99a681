"""Retention: originals go VFB_RETAIN_RAW_DAYS after their clip is made, all of a programme's
footage VFB_RETAIN_FOOTAGE_DAYS after it ends; `vfb purge [--dry-run]` and the server's daily
run delete it and log it, and nothing else."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from tests.support import Caller, FakeClock, Family, cli_env
from tests.support.api import imported, media_files
from tests.support.media import Samples
from vfb.cli.main import app as cli
from vfb.services.protection.retention import DailyPurge, RetentionPolicy
from vfb.settings import Settings


@pytest.fixture
def filmed(family: Family, as_: Callable[[str], Caller], samples: Samples) -> Any:
    return imported(as_("worker_a1"), family.session, samples.get("indexed.mp4"))


def originals(app: FastAPI) -> list[Path]:
    return [p for p in media_files(app) if p.name.startswith("source")]


def test_an_original_goes_when_its_retention_ends_and_the_clip_stays(
    app: FastAPI, filmed: Any, clock: FakeClock, client: Any
) -> None:
    assert len(originals(app)) == 1
    clock.advance(days=29)
    assert app.state.purge.run_once().expired == []
    clock.advance(days=1)  # 30 days after the clip was made
    report = app.state.purge.run_once()
    assert [(e.kind, e.clip_id) for e in report.expired] == [("original", filmed["id"])]
    assert originals(app) == []
    clip_file = [p for p in media_files(app) if p.name == "clip.mp4"]
    assert len(clip_file) == 1  # the playable clip and its review media stay
    assert app.state.purge.run_once().expired == []  # nothing twice


def test_a_programmes_footage_goes_when_its_retention_after_the_end_passes(
    app: FastAPI,
    family: Family,
    filmed: Any,
    as_: Callable[[str], Caller],
    clock: FakeClock,
    client: Any,
) -> None:
    worker = as_("worker_a1")
    worker.ok(
        "PATCH",
        f"/api/programmes/{family.programme}",
        json={"status": "withdrawn", "ended_on": "2026-03-02"},
    )
    clock.advance(days=89)
    assert all(e.kind == "original" for e in app.state.purge.run_once().expired)
    assert any(p.name == "clip.mp4" for p in media_files(app))
    clock.advance(days=1)  # 90 days after the programme ended
    report = app.state.purge.run_once()
    assert [e.kind for e in report.expired] == ["footage"]
    assert media_files(app) == []
    assert app.state.purge.run_once().expired == []  # a purged programme is not found again
    # the records stay, and say why the footage went
    worker = fresh(client, "worker_a1")
    clip = worker.ok("GET", f"/api/clips/{filmed['id']}")
    assert clip["status"] == "deleted" and "retention" in clip["detail"]
    assert clip["sha256"] == filmed["sha256"]
    assert worker.ok("GET", f"/api/sessions/{family.session}")["filmed_seconds"] is not None
    rows = fresh(client, "manager_a").ok("GET", "/api/audit", params={"action": "footage.delete"})[
        "data"
    ]
    assert len(rows) == 1 and rows[0]["role"] == "system" and "90 days" in rows[0]["detail"]


def fresh(client: Any, username: str) -> Caller:
    token = client.post(
        "/api/auth/token", data={"username": username, "password": "correct horse battery"}
    ).json()["access_token"]
    return Caller(client, token)


def test_vfb_purge_dry_run_says_what_would_go_and_deletes_nothing(
    app: FastAPI, filmed: Any, settings: Settings
) -> None:
    env = cli_env(settings)
    runner = CliRunner()
    # the command line's calendar is the real one, months after the test's clip was made
    kept = runner.invoke(cli, ["purge", "--dry-run"], env=env | {"VFB_RETAIN_RAW_DAYS": "3650"})
    assert kept.exit_code == 0, kept.output
    assert "nothing to delete" in kept.output
    dry = runner.invoke(cli, ["purge", "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert "Would delete 1 item(s)" in dry.output and filmed["id"][:8] in dry.output
    assert len(originals(app)) == 1
    done = runner.invoke(cli, ["purge"], env=env)
    assert done.exit_code == 0, done.output
    assert "Deleted 1 item(s)" in done.output
    assert originals(app) == []
    bad = runner.invoke(cli, ["purge"], env=env | {"VFB_RETAIN_RAW_DAYS": "-1"})
    assert bad.exit_code == 1 and "VFB_RETAIN_RAW_DAYS" in bad.output


def test_the_server_purges_on_its_own_every_day(
    app: FastAPI, filmed: Any, clock: FakeClock
) -> None:
    clock.advance(days=31)
    daily = DailyPurge(
        app.state.engine,
        app.state.store,
        clock,
        RetentionPolicy(raw_days=30, footage_days=90),
        every=timedelta(seconds=0.05),
        first_after=timedelta(seconds=0.05),
    )
    daily.start()
    try:
        deadline = time.monotonic() + 10
        while originals(app) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        daily.stop()
    assert originals(app) == []
