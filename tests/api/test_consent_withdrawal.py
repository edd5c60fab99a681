"""Withdrawing consent to filming or storage deletes every media file of the programme (clips,
originals, review media, recordings in progress, reels) and says so; the records that hold no
footage stay. Withdrawing another consent deletes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from sqlmodel import Session

from tests.support import Caller, FakeClock, Family
from tests.support.api import (
    import_file,
    imported,
    media_files,
    put,
    share,
    share_consent,
    wait_for_reel,
    wait_ready,
)
from tests.support.media import Samples
from vfb.models import Clip
from vfb.services.infra.media_worker import media_jobs

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

    confirm = worker.ok("GET", f"/api/consents/{withdrawn}/withdrawal")["confirm"]
    body = {"withdrawn_on": "2026-03-01", "confirm": confirm}
    done = worker.ok("PATCH", f"/api/consents/{withdrawn}", json=body)
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
    assert media_files(app) == []  # the late chunk left nothing either (no lock file, no folder)
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
    preview = worker.ok("GET", f"/api/consents/{share}/withdrawal")
    assert preview["deletes_footage"] is False and preview["clips"] == 0
    assert preview["words"] == "Nothing will be deleted."
    done = worker.ok("PATCH", f"/api/consents/{share}", json={"withdrawn_on": "2026-03-01"})
    assert done["footage_deleted"] is None
    assert media_files(app) == before


def test_the_preview_counts_what_the_withdrawal_then_deletes_and_a_stale_one_deletes_nothing(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    path = f"/api/consents/{family.consent}"
    empty = worker.ok("GET", f"{path}/withdrawal")
    assert (empty["deletes_footage"], empty["clips"], empty["reels"]) == (False, 0, 0)
    assert empty["words"].startswith("Nothing will be deleted")
    assert (empty["given_on"], empty["today"]) == ("2026-01-05", "2026-03-02")

    clip = imported(worker, family.session, samples.get("indexed.mp4"))
    trim = {"from_ms": 0, "to_ms": 4000}
    cut = worker.ok("POST", f"/api/clips/{clip['id']}/trim", 201, json=trim)
    wait_ready(worker, cut["id"])
    moment = worker.ok(
        "POST",
        f"/api/clips/{clip['id']}/moments",
        201,
        json={"start_ms": 1000, "category": "sensitivity", "share_with_carer": True},
    )
    share_consent(worker, family)
    chosen = {"moment_ids": [moment["id"]]}
    reel = worker.ok("POST", f"/api/programmes/{family.programme}/reels", 202, json=chosen)
    assert wait_for_reel(worker, reel["id"])["status"] == "ready"
    share(worker, family, reel)
    share(worker, family, reel)
    revoked = share(worker, family, reel)
    worker.ok("POST", f"/api/share-links/{revoked['id']}/revoke")
    audited_before = len(as_("manager_a").ok("GET", "/api/audit", params={"limit": "500"})["data"])

    # the stale dialog: shown before the footage came, so it may not delete it
    stale = worker.patch(path, json={"withdrawn_on": "2026-03-01", "confirm": empty["confirm"]})
    assert stale.status_code == 409, stale.text
    assert stale.json()["error"] == "footage_changed"
    assert "has changed since it was shown" in stale.json()["detail"]
    blind = worker.patch(path, json={"withdrawn_on": "2026-03-01"})
    assert blind.status_code == 409 and "Ask first what it deletes" in blind.json()["detail"]
    assert worker.ok("GET", path)["active"] is True
    assert worker.ok("GET", f"/api/clips/{clip['id']}")["status"] == "ready"

    preview = worker.ok("GET", f"{path}/withdrawal")
    assert preview["deletes_footage"] is True
    assert (preview["clips"], preview["reels"], preview["share_links"]) == (2, 1, 2)
    minutes_ms = clip["duration_ms"] + 4000
    assert abs(preview["footage_ms"] - minutes_ms) < 100
    assert preview["words"] == (
        "2 clips (12 seconds of footage) and 1 reel will be deleted, "
        "and 2 share links switched off."
    )
    # the preview reads only: no footage deleted, no row in the trail
    after = as_("manager_a").ok("GET", "/api/audit", params={"limit": "500"})["data"]
    assert not any(row["action"] == "footage.delete" for row in after)
    assert len(after) == audited_before + 1  # the first trail read is the only new row
    # only those who may withdraw may ask
    assert as_("worker_b").get(f"{path}/withdrawal").status_code == 404
    assert as_("manager_b").get(f"{path}/withdrawal").status_code == 404
    assert as_("supervisor_a").get(f"{path}/withdrawal").status_code == 403
    refused = as_("supervisor_a").patch(
        path, json={"withdrawn_on": "2026-03-01", "confirm": preview["confirm"]}
    )
    assert refused.status_code == 403
    # the dates the server refuses, in words
    future = worker.patch(path, json={"withdrawn_on": "2026-03-03", "confirm": preview["confirm"]})
    assert future.status_code == 400 and "is in the future" in future.json()["detail"]
    early = worker.patch(path, json={"withdrawn_on": "2026-01-04", "confirm": preview["confirm"]})
    assert early.status_code == 400 and "before it was given" in early.json()["detail"]

    body = {"withdrawn_on": "2026-03-01", "confirm": preview["confirm"]}
    done = worker.ok("PATCH", path, json=body)
    assert "2 clip(s)" in done["footage_deleted"] and "1 reel(s)" in done["footage_deleted"]
    assert "2 share link(s) switched off" in done["footage_deleted"]
    assert media_files(app) == []
    links = worker.ok("GET", f"/api/programmes/{family.programme}/share-links")
    assert [link["state"] for link in links] == ["revoked"] * 3
    assert worker.get(f"{path}/withdrawal").status_code == 409  # already withdrawn


def test_a_job_running_when_consent_is_withdrawn_leaves_the_clip_deleted_not_failed(
    app: FastAPI,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    clock: FakeClock,
) -> None:
    """The job had its clip when the withdrawal took the files: it fails for want of them, and
    the clip still says it was deleted, and why (not "could not be made playable")."""
    app.state.jobs.stop()
    worker = as_("worker_a1")
    made = import_file(worker, family.session, samples.get("browser.webm"))
    with Session(app.state.engine) as db:
        taken = db.get(Clip, made["id"])  # as the job claimed it, before the withdrawal
        assert taken is not None
        confirm = worker.ok("GET", f"/api/consents/{family.consent}/withdrawal")["confirm"]
        body = {"withdrawn_on": "2026-03-01", "confirm": confirm}
        worker.ok("PATCH", f"/api/consents/{family.consent}", json=body)
        jobs = media_jobs(app.state.engine, app.state.store, clock, app.state.settings)
        jobs.prepare(db, taken)
    clip = worker.ok("GET", f"/api/clips/{made['id']}")
    assert clip["status"] == "deleted" and "consent was withdrawn" in clip["detail"]
    assert media_files(app) == []


def test_a_recording_vfb_cannot_read_keeps_every_byte(
    app: FastAPI, family: Family, as_: Callable[[str], Caller]
) -> None:
    worker = as_("worker_a1")
    recording = worker.ok("POST", f"/api/sessions/{family.session}/recordings", 201, json={})
    garbage = b"not a video at all " * 500
    put(worker, recording["id"], 0, garbage)
    refused = worker.request("POST", f"/api/recordings/{recording['id']}/finish")
    assert refused.status_code == 422, refused.text
    kept = app.state.store.chunks_file(family.programme, recording["id"])
    assert kept.read_bytes() == garbage  # still there, for someone to look at
