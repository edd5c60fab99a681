"""Browser recordings arrive in chunks: each stored durably once, in order; an abandoned one is
finalised as *recovered* with everything acknowledged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI

from tests.support import Caller, FakeClock, Family
from tests.support.api import put, wait_ready
from tests.support.media import Samples


def chunks_of(path: Path, count: int) -> list[bytes]:
    data = path.read_bytes()
    size = -(-len(data) // count)
    return [data[i : i + size] for i in range(0, len(data), size)]


def test_chunks_are_stored_once_in_order_and_become_a_clip(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    source = samples.get("browser.webm")
    recording = worker.ok(
        "POST",
        f"/api/sessions/{family.session}/recordings",
        201,
        json={"mime_type": "video/webm;codecs=vp9,opus"},
    )
    assert recording["chunks"] == 0 and recording["free_bytes"] > 0
    pieces = chunks_of(source, 5)
    total = 0
    for index, piece in enumerate(pieces):
        total += len(piece)
        acked = put(worker, recording["id"], index, piece)
        assert (acked["chunks"], acked["bytes"]) == (index + 1, total)
        again = put(worker, recording["id"], index, piece)  # a resend after a lost answer
        assert (again["chunks"], again["bytes"]) == (index + 1, total)
    early = put(worker, recording["id"], len(pieces) + 1, b"later", expected=409)
    assert early["error"] == "chunk_out_of_order" and early["expected"] == len(pieces)
    clip = worker.ok("POST", f"/api/recordings/{recording['id']}/finish", 201)
    assert clip["origin"] == "recording" and clip["recovered"] is False
    stored = app.state.store.source_file(family.programme, clip["id"], ".webm").read_bytes()
    assert stored == source.read_bytes()  # every byte once, in order
    assert worker.ok("POST", f"/api/recordings/{recording['id']}/finish", 201)["id"] == clip["id"]
    late = put(worker, recording["id"], len(pieces), b"more", expected=409)
    assert "already been stopped" in late["detail"]
    ready = wait_ready(worker, clip["id"])
    assert ready["status"] == "ready" and ready["video_codec"] == "vp9"  # copied as it came
    assert abs(ready["duration_ms"] - 3000) <= 100


def test_an_abandoned_recording_is_recovered_with_what_was_acknowledged(
    app: FastAPI,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    clock: FakeClock,
) -> None:
    worker = as_("worker_a1")
    pieces = chunks_of(samples.get("browser.webm"), 6)
    recording = worker.ok("POST", f"/api/sessions/{family.session}/recordings", 201, json={})
    for index, piece in enumerate(pieces[:4]):  # then the tab closes
        put(worker, recording["id"], index, piece)
    app.state.jobs.run_once()
    assert worker.ok("GET", f"/api/recordings/{recording['id']}")["status"] == "open"
    clock.advance(seconds=app.state.settings.recording_idle_seconds + 1)
    app.state.jobs.run_once()
    found = worker.ok("GET", f"/api/recordings/{recording['id']}")
    assert found["status"] == "finished"
    clip = wait_ready(worker, found["clip_id"])
    assert clip["recovered"] is True and clip["status"] == "ready"
    assert 1000 <= clip["duration_ms"] < 3000  # what arrived, and no more


def test_finishing_with_nothing_recorded_says_so(
    family: Family, as_: Callable[[str], Caller]
) -> None:
    worker = as_("worker_a1")
    recording = worker.ok("POST", f"/api/sessions/{family.session}/recordings", 201, json={})
    refused = worker.post(f"/api/recordings/{recording['id']}/finish")
    assert refused.status_code == 409 and "Nothing was recorded" in refused.json()["detail"]


def test_a_nearly_full_disk_refuses_chunks_and_keeps_what_was_saved(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    pieces = chunks_of(samples.get("browser.webm"), 4)
    recording = worker.ok("POST", f"/api/sessions/{family.session}/recordings", 201, json={})
    put(worker, recording["id"], 0, pieces[0])
    put(worker, recording["id"], 1, pieces[1])
    app.state.settings.min_free_mb = 1 << 40  # more than any disk has free
    full = put(worker, recording["id"], 2, pieces[2], expected=507)
    assert full["error"] == "disk_full" and "Everything recorded so far is kept" in full["detail"]
    clip = worker.ok("POST", f"/api/recordings/{recording['id']}/finish", 201)
    stored = app.state.store.source_file(family.programme, clip["id"], ".webm").read_bytes()
    assert stored == pieces[0] + pieces[1]
