"""The media workers take the shortest job first: a reel (someone is waiting for it in the room)
before any clip, and a small import before a big one that came earlier; but a clip that has
waited a quarter of an hour goes first, so no import waits for ever."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from sqlmodel import Session

from tests.support import Caller, FakeClock, Family
from tests.support.api import import_file, mark, share_consent
from tests.support.media import Samples
from vfb.models import Clip, Reel
from vfb.services.infra.media_worker import MediaJobs


def one_at_a_time(app: FastAPI) -> MediaJobs:
    """The server's workers stopped, and one in their place that works only when told to."""
    running = app.state.jobs
    running.stop()
    return MediaJobs(running.engine, running.store, running.now, running.idle, workers=1)


def statuses(worker: Caller, clips: list[Any], reel: Any) -> list[str]:
    return [worker.ok("GET", f"/api/clips/{c['id']}")["status"] for c in clips] + [
        worker.ok("GET", f"/api/reels/{reel['id']}")["status"]
    ]


def test_a_reel_and_a_small_import_do_not_wait_for_a_big_import(
    app: FastAPI, family: Family, clip: Any, as_: Callable[[str], Caller], samples: Samples
) -> None:
    jobs = one_at_a_time(app)
    worker = as_("worker_a1")
    big, small = sorted(
        [samples.get("webcam.webm"), samples.get("indexed.mp4")], key=lambda p: -p.stat().st_size
    )
    assert big.stat().st_size > 2 * small.stat().st_size
    first = import_file(worker, family.session, big)  # the older job
    second = import_file(worker, family.session, small)
    share_consent(worker, family)
    moment = mark(
        worker, clip["id"], start_ms=1000, end_ms=2000, category="strengths", share_with_carer=True
    )
    body = {"moment_ids": [moment["id"]]}
    reel = worker.ok("POST", f"/api/programmes/{family.programme}/reels", 202, json=body)
    assert statuses(worker, [first, second], reel) == ["processing", "processing", "building"]

    assert jobs.run_once()
    assert statuses(worker, [first, second], reel) == ["processing", "processing", "ready"]
    assert jobs.run_once()
    assert statuses(worker, [first, second], reel) == ["processing", "ready", "ready"]
    assert jobs.run_once()
    assert statuses(worker, [first, second], reel) == ["ready", "ready", "ready"]


def test_a_big_import_that_has_waited_a_quarter_of_an_hour_goes_first(
    app: FastAPI,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    clock: FakeClock,
) -> None:
    jobs = one_at_a_time(app)
    worker = as_("worker_a1")
    big = import_file(worker, family.session, samples.get("webcam.webm"))
    clock.advance(minutes=16)
    small = import_file(worker, family.session, samples.get("indexed.mp4"))
    assert jobs.run_once()
    assert [worker.ok("GET", f"/api/clips/{c['id']}")["status"] for c in (big, small)] == [
        "ready",
        "processing",
    ]


def test_a_job_another_worker_finished_since_it_was_listed_is_not_claimed_again(
    app: FastAPI, clip: Any, reel: Any
) -> None:
    """A worker lists the waiting jobs, then claims them one by one: one another worker has
    finished in between (its claim given back) is passed over, not made a second time."""
    jobs = one_at_a_time(app)
    with Session(jobs.engine) as db:
        assert not jobs.claim(db, Clip, clip["id"])  # ready, with no claim on it
        assert not jobs.claim(db, Reel, reel["id"])
        made = db.get(Reel, reel["id"])
        assert made is not None and made.claimed_by is None and made.status == "ready"


def test_a_worker_that_stops_gives_its_jobs_back(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    """Stopped (Ctrl-C, SIGTERM, a redeploy), a worker's unfinished job is free for the next one
    at once, not after a minute of silence."""
    jobs = one_at_a_time(app)
    waiting = import_file(as_("worker_a1"), family.session, samples.get("browser.webm"))
    with Session(jobs.engine) as db:
        assert jobs.claim(db, Clip, waiting["id"])
        taken = db.get(Clip, waiting["id"])
        assert taken is not None and taken.claimed_by == jobs.name
    jobs.stop()
    with Session(jobs.engine) as db:
        given_back = db.get(Clip, waiting["id"])
        assert given_back is not None and given_back.status == "processing"
        assert given_back.claimed_by is None and given_back.claimed_at is None
    other = one_at_a_time(app)
    with Session(other.engine) as db:
        assert other.claim(db, Clip, waiting["id"])
