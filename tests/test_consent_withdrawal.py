"""Withdrawing consent to filming or storage deletes every media file of the programme (clips,
originals, review media, recordings in progress, reels) and says so; the records that hold no
footage stay. Withdrawing another consent deletes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI

from tests.conftest import Family
from tests.media import Samples
from tests.support import Caller
from tests.test_clips import imported, media_files
from tests.test_recordings import put
from tests.test_reels import share_consent, wait_for_reel

pytestmark = pytest.mark.media


def consent_for(worker: Caller, family: Family, scope: str) -> str:
    if scope == "filming":
        return family.consent
    body = {"programme_id": family.programme, "carer_id": family.carer, "scope": scope}
    return str(
        worker.ok("POST", "/api/consents", 201, json=body | {"given_on": "2026-01-10"})["id"]
    )


@pytest.mark.parametrize("scope", ["filming", "storage"])
def test_withdrawing_consent_leaves_no_byte_of_footage_and_keeps_the_records(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples, scope: str
) -> None:
    worker = as_("worker_a1")
    withdrawn = consent_for(worker, family, scope)
    clip = imported(worker, family.session, samples.get("indexed.mp4"))
    moment = worker.ok(
        "POST",
        f"/api/clips/{clip['id']}/moments",
        201,
        json={
            "start_ms": 1000,
            "category": "sensitivity",
            "note": "kept",
            "share_with_carer": True,
        },
    )
    share_consent(worker, family)
    reel = worker.ok(
        "POST",
        f"/api/programmes/{family.programme}/reels",
        202,
        json={"moment_ids": [moment["id"]]},
    )
    assert wait_for_reel(worker, reel["id"])["status"] == "ready"
    recording = worker.ok("POST", f"/api/sessions/{family.session}/recordings", 201, json={})
    put(worker, recording["id"], 0, samples.get("browser.webm").read_bytes()[:50_000])
    session_before = worker.ok("GET", f"/api/sessions/{family.session}")
    assert len(media_files(app)) >= 6  # source, clip, poster, thumbnails (×2), peaks, reel, chunks

    done = worker.ok("PATCH", f"/api/consents/{withdrawn}", json={"withdrawn_on": "2026-03-01"})
    assert done["active"] is False
    assert "All footage of this programme was deleted: 1 clip(s)" in done["footage_deleted"]
    assert "1 recording(s) in progress and 1 reel(s)" in done["footage_deleted"]

    assert media_files(app) == []  # not one byte left, temporary pieces included
    assert not (app.state.store.root / family.programme).exists()
    gone = worker.ok("GET", f"/api/clips/{clip['id']}")
    assert gone["status"] == "deleted" and "consent was withdrawn on 1 March 2026" in gone["detail"]
    for path in ("media", "poster", "still"):
        response = worker.get(f"/api/clips/{clip['id']}/{path}")
        assert response.status_code == 409, (path, response.text)
    assert worker.get(f"/api/reels/{reel['id']}").status_code == 404
    refused = worker.request(
        "PUT",
        f"/api/recordings/{recording['id']}/chunks/1",
        content=b"more",
        headers={"Content-Type": "application/octet-stream"},
    )
    assert refused.status_code == 409 and "was withdrawn" in refused.json()["detail"]
    # the records stay: the session's filmed time, the moment, the sha256 of what was filmed
    assert worker.ok("GET", f"/api/sessions/{family.session}") == session_before
    [kept] = worker.ok("GET", f"/api/clips/{clip['id']}/moments")
    assert kept["note"] == "kept"
    assert gone["sha256"] == clip["sha256"] and gone["duration_ms"] == clip["duration_ms"]


def test_withdrawing_consent_to_share_deletes_no_footage(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    imported(worker, family.session, samples.get("indexed.mp4"))
    share = consent_for(worker, family, "share_with_carer")
    before = media_files(app)
    done = worker.ok("PATCH", f"/api/consents/{share}", json={"withdrawn_on": "2026-03-01"})
    assert done["footage_deleted"] is None
    assert media_files(app) == before
