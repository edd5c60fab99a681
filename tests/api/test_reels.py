"""Stills, the joint review and highlight reels through the API: exact frames, nothing private
shown to the carer, the review recorded on the session, and reels cut frame-exact."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from fastapi import FastAPI
from PIL import Image

from tests.support import Caller, Family
from tests.support.api import mark, media_files, share_consent, wait_for_reel
from tests.support.media import read_index

FPS = 30  # indexed.mp4: 8 s, frame n shows n, a keyframe every 30 frames, B-frames


def index_of_jpeg(body: bytes) -> int:
    picture = Image.open(io.BytesIO(body)).convert("RGB")
    return read_index(av.VideoFrame.from_ndarray(np.asarray(picture), format="rgb24"))


@pytest.mark.media
@pytest.mark.parametrize("at_ms", [0, 34, 1010, 1999, 2500, 4999, 7990])
def test_a_still_is_the_exact_frame_shown_at_that_time_not_the_keyframe(
    clip: Any, as_: Callable[[str], Caller], at_ms: int
) -> None:
    response = as_("worker_a1").get(f"/api/clips/{clip['id']}/still", params={"at_ms": at_ms})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["cache-control"] == "private, no-store"
    shown = (at_ms * FPS) // 1000  # frame n is on screen from n/30 s
    assert index_of_jpeg(response.content) == shown


@pytest.mark.media
def test_a_still_after_the_end_of_the_clip_is_explained(
    clip: Any, as_: Callable[[str], Caller]
) -> None:
    response = as_("worker_a1").get(f"/api/clips/{clip['id']}/still", params={"at_ms": 9000})
    assert response.status_code == 400
    assert "there is no frame at" in response.json()["detail"]


@pytest.mark.media
def test_the_joint_review_shows_only_shared_moments_and_records_itself_on_the_session(
    family: Family, clip: Any, as_: Callable[[str], Caller]
) -> None:
    worker = as_("worker_a1")
    shared = mark(
        worker,
        clip["id"],
        start_ms=1000,
        end_ms=3000,
        category="sensitivity",
        note="PRIVATE: mum seemed low today",
        caption="You waited until he looked at you",
        share_with_carer=True,
    )
    mark(worker, clip["id"], start_ms=4000, category="strengths", share_with_carer=True)
    mark(worker, clip["id"], start_ms=5000, category="communication", note="PRIVATE too")
    seen = worker.ok("GET", f"/api/clips/{clip['id']}/shared-moments")
    assert [(m["start_ms"], m["caption"]) for m in seen] == [
        (1000, "You waited until he looked at you"),
        (4000, "Strengths"),  # no caption: the category's name
    ]
    assert "PRIVATE" not in str(seen) and "note" not in seen[0] and "author_id" not in seen[0]
    # what each plays: a range as marked, a point from 2 s before to 4 s after (inside the clip)
    assert [(m["play_from_ms"], m["play_to_ms"]) for m in seen] == [(1000, 3000), (2000, 8000)]

    said = worker.ok(
        "POST",
        f"/api/moments/{shared['id']}/carer-comments",
        201,
        json={"text": "  I didn't know I did that  "},
    )
    assert said["text"] == "I didn't know I did that"
    [again, *_] = worker.ok("GET", f"/api/clips/{clip['id']}/moments")
    assert [c["text"] for c in again["carer_comments"]] == ["I didn't know I did that"]
    refused = worker.post(f"/api/moments/{shared['id']}/carer-comments", json={"text": " "})
    assert refused.status_code == 400

    shown = [m["id"] for m in seen]
    before = {"reviewed_with_carer": False, "review_minutes": None, "review_highlights": []}
    worker.ok("PATCH", f"/api/sessions/{family.session}", json=before)
    body = {"clip_id": clip["id"], "minutes": 14, "shown_moment_ids": shown}
    session = worker.ok("POST", f"/api/sessions/{family.session}/shared-review", json=body)
    assert session["reviewed_with_carer"] is True
    assert session["review_minutes"] == 14
    assert session["review_highlights"] == ["sensitivity", "strengths"]
    # a second clip watched in the same visit adds its minutes and highlights
    body = {"clip_id": clip["id"], "minutes": 6, "shown_moment_ids": shown[:1]}
    session = worker.ok("POST", f"/api/sessions/{family.session}/shared-review", json=body)
    assert (session["review_minutes"], session["review_highlights"]) == (
        20,
        ["sensitivity", "strengths"],
    )
    # a private moment can never be recorded as shown
    private = [
        m for m in worker.ok("GET", f"/api/clips/{clip['id']}/moments") if not m["share_with_carer"]
    ]
    body = {"clip_id": clip["id"], "minutes": 5, "shown_moment_ids": [private[0]["id"]]}
    response = worker.post(f"/api/sessions/{family.session}/shared-review", json=body)
    assert response.status_code == 400
    supervisor = as_("supervisor_a")
    assert (
        supervisor.post(f"/api/sessions/{family.session}/shared-review", json=body).status_code
        == 403
    )


@pytest.mark.media
def test_a_reel_needs_the_carers_share_consent(
    family: Family, clip: Any, as_: Callable[[str], Caller]
) -> None:
    worker = as_("worker_a1")
    moment = mark(
        worker,
        clip["id"],
        start_ms=1000,
        end_ms=2000,
        category="sensitivity",
        share_with_carer=True,
    )
    body = {"moment_ids": [moment["id"]]}
    response = worker.post(f"/api/programmes/{family.programme}/reels", json=body)
    assert response.status_code == 409
    assert response.json()["error"] == "consent_missing"
    assert "share with carer consent" in response.json()["detail"]


@pytest.mark.media
def test_a_reel_is_cut_frame_exact_with_a_title_card_before_each_moment(
    app: FastAPI, family: Family, clip: Any, as_: Callable[[str], Caller], tmp_path: Path
) -> None:
    worker = as_("worker_a1")
    share_consent(worker, family)
    shared = {"share_with_carer": True}
    first = mark(
        worker,
        clip["id"],
        start_ms=1010,
        end_ms=2000,
        category="sensitivity",
        caption="You waited",
        **shared,
    )
    second = mark(worker, clip["id"], start_ms=5500, end_ms=6034, category="strengths", **shared)
    point = mark(worker, clip["id"], start_ms=7000, category="communication", **shared)
    private = mark(worker, clip["id"], start_ms=3000, category="communication")
    body = {"moment_ids": [first["id"], private["id"]]}
    refused = worker.post(f"/api/programmes/{family.programme}/reels", json=body)
    assert refused.status_code == 400
    assert "Only moments marked to share with the carer" in refused.json()["detail"]
    ids = [second["id"], first["id"], point["id"]]  # the worker's order, not the clip's

    plan = worker.ok(
        "POST", f"/api/programmes/{family.programme}/reels/plan", json={"moment_ids": ids}
    )
    card = 2500
    # a point moment shows 2 s before it to 4 s after (cut at the clip's end)
    assert plan["length_ms"] == 3 * card + (6034 - 5500) + (2000 - 1010) + (
        clip["duration_ms"] - 5000
    )

    reel = worker.ok(
        "POST", f"/api/programmes/{family.programme}/reels", 202, json={"moment_ids": ids}
    )
    assert reel["status"] == "building" and reel["length_ms"] == plan["length_ms"]
    reel = wait_for_reel(worker, reel["id"])
    assert reel["status"] == "ready", reel
    response = worker.get(f"/api/reels/{reel['id']}/media", params={"download": "true"})
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment")
    path = tmp_path / "reel.mp4"
    path.write_bytes(response.content)

    with av.open(str(path)) as container:
        frames = [read_index(f) for f in container.decode(container.streams.video[0])]
        assert container.streams.audio, "the reel keeps the sound"
    cards = round(card * FPS / 1000)
    expected = list(range(165, 182))  # 5500 ms is frame 165; 6034 ms is shown by 181, excluded
    expected += list(range(30, 60))  # 1010 ms shows frame 30; 2000 ms is frame 60, excluded
    expected += list(range(150, 240))  # 5000 ms to the end of the clip
    segments: list[list[int]] = []
    n = 0
    for length in (17, 30, 90):
        n += cards
        segments.append(frames[n : n + length])
        n += length
    assert [i for s in segments for i in s] == expected
    assert len(frames) == 3 * cards + len(expected)

    listed = worker.ok("GET", f"/api/programmes/{family.programme}/reels")
    assert [r["id"] for r in listed] == [reel["id"]]
    # deleting a clip deletes the reels that show it: no copy of the footage outlives it
    worker.ok("DELETE", f"/api/clips/{clip['id']}", 204)
    assert worker.get(f"/api/reels/{reel['id']}").status_code == 404
    assert not [p for p in media_files(app) if "reels" in p.parts]


@pytest.mark.media
def test_a_reel_of_moments_from_another_programme_is_refused(
    family: Family, clip: Any, as_: Callable[[str], Caller]
) -> None:
    worker = as_("worker_a1")
    share_consent(worker, family)
    body = {"moment_ids": ["f" * 32]}
    response = worker.post(f"/api/programmes/{family.programme}/reels", json=body)
    assert response.status_code == 404
    moment = mark(worker, clip["id"], start_ms=1000, category="sensitivity", share_with_carer=True)
    body = {"moment_ids": [moment["id"], moment["id"]]}
    response = worker.post(f"/api/programmes/{family.programme}/reels", json=body)
    assert response.status_code == 400
    assert "only once" in response.json()["detail"]
