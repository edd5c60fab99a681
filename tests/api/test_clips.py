"""Importing, playing and trimming clips through the API; every bad file refused plainly, with
nothing left behind."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.support import Caller, Family
from tests.support.api import frame_indices_of, import_file, imported, media_files, wait_ready
from tests.support.media import Samples


def test_an_imported_clip_becomes_playable_with_its_facts_and_review_media(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    made = import_file(worker, family.session, samples.get("indexed.mp4"))
    assert made["status"] == "processing" and made["origin"] == "upload"
    assert made["original_name"] == "indexed.mp4"
    clip = wait_ready(worker, made["id"])
    assert clip["status"] == "ready", clip
    assert (clip["duration_ms"], clip["width"], clip["height"]) == (8000, 320, 240)
    assert (clip["video_codec"], clip["audio_codec"], clip["fps"]) == ("h264", "aac", 30.0)
    assert clip["interaction_note"].startswith("Shorter than the 10 minutes")
    assert clip["thumbnails"]["times_ms"][:2] == [0, 2000]
    media = worker.get(f"/api/clips/{clip['id']}/media")
    assert media.status_code == 200 and media.headers["content-type"] == "video/mp4"
    assert hashlib.sha256(media.content).hexdigest() == clip["sha256"]
    assert frame_indices_of(media.content, app) == list(range(240))  # copied, not re-encoded
    ranged = worker.get(f"/api/clips/{clip['id']}/media", headers={"Range": "bytes=100-1123"})
    assert ranged.status_code == 206 and len(ranged.content) == 1024
    assert ranged.content == media.content[100:1124]
    assert worker.request("HEAD", f"/api/clips/{clip['id']}/media").status_code == 200
    for kind, content_type in [("poster", "image/jpeg"), ("peaks", "application/json")]:
        answer = worker.get(f"/api/clips/{clip['id']}/{kind}")
        assert answer.status_code == 200 and answer.headers["content-type"] == content_type
    peaks = worker.ok("GET", f"/api/clips/{clip['id']}/peaks")
    assert len(peaks["peaks"]) == 160 and max(peaks["peaks"]) > 200  # 8 s of a loud tone
    session = worker.ok("GET", f"/api/sessions/{family.session}")
    assert session["filmed_seconds"] == 8
    listed = worker.ok("GET", f"/api/sessions/{family.session}/clips")
    assert [c["id"] for c in listed] == [clip["id"]]


@pytest.mark.parametrize(
    ("name", "size", "codecs", "playing"),
    [
        ("browser.webm", (320, 240), ("vp9", "opus"), ("vp9", "opus")),  # copied: browsers play it
        ("rotated-hevc.mov", (240, 320), ("hevc", "aac"), ("h264", "aac")),
        ("mjpeg.avi", (320, 240), ("mjpeg", "pcm_s16le"), ("h264", "aac")),
    ],
)
def test_other_formats_are_made_web_playable(
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    name: str,
    size: tuple[int, int],
    codecs: tuple[str, str],
    playing: tuple[str, str],
) -> None:
    worker = as_("worker_a1")
    made = import_file(worker, family.session, samples.get(name))
    assert (made["video_codec"], made["audio_codec"]) == codecs  # what came in
    clip = wait_ready(worker, made["id"])
    assert clip["status"] == "ready", clip
    assert (clip["video_codec"], clip["audio_codec"]) == playing  # what plays
    assert (clip["width"], clip["height"]) == size  # rotation applied
    assert abs(clip["duration_ms"] - 3000) <= 100


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty.mp4", "the file is empty"),
        ("truncated.mp4", "incomplete"),
        ("text.mp4", "not a video file"),
        ("audio-only.m4a", "sound but no picture"),
        ("absurd.avi", "does not decode"),
    ],
)
def test_a_file_that_is_not_usable_video_is_refused_and_nothing_is_kept(
    app: FastAPI,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    name: str,
    words: str,
) -> None:
    worker = as_("worker_a1")
    refused = import_file(worker, family.session, samples.get(name), expected=422)
    assert refused["error"] == "unreadable_media"
    assert words in refused["detail"] and name in refused["detail"]
    assert str(app.state.store.root) not in refused["detail"]
    assert worker.ok("GET", f"/api/sessions/{family.session}/clips") == []
    assert media_files(app) == []


def test_no_filming_consent_means_no_import_and_no_byte_stored(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    worker.ok("PATCH", f"/api/consents/{family.consent}", json={"withdrawn_on": "2026-02-01"})
    refused = import_file(worker, family.session, samples.get("indexed.mp4"), expected=409)
    assert refused["error"] == "consent_missing"
    assert "filming consent" in refused["detail"]
    started = worker.post(f"/api/sessions/{family.session}/recordings", json={})
    assert started.status_code == 409
    assert media_files(app) == []


def test_a_malformed_upload_form_is_refused_in_words_and_not_kept(
    app: FastAPI, family: Family, as_: Callable[[str], Caller]
) -> None:
    boundary = "a222103b9b30b1f9e8be6882ecedb1d2"  # a part with no headers, as schemathesis sent
    refused = as_("worker_a1").post(
        f"/api/sessions/{family.session}/clips",
        content=f"--{boundary}\r\n[]--{boundary}--\r\n".encode(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert refused.status_code == 400, refused.text
    assert refused.json()["detail"].startswith("The upload was not a well-formed form")
    assert media_files(app) == []


def test_an_upload_over_the_size_limit_is_refused_and_not_kept(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], tmp_path: Path
) -> None:
    app.state.settings.max_upload_mb = 1
    big = tmp_path / "big.mp4"
    big.write_bytes(b"\0" * (2 << 20))
    refused = import_file(as_("worker_a1"), family.session, big, expected=413)
    assert "bigger than the 1 MB" in refused["detail"]
    assert media_files(app) == []


def test_only_the_team_may_see_a_clip_and_a_supervisor_may_not_change_it(
    family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    clip = imported(worker, family.session, samples.get("indexed.mp4"))
    for outsider in ("worker_a2", "worker_b", "manager_b", "admin"):
        assert as_(outsider).get(f"/api/clips/{clip['id']}/media").status_code == 404
    supervisor = as_("supervisor_a")
    refused = supervisor.get(f"/api/clips/{clip['id']}/media")
    assert refused.status_code == 409 and refused.json()["error"] == "consent_missing"
    assert "supervision consent" in refused.json()["detail"]
    body = {"programme_id": family.programme, "carer_id": family.carer, "scope": "supervision"}
    worker.ok("POST", "/api/consents", 201, json=body | {"given_on": "2026-01-05"})
    assert supervisor.get(f"/api/clips/{clip['id']}/media").status_code == 200
    trimmed = supervisor.post(f"/api/clips/{clip['id']}/trim", json={"from_ms": 0, "to_ms": 900})
    assert trimmed.status_code == 403
    assert import_file(supervisor, family.session, samples.get("indexed.mp4"), 403)


def test_a_trim_through_the_api_is_frame_exact_and_becomes_the_sessions_film(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    source = imported(worker, family.session, samples.get("indexed.mp4"))
    cut = worker.ok(
        "POST", f"/api/clips/{source['id']}/trim", 201, json={"from_ms": 1234, "to_ms": 5678}
    )
    assert cut["parent_id"] == source["id"] and cut["origin"] == "trim"
    assert (cut["trim_from_ms"], cut["trim_to_ms"]) == (1233, 5700)
    cut = wait_ready(worker, cut["id"])
    media = worker.get(f"/api/clips/{cut['id']}/media").content
    assert frame_indices_of(media, app) == list(range(37, 171))
    # the interaction cut replaces the raw film in the session's filmed time
    assert worker.ok("GET", f"/api/sessions/{family.session}")["filmed_seconds"] == 4
    fast = worker.ok(
        "POST",
        f"/api/clips/{source['id']}/trim",
        201,
        json={"from_ms": 1234, "to_ms": 5678, "mode": "fast"},
    )
    assert fast["trim_from_ms"] == 1000  # the keyframe before, said plainly
    worker.ok("DELETE", f"/api/clips/{cut['id']}", 204)
    worker.ok("DELETE", f"/api/clips/{fast['id']}", 204)
    assert worker.ok("GET", f"/api/sessions/{family.session}")["filmed_seconds"] == 8


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"from_ms": 5000, "to_ms": 4000}, "must come after its start"),
        ({"from_ms": 3000, "to_ms": 3000}, "must come after its start"),
        ({"from_ms": 1000, "to_ms": 9000}, "outside the clip"),
        ({"from_ms": 8000, "to_ms": 8500}, "outside the clip"),
    ],
)
def test_a_wrong_range_is_explained(
    app: FastAPI,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    body: dict[str, int],
    words: str,
) -> None:
    worker = as_("worker_a1")
    clip = imported(worker, family.session, samples.get("indexed.mp4"))
    before = sorted(media_files(app))
    refused = worker.post(f"/api/clips/{clip['id']}/trim", json=body)
    assert refused.status_code == 400, refused.text
    assert words in refused.json()["detail"]
    assert sorted(media_files(app)) == before
    assert len(worker.ok("GET", f"/api/sessions/{family.session}/clips")) == 1


def test_clips_waiting_when_the_server_stopped_are_finished_after_a_restart(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    app.state.jobs.stop()  # the server is down before the job could run
    worker = as_("worker_a1")
    made = import_file(worker, family.session, samples.get("browser.webm"))
    leftover = app.state.store.root / family.programme / "clips" / made["id"] / ".clip.mp4.part"
    leftover.write_bytes(b"half a clip from a killed server")
    time.sleep(0.3)
    assert worker.ok("GET", f"/api/clips/{made['id']}")["status"] == "processing"
    app.state.jobs.start()
    assert not leftover.exists()
    assert wait_ready(worker, made["id"])["status"] == "ready"


def test_a_clip_made_just_before_a_crash_still_gets_its_checksum_and_facts(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    """The server died after clip.mp4 was renamed into place but before it was recorded."""
    app.state.jobs.stop()
    worker = as_("worker_a1")
    made = import_file(worker, family.session, samples.get("indexed.mp4"))
    folder = app.state.store.clip_dir(family.programme, made["id"])
    (folder / "clip.mp4").write_bytes((folder / "source.mp4").read_bytes())
    app.state.jobs.start()
    clip = wait_ready(worker, made["id"])
    assert clip["status"] == "ready"
    assert clip["sha256"] == hashlib.sha256((folder / "clip.mp4").read_bytes()).hexdigest()
    assert worker.ok("GET", f"/api/sessions/{family.session}")["filmed_seconds"] == 8


PLAIN_WORDS_FORBID = ("@ 0x", "Errno", "avcodec", "/", "\\", ".part", "[")


def test_a_clip_that_fails_in_the_background_says_why_plainly_and_leaves_no_files(
    app: FastAPI, family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    """A faststart MP4 cut short: its index is whole, so it is accepted; its frames are not."""
    worker = as_("worker_a1")
    made = import_file(worker, family.session, samples.get("truncated-faststart.mp4"))
    clip = wait_ready(worker, made["id"])
    assert clip["status"] == "failed", clip
    assert clip["detail"] and not any(bad in clip["detail"] for bad in PLAIN_WORDS_FORBID), clip
    assert media_files(app) == []
