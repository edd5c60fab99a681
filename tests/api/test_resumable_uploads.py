"""A file sent in pieces with the tus 1.0 protocol (Core, Creation, Checksum with SHA-256,
Termination, Expiration): it resumes from the server's offset after any cut, a damaged piece is
refused whole, and it becomes a clip only once whole and its SHA-256 is the one said."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from datetime import timedelta

import httpx2 as httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.support import Caller, FakeClock, Family
from tests.support.api import media_files, token_for, trail, wait_ready
from tests.support.media import Samples
from vfb.services.footage import resumable
from vfb.services.infra.media_worker import media_jobs

TUS = {"Tus-Resumable": "1.0.0"}


def metadata(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def begin(
    caller: Caller, family: Family, data: bytes, expected: int = 201, **extra: str
) -> httpx.Response:
    values = {"visit": family.session, "filename": "camera.mp4"}
    values["sha256"] = hashlib.sha256(data).hexdigest()
    headers = TUS | {"Upload-Length": str(len(data)), "Upload-Metadata": metadata(**values | extra)}
    response = caller.post("/api/uploads", headers=headers)
    assert response.status_code == expected, response.text
    return response


def patch(
    caller: Caller, url: str, offset: int, piece: bytes, checksum: bytes | None = None
) -> httpx.Response:
    digest = base64.b64encode(checksum or hashlib.sha256(piece).digest()).decode()
    headers = TUS | {
        "Content-Type": "application/offset+octet-stream",
        "Upload-Offset": str(offset),
        "Upload-Checksum": f"sha256 {digest}",
    }
    return caller.patch(url, content=piece, headers=headers)


def offset_of(caller: Caller, url: str) -> int:
    head = caller.request("HEAD", url, headers=TUS)
    assert head.status_code == 200 and head.headers["Cache-Control"] == "no-store"
    return int(head.headers["Upload-Offset"])


def test_the_server_says_what_it_speaks_of_tus(as_: Callable[[str], Caller]) -> None:
    answer = as_("worker_a1").request("OPTIONS", "/api/uploads")
    assert answer.status_code == 204
    assert answer.headers["Tus-Version"] == "1.0.0" and answer.headers["Tus-Resumable"] == "1.0.0"
    assert set(answer.headers["Tus-Extension"].split(",")) == {
        "creation", "checksum", "termination", "expiration",
    }  # fmt: skip
    assert answer.headers["Tus-Checksum-Algorithm"] == "sha256"
    assert int(answer.headers["Tus-Max-Size"]) > 0


def test_a_file_sent_in_pieces_resumes_from_the_servers_offset_and_becomes_a_clip(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    data = samples.get("indexed.mp4").read_bytes()
    created = begin(worker, family, data)
    url = created.headers["Location"]
    assert url.startswith("/api/uploads/") and created.headers["Tus-Resumable"] == "1.0.0"
    assert "Upload-Expires" in created.headers and offset_of(worker, url) == 0
    third = len(data) // 3
    first = patch(worker, url, 0, data[:third])
    assert first.status_code == 204 and first.headers["Upload-Offset"] == str(third)
    # the answer was lost: the sender asks where it is and sends the same piece again at 0
    assert offset_of(worker, url) == third
    again = patch(worker, url, 0, data[:third])
    assert again.status_code == 409 and again.json()["expected"] == third
    assert again.json()["error"] == "offset_mismatch"
    assert patch(worker, url, third, data[third : 2 * third]).status_code == 204
    last = patch(worker, url, 2 * third, data[2 * third :])
    assert last.status_code == 204 and last.headers["Upload-Offset"] == str(len(data))
    clip_id = last.headers["Vfb-Clip-Id"]
    assert worker.request("HEAD", url, headers=TUS).headers["Vfb-Clip-Id"] == clip_id
    clip = wait_ready(worker, clip_id)
    assert clip["status"] == "ready" and clip["origin"] == "upload"
    assert clip["original_name"] == "camera.mp4" and clip["session_id"] == family.session
    source = app.state.store.source_file(family.programme, clip_id, ".mp4")
    assert source.read_bytes() == data  # byte for byte what was sent
    upload = worker.ok("GET", url)
    assert upload["status"] == "finished" and upload["clip_id"] == clip_id
    assert upload["offset"] == upload["length"] == len(data) and upload["expires_at"] is None
    made = [r for r in trail(as_("manager_a"), child_id=family.child) if r["target_id"] == clip_id]
    assert made and made[0]["actor_name"] == "worker_a1"


def test_a_piece_that_arrives_different_is_not_kept(
    family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    data = samples.get("indexed.mp4").read_bytes()
    url = begin(worker, family, data).headers["Location"]
    damaged = patch(worker, url, 0, data[:1000], checksum=hashlib.sha256(b"other").digest())
    assert damaged.status_code == 460 and damaged.json()["error"] == "checksum_mismatch"
    assert "send it again" in damaged.json()["detail"]
    assert offset_of(worker, url) == 0
    wrong = worker.patch(url, content=b"x", headers=TUS | {"Upload-Offset": "0"})
    assert wrong.status_code == 415
    md5 = TUS | {"Content-Type": "application/offset+octet-stream", "Upload-Offset": "0",
                 "Upload-Checksum": "md5 " + base64.b64encode(b"0" * 16).decode()}  # fmt: skip
    assert worker.patch(url, content=b"x", headers=md5).status_code == 400
    too_much = patch(worker, url, 0, data + b"more")
    assert too_much.status_code == 400 and offset_of(worker, url) == 0


def test_a_whole_file_that_is_not_the_one_said_is_refused_and_nothing_is_kept(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    data = samples.get("indexed.mp4").read_bytes()
    url = begin(worker, family, data, sha256="0" * 64).headers["Location"]
    refused = patch(worker, url, 0, data)
    assert refused.status_code == 422 and refused.json()["error"] == "file_mismatch"
    assert "your copy is untouched" in refused.json()["detail"]
    assert worker.request("HEAD", url, headers=TUS).status_code == 410
    assert worker.ok("GET", url)["status"] == "refused"
    assert worker.ok("GET", f"/api/sessions/{family.session}/clips") == []
    assert media_files(app) == []


def test_a_whole_file_with_no_video_is_refused_in_plain_words(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    data = samples.get("text.mp4").read_bytes()
    url = begin(worker, family, data).headers["Location"]
    refused = patch(worker, url, 0, data)
    assert refused.status_code == 422 and refused.json()["error"] == "unreadable_media"
    assert "Traceback" not in refused.text and str(app.state.store.root) not in refused.text
    assert worker.ok("GET", url)["status"] == "refused" and media_files(app) == []


def test_the_visit_and_the_sender_are_checked_before_a_byte_arrives(
    family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    data = samples.get("indexed.mp4").read_bytes()
    worker = as_("worker_a1")
    no_tus = worker.post("/api/uploads", headers={"Upload-Length": "10"})
    assert no_tus.status_code == 412 and no_tus.headers["Tus-Resumable"] == "1.0.0"
    assert begin(worker, family, data, sha256="nope", expected=400)
    without = TUS | {"Upload-Length": "10", "Upload-Metadata": metadata(visit=family.session)}
    assert worker.post("/api/uploads", headers=without).status_code == 201  # a browser's
    assert begin(worker, family, b"", expected=400)
    huge = TUS | {"Upload-Length": str(1 << 45), "Upload-Metadata": metadata(
        visit=family.session, sha256="a" * 64)}  # fmt: skip
    assert worker.post("/api/uploads", headers=huge).status_code == 413
    assert begin(as_("worker_b"), family, data, expected=404)  # another team's visit
    url = begin(worker, family, data).headers["Location"]
    for outsider in ("worker_b",):
        caller = as_(outsider)
        assert caller.request("HEAD", url, headers=TUS).status_code == 404
        assert patch(caller, url, 0, data[:100]).status_code == 404
        assert caller.delete(url, headers=TUS).status_code == 404
    assert offset_of(worker, url) == 0


def test_a_stopped_upload_leaves_nothing_and_refuses_more(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    data = samples.get("indexed.mp4").read_bytes()
    url = begin(worker, family, data).headers["Location"]
    assert patch(worker, url, 0, data[:5000]).status_code == 204
    assert media_files(app) != []
    assert worker.delete(url, headers=TUS).status_code == 204
    assert media_files(app) == []
    assert worker.request("HEAD", url, headers=TUS).status_code == 410
    late = patch(worker, url, 5000, data[5000:])
    assert late.status_code == 410 and "Send the file again" in late.json()["detail"]
    assert worker.delete(url, headers=TUS).status_code == 204  # stopping twice is stopping


def test_an_upload_left_unfinished_for_a_week_is_removed(
    app: FastAPI,
    client: TestClient,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    clock: FakeClock,
) -> None:
    worker = as_("worker_a1")
    data = samples.get("indexed.mp4").read_bytes()
    url = begin(worker, family, data).headers["Location"]
    assert patch(worker, url, 0, data[:5000]).status_code == 204
    store, engine = app.state.store, app.state.engine
    jobs = media_jobs(engine, store, clock, app.state.settings)
    clock.advance(days=6)
    jobs.run_once()  # an idle browser recording would be saved by now: an upload waits
    worker = Caller(client, token_for(client, "worker_a1"))  # (the sign-in ran out meanwhile)
    assert offset_of(worker, url) == 5000
    with Session(engine) as db:
        assert jobs.remove_unfinished_uploads(db) == 0
        clock.advance(days=1, minutes=1)
        assert jobs.remove_unfinished_uploads(db) == 1
    worker = Caller(client, token_for(client, "worker_a1"))
    assert worker.request("HEAD", url, headers=TUS).status_code == 410
    assert media_files(app) == []
    assert timedelta(days=7) == resumable.UNFINISHED_KEPT


def test_withdrawing_consent_deletes_an_upload_on_its_way(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    data = samples.get("indexed.mp4").read_bytes()
    url = begin(worker, family, data).headers["Location"]
    assert patch(worker, url, 0, data[:5000]).status_code == 204
    confirm = worker.ok("GET", f"/api/consents/{family.consent}/withdrawal")["confirm"]
    worker.ok(
        "PATCH",
        f"/api/consents/{family.consent}",
        json={"withdrawn_on": "2026-03-01", "confirm": confirm},
    )
    assert media_files(app) == []
    late = patch(worker, url, 5000, data[5000:])
    assert late.status_code == 410 and "withdrawn" in late.json()["detail"]
    assert media_files(app) == []
