"""Footage kept in an object store (VFB_MEDIA_URL=s3://…), against a real S3-protocol server on
loopback: every promise of the local folder holds — Range requests, a viewing recorded once,
stills, frame times, trims, reels, share links — the local folder keeps nothing once a file is
finished, withdrawal and retention leave no object behind, and a store that cannot be reached is
said in plain words with nothing lost."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from imageio_ffmpeg import get_ffmpeg_exe
from sqlmodel import Session
from typer.testing import CliRunner

from tests.support import Caller, FakeClock, Family, cli_env, free_port, settings_for
from tests.support.api import (
    import_file,
    imported,
    make_reel,
    media_files,
    open_link,
    put,
    share,
    trail,
    wait_ready,
)
from tests.support.media import Samples
from tests.support.object_store import Bucket
from vfb.api import create_app
from vfb.cli.main import app as cli
from vfb.services.footage.removals import remove_pending
from vfb.services.infra.footage_store import store_for
from vfb.services.infra.media_worker import media_jobs
from vfb.settings import Settings

pytestmark = pytest.mark.media

REVIEW_MEDIA = {"clip.mp4", "poster.jpg", "thumbnails.jpg", "peaks.json", "thumbnails.json"}


@pytest.fixture
def settings(tmp_path: Path, database_url: str, bucket: Bucket) -> Settings:
    return settings_for(tmp_path, database_url, **bucket.settings())


def names(bucket: Bucket, programme: str) -> set[str]:
    return {key.rsplit("/", 1)[1] for key in bucket.keys(f"team/{programme}/")}


def test_footage_is_kept_in_the_store_and_served_from_it_with_every_promise(
    app: FastAPI,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    bucket: Bucket,
) -> None:
    worker = as_("worker_a1")
    clip = imported(worker, family.session, samples.get("indexed.mp4"))
    assert clip["status"] == "ready", clip
    folder = f"team/{family.programme}/clips/{clip['id']}"
    assert names(bucket, family.programme) == REVIEW_MEDIA | {"source.mp4"}
    assert bucket.read(f"{folder}/source.mp4") == samples.get("indexed.mp4").read_bytes()
    assert media_files(app) == []  # the local folder kept nothing once the files were finished

    stored = bucket.read(f"{folder}/clip.mp4")
    assert hashlib.sha256(stored).hexdigest() == clip["sha256"]
    part = worker.get(f"/api/clips/{clip['id']}/media", headers={"Range": "bytes=100-4195"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-4195/{len(stored)}"
    assert part.content == stored[100:4196]
    whole = worker.get(f"/api/clips/{clip['id']}/media")
    assert whole.status_code == 200 and whole.content == stored
    tag = whole.headers["etag"]
    stale = worker.get(
        f"/api/clips/{clip['id']}/media", headers={"Range": "bytes=0-9", "If-Range": tag}
    )
    assert stale.status_code == 206 and stale.content == stored[:10]
    past = worker.get(f"/api/clips/{clip['id']}/media", headers={"Range": f"bytes={len(stored)}-"})
    assert past.status_code == 416
    assert len(trail(as_("manager_a"), action="clip.stream")) == 1  # one viewing, one row

    for kind, name in (("poster", "poster.jpg"), ("thumbnails", "thumbnails.jpg")):
        got = worker.get(f"/api/clips/{clip['id']}/{kind}")
        assert got.status_code == 200 and got.content == bucket.read(f"{folder}/{name}")
        head = worker.request("HEAD", f"/api/clips/{clip['id']}/{kind}")
        assert head.status_code == 200 and int(head.headers["content-length"]) == len(got.content)
    assert worker.ok("GET", f"/api/clips/{clip['id']}")["thumbnails"]["times_ms"]
    still = worker.get(f"/api/clips/{clip['id']}/still", params={"at_ms": 2500})
    assert still.status_code == 200 and still.content[:2] == b"\xff\xd8"
    frames = worker.ok("GET", f"/api/clips/{clip['id']}/frames")
    assert frames["count"] == 240
    assert "frames.json.gz" in names(bucket, family.programme)  # read once, then kept
    assert media_files(app) == []


def test_trims_reels_and_share_links_read_and_write_the_store(
    app: FastAPI,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    bucket: Bucket,
    client: TestClient,
) -> None:
    worker = as_("worker_a1")
    clip = imported(worker, family.session, samples.get("indexed.mp4"))
    cut = worker.ok(
        "POST", f"/api/clips/{clip['id']}/trim", 201, json={"from_ms": 1000, "to_ms": 5000}
    )
    cut = wait_ready(worker, cut["id"])
    assert cut["status"] == "ready" and abs(cut["duration_ms"] - 4000) <= 40
    trimmed = bucket.keys(f"team/{family.programme}/clips/{cut['id']}/")
    assert {k.rsplit("/", 1)[1] for k in trimmed} == REVIEW_MEDIA
    reel = make_reel(worker, family, cut)
    reel_key = f"team/{family.programme}/reels/{reel['id']}.mp4"
    assert reel_key in bucket.keys(f"team/{family.programme}/reels/")
    served = worker.get(f"/api/reels/{reel['id']}/media", headers={"Range": "bytes=0-99"})
    assert served.status_code == 206 and served.content == bucket.read(reel_key)[:100]
    link = share(worker, family, reel)
    carer = TestClient(app, base_url="http://127.0.0.1")
    assert open_link(carer, link).status_code == 200
    watched = carer.get(f"/shared/{link['id']}/media")
    assert watched.status_code == 200 and watched.content == bucket.read(reel_key)
    assert media_files(app) == []
    worker.ok("DELETE", f"/api/reels/{reel['id']}", 204)
    assert reel_key not in bucket.keys(f"team/{family.programme}/reels/")
    worker.ok("DELETE", f"/api/clips/{cut['id']}", 204)
    assert bucket.keys(f"team/{family.programme}/clips/{cut['id']}/") == []


def test_withdrawing_consent_leaves_no_object_in_the_store(
    app: FastAPI,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    bucket: Bucket,
) -> None:
    worker = as_("worker_a1")
    clip = imported(worker, family.session, samples.get("indexed.mp4"))
    worker.ok("GET", f"/api/clips/{clip['id']}/frames")
    make_reel(worker, family, clip)
    recording = worker.ok("POST", f"/api/sessions/{family.session}/recordings", 201, json={})
    put(worker, recording["id"], 0, samples.get("browser.webm").read_bytes()[:5000])
    kept = len(bucket.keys(f"team/{family.programme}/"))
    assert kept == 9  # the original, the clip, its review media, frame times, the reel, a chunk
    preview = worker.ok("GET", f"/api/consents/{family.consent}/withdrawal")
    assert (preview["clips"], preview["recordings"], preview["reels"]) == (1, 1, 1)
    body = {"withdrawn_on": "2026-03-01", "confirm": preview["confirm"]}
    done = worker.ok("PATCH", f"/api/consents/{family.consent}", json=body)
    assert f"{kept} file(s)" in done["footage_deleted"]
    assert bucket.keys() == []  # not one object of the programme, nor of anyone else's
    assert media_files(app) == []


def test_retention_deletes_originals_and_then_all_footage_from_the_store(
    app: FastAPI,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    bucket: Bucket,
    clock: FakeClock,
) -> None:
    worker = as_("worker_a1")
    clip = imported(worker, family.session, samples.get("indexed.mp4"))
    worker.ok(
        "PATCH",
        f"/api/programmes/{family.programme}",
        json={"status": "withdrawn", "ended_on": clock.now.date().isoformat()},
    )
    clock.advance(days=30)
    report = app.state.purge.run_once()
    assert [(e.kind, e.clip_id) for e in report.expired] == [("original", clip["id"])]
    assert names(bucket, family.programme) == REVIEW_MEDIA
    clock.advance(days=60)  # 90 days after the programme ended
    assert [e.kind for e in app.state.purge.run_once().expired] == ["footage"]
    assert bucket.keys() == []


def test_a_recording_becomes_a_clip_kept_in_the_store(
    app: FastAPI,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    bucket: Bucket,
) -> None:
    worker = as_("worker_a1")
    data = samples.get("browser.webm").read_bytes()
    recording = worker.ok("POST", f"/api/sessions/{family.session}/recordings", 201, json={})
    third = -(-len(data) // 3)
    for index in range(3):
        put(worker, recording["id"], index, data[index * third : (index + 1) * third])
    clip = worker.ok("POST", f"/api/recordings/{recording['id']}/finish", 201)
    folder = f"team/{family.programme}/clips/{clip['id']}"
    assert bucket.read(f"{folder}/source.webm") == data  # every byte once, in order
    assert wait_ready(worker, clip["id"])["status"] == "ready"
    copied = REVIEW_MEDIA - {"clip.mp4"} | {"clip.webm"}  # a browser's VP9, copied as it is
    assert names(bucket, family.programme) == copied | {"source.webm"}
    assert media_files(app) == []


def test_a_big_import_goes_to_the_store_in_parts(
    app: FastAPI,
    family: Family,
    as_: Callable[[str], Caller],
    bucket: Bucket,
    tmp_path: Path,
) -> None:
    big = tmp_path / "visit.mp4"  # noise compresses badly: 20 MB in 8 s
    command = [get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i"]
    command += ["nullsrc=size=640x360:rate=25:duration=8,geq=random(1)*255:128:128"]
    command += ["-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", str(big)]
    subprocess.run(command, check=True)
    assert big.stat().st_size > 16 << 20
    worker = as_("worker_a1")
    clip = imported(worker, family.session, big)
    key = f"team/{family.programme}/clips/{clip['id']}/source.mp4"
    etag = bucket.client.head_object(Bucket=bucket.name, Key=key)["ETag"]
    assert etag.strip('"').endswith(f"-{-(-big.stat().st_size // (8 << 20))}")  # in 8 MB parts
    assert bucket.read(key) == big.read_bytes()


@pytest.fixture
def unreachable(
    tmp_path: Path, database_url: str, bucket: Bucket, clock: FakeClock
) -> Iterator[FastAPI]:
    """A vfb whose object store is not there (nothing listens at its address)."""
    down = bucket.settings() | {"s3_endpoint_url": f"http://127.0.0.1:{free_port()}"}
    application = create_app(settings_for(tmp_path / "down", database_url, **down), clock=clock)
    yield application
    application.state.engine.dispose()


def test_a_store_that_cannot_be_reached_is_said_plainly_and_loses_nothing(
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    unreachable: FastAPI,
    bucket: Bucket,
) -> None:
    worker = as_("worker_a1")
    clip = imported(worker, family.session, samples.get("indexed.mp4"))
    with TestClient(unreachable, base_url="http://127.0.0.1") as other:
        elsewhere = Caller(other, worker.headers["Authorization"].split()[1])
        refused = import_file(elsewhere, family.session, samples.get("indexed.mp4"), 503)
        assert refused["error"] == "store_unavailable"
        words = refused["detail"]
        assert "footage store" in words and "try again" in words.lower()
        for leak in ("botocore", "127.0.0.1", "Traceback", "pytest-of", "s3://"):
            assert leak not in words
        media = elsewhere.get(f"/api/clips/{clip['id']}/media")
        assert media.status_code == 503 and media.headers["retry-after"]
        assert media_files(unreachable) == []  # the refused import left nothing half-kept
    # the first vfb, whose store is there, still has every byte
    stored = worker.get(f"/api/clips/{clip['id']}/media")
    assert (
        stored.status_code == 200 and hashlib.sha256(stored.content).hexdigest() == clip["sha256"]
    )
    assert len(worker.ok("GET", f"/api/sessions/{family.session}/clips")) == 1


def test_a_clip_received_on_one_machine_is_made_by_a_worker_on_another(
    app: FastAPI,
    tmp_path: Path,
    database_url: str,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    bucket: Bucket,
    clock: FakeClock,
) -> None:
    """Two machines share the database and the store, not a folder: the server (making no media
    itself) receives the import on its disk, and a worker with a data folder of its own makes
    the clip playable from the store."""
    shared = bucket.settings()
    app.state.jobs.stop()  # the test's own vfb makes no media either
    front = settings_for(tmp_path / "front", database_url, serve_media_jobs=False, **shared)
    back = settings_for(tmp_path / "back", database_url, **shared)
    server = create_app(front, clock=clock)
    with TestClient(server, base_url="http://127.0.0.1") as client:
        worker = Caller(client, as_("worker_a1").headers["Authorization"].split()[1])
        clip = import_file(worker, family.session, samples.get("indexed.mp4"))
        assert media_files(server) == []
        jobs = media_jobs(server.state.engine, store_for(back), clock, back)
        while jobs.run_once():
            pass
        assert worker.ok("GET", f"/api/clips/{clip['id']}")["status"] == "ready"
        assert not any(p.is_file() for p in back.media_dir.rglob("*"))  # let go once kept
        assert names(bucket, family.programme) == REVIEW_MEDIA | {"source.mp4"}
        still = worker.get(f"/api/clips/{clip['id']}/still", params={"at_ms": 1000})
        assert still.status_code == 200
    server.state.engine.dispose()


def test_a_recording_stopped_while_the_store_is_down_keeps_every_byte_until_it_is_back(
    app: FastAPI,
    tmp_path: Path,
    database_url: str,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    bucket: Bucket,
    clock: FakeClock,
) -> None:
    """The same server's folder, its store unreachable for a while: Stop is refused in plain
    words, the idle-recording rescue leaves the recording open (not "unreadable"), and once the
    store is back the recording is saved whole."""
    worker = as_("worker_a1")
    data = samples.get("browser.webm").read_bytes()
    recording = worker.ok("POST", f"/api/sessions/{family.session}/recordings", 201, json={})
    half = len(data) // 2
    put(worker, recording["id"], 0, data[:half])
    put(worker, recording["id"], 1, data[half:])
    down = bucket.settings() | {"s3_endpoint_url": f"http://127.0.0.1:{free_port()}"}
    cut_off = create_app(settings_for(tmp_path, database_url, **down), clock=clock)
    try:
        with TestClient(cut_off, base_url="http://127.0.0.1") as other:
            there = Caller(other, worker.headers["Authorization"].split()[1])
            refused = there.request("POST", f"/api/recordings/{recording['id']}/finish")
            assert refused.status_code == 503, refused.text
            assert "nothing already kept was lost" in refused.json()["detail"]
            clock.advance(seconds=cut_off.state.settings.recording_idle_seconds + 1)
            cut_off.state.jobs.run_once()  # the rescue of idle recordings, store still down
            assert there.ok("GET", f"/api/recordings/{recording['id']}")["status"] == "open"
    finally:
        cut_off.state.engine.dispose()
    clip = worker.ok("POST", f"/api/recordings/{recording['id']}/finish", 201)
    key = f"team/{family.programme}/clips/{clip['id']}/source.webm"
    assert bucket.read(key) == data


def test_two_jobs_reading_one_clip_each_have_their_own_copy(tmp_path: Path, bucket: Bucket) -> None:
    """A reel and a trim of the same clip at once: neither's copy is the other's, and one
    finishing takes nothing from the other; a file the store does not have is not made up."""
    store = store_for(settings_for(tmp_path, "sqlite://", **bucket.settings()))
    path = store.clip_file("p1", "c1")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"the clip" * 1000)
    store.keep(path)
    assert not path.exists()
    with store.at_hand(path) as first:
        with store.at_hand(path) as second:
            assert first != second and first.read_bytes() == second.read_bytes()
        assert first.read_bytes() == b"the clip" * 1000
    assert not first.exists() and not second.exists()
    assert store.sweep_partial_files() == []
    nowhere = store.clip_file("p1", "c2")
    with store.at_hand(nowhere) as got:
        assert got == nowhere and not got.exists()


def test_serving_reads_the_stores_file_and_a_replaced_one_is_not_spliced(
    tmp_path: Path, bucket: Bucket
) -> None:
    """A local file at the clip's name (a job's moment) changes neither the validators nor the
    bytes served; a part asked of a file replaced since it was described is refused, not
    spliced from two files."""
    store = store_for(settings_for(tmp_path, "sqlite://", **bucket.settings()))
    path = store.clip_file("p1", "c1")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"A" * 5000)
    store.keep(path)
    found = store.describe(path)
    path.write_bytes(b"B" * 7000)  # as a job's working copy would be
    again = store.describe(path)
    assert (again.size, again.tag) == (found.size, found.tag) == (5000, found.tag)
    assert b"".join(store.open_part(path, again, 10, 20)) == b"A" * 20
    path.unlink()
    bucket.client.put_object(
        Bucket=bucket.name, Key=f"team/{store.name_of(path)}", Body=b"C" * 5000
    )
    with pytest.raises(FileNotFoundError):
        store.open_part(path, found, 0, 100)


def test_a_withdrawal_the_store_cannot_take_at_once_is_finished_when_it_is_back(
    app: FastAPI,
    tmp_path: Path,
    database_url: str,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    bucket: Bucket,
    clock: FakeClock,
) -> None:
    """The withdrawal is recorded and the footage can no longer be watched at once; the store's
    copies, out of reach, stay listed for removal, and go when the store is back."""
    worker = as_("worker_a1")
    clip = imported(worker, family.session, samples.get("indexed.mp4"))
    assert bucket.keys()
    down = bucket.settings() | {"s3_endpoint_url": f"http://127.0.0.1:{free_port()}"}
    cut_off = create_app(settings_for(tmp_path, database_url, **down), clock=clock)
    try:
        with TestClient(cut_off, base_url="http://127.0.0.1") as other:
            there = Caller(other, worker.headers["Authorization"].split()[1])
            confirm = there.ok("GET", f"/api/consents/{family.consent}/withdrawal")["confirm"]
            body = {"withdrawn_on": "2026-03-01", "confirm": confirm}
            done = there.ok("PATCH", f"/api/consents/{family.consent}", json=body)
    finally:
        cut_off.state.engine.dispose()
    assert "will be removed as soon as it can be" in done["footage_deleted"]
    assert bucket.keys()  # still there: the store could not be reached
    assert worker.get(f"/api/clips/{clip['id']}/media").status_code == 409
    # the carer consents again: nothing new is filmed until the old footage is all gone, so
    # that its removal cannot take the new footage with it
    again = {"programme_id": family.programme, "carer_id": family.carer, "scope": "filming"}
    worker.ok("POST", "/api/consents", 201, json=again | {"given_on": "2026-03-02"})
    refused = import_file(worker, family.session, samples.get("indexed.mp4"), 409)
    assert "still being deleted" in refused["detail"]
    with Session(app.state.engine) as db:
        assert remove_pending(db, app.state.store) == 0  # the store is back
    assert bucket.keys() == []
    assert media_files(app) == []
    fresh = imported(worker, family.session, samples.get("indexed.mp4"))
    assert fresh["status"] == "ready" and bucket.keys()


def test_a_recordings_chunks_may_reach_servers_on_two_machines(
    app: FastAPI,
    tmp_path: Path,
    database_url: str,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    bucket: Bucket,
    clock: FakeClock,
) -> None:
    """Two servers with a data folder each (as on two machines), one database and one store: the
    chunks alternate between them, a resend goes to the other one, and either may stop it; the
    clip is every byte once, in order, and no chunk is left anywhere after."""
    data = samples.get("browser.webm").read_bytes()
    pieces = [data[i : i + 9000] for i in range(0, len(data), 9000)]
    apps = [create_app(settings_for(tmp_path / n, database_url, **bucket.settings()), clock=clock)
            for n in ("one", "two")]  # fmt: skip
    token = as_("worker_a1").headers["Authorization"].split()[1]
    try:
        with ExitStack() as stack:
            servers = [
                Caller(stack.enter_context(TestClient(a, base_url="http://127.0.0.1")), token)
                for a in apps
            ]
            recording = servers[0].ok(
                "POST", f"/api/sessions/{family.session}/recordings", 201, json={}
            )
            for index, piece in enumerate(pieces):
                put(servers[index % 2], recording["id"], index, piece)
                put(servers[(index + 1) % 2], recording["id"], index, piece)  # a resend
            clip = servers[1].ok("POST", f"/api/recordings/{recording['id']}/finish", 201)
            key = f"team/{family.programme}/clips/{clip['id']}/source.webm"
            assert bucket.read(key) == data
            assert bucket.keys(f"team/{family.programme}/recordings/") == []
            assert wait_ready(servers[0], clip["id"])["status"] == "ready"
            for each in apps:
                assert media_files(each) == []
    finally:
        for each in apps:
            each.state.engine.dispose()


def test_vfb_import_with_the_store_out_of_reach_says_so_and_keeps_nothing_half_way(
    app: FastAPI, family: Family, samples: Samples, bucket: Bucket, settings: Settings
) -> None:
    down = {"VFB_S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}"}
    env = (
        cli_env(settings)
        | {f"VFB_{k.upper()}": str(v) for k, v in bucket.settings().items()}
        | down
    )
    film = samples.get("indexed.mp4")
    result = CliRunner().invoke(cli, ["import", str(film), "--session", family.session], env=env)
    assert result.exit_code == 1
    words = " ".join(result.output.split())
    assert "footage store" in words and "nothing already kept was lost" in words
    assert "Traceback" not in result.output and "botocore" not in result.output
    assert media_files(app) == [] and bucket.keys() == []
