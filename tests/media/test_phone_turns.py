"""A phone held upright writes its turn as a display matrix: vfb copies such a film as it is
(browsers turn it), and every picture vfb decodes from it (thumbnails, poster, stills, trims,
reels) comes out as a player shows it. A mirrored front-camera film is re-encoded the right way
round, as not every browser mirrors. The reference for "as a player shows it" is FFmpeg's own
autorotate, made apart from vfb's."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from PIL import Image

from tests.support import Caller, Family
from tests.support.api import (
    frame_indices_of,
    import_file,
    mark,
    share_consent,
    wait_for_reel,
    wait_ready,
)
from tests.support.media import Samples, shown_picture

pytestmark = pytest.mark.media
SHOWN = (240, 320)  # coded 320×240, a quarter turn
FPS = 30  # frame n starts at n/30 s


def grey(body: bytes, size: tuple[int, int] | None = None) -> np.ndarray:
    picture = Image.open(io.BytesIO(body)).convert("L")
    if size is not None:
        picture = picture.resize(size)
    return np.asarray(picture, dtype=np.float64)


def alike(got: np.ndarray, wanted: np.ndarray) -> float:
    assert got.shape == wanted.shape, (got.shape, wanted.shape)
    return float(np.corrcoef(got.ravel(), wanted.ravel())[0, 1])


@pytest.mark.parametrize(
    ("name", "copied"), [("rotated-h264.mp4", True), ("mirrored-h264.mp4", False)]
)
def test_a_phone_film_plays_as_held_and_every_picture_made_from_it_is_upright(
    app: FastAPI,
    family: Family,
    as_: Callable[[str], Caller],
    samples: Samples,
    tmp_path: Path,
    name: str,
    copied: bool,
) -> None:
    worker = as_("worker_a1")
    clip = wait_ready(worker, import_file(worker, family.session, samples.get(name))["id"])
    assert clip["status"] == "ready", clip
    assert (clip["width"], clip["height"]) == SHOWN
    served = worker.get(f"/api/clips/{clip['id']}/media").content
    playable = tmp_path / "clip.mp4"
    playable.write_bytes(served)
    if copied:  # every frame as the phone wrote it, the turn kept for the player
        assert frame_indices_of(served, app) == list(range(90))

    def shown(at_ms: int, size: tuple[int, int] = SHOWN) -> np.ndarray:
        """The frame on screen at `at_ms`, as a player turns it."""
        return shown_picture(playable, (at_ms * FPS // 1000) * 1000 / FPS - 2, *size)

    strip = clip["thumbnails"]
    assert (strip["width"], strip["height"]) == (160, 214)  # upright, not 160×120
    sheet = grey(worker.get(f"/api/clips/{clip['id']}/thumbnails").content)
    for n, at_ms in enumerate(strip["times_ms"]):
        row, column = divmod(n, strip["columns"])
        x, y = column * strip["width"], row * strip["height"]
        thumbnail = sheet[y : y + strip["height"], x : x + strip["width"]]
        assert alike(thumbnail, shown(at_ms, (160, 214))) > 0.9, at_ms

    poster = grey(worker.get(f"/api/clips/{clip['id']}/poster").content)
    assert poster.shape == (320, 240)
    assert alike(poster, shown(0)) > 0.9

    for at_ms in (0, 1234, 2900):
        still = worker.get(f"/api/clips/{clip['id']}/still", params={"at_ms": at_ms})
        assert alike(grey(still.content), shown(at_ms)) > 0.95, at_ms

    cut = worker.ok(
        "POST", f"/api/clips/{clip['id']}/trim", 201, json={"from_ms": 500, "to_ms": 1500}
    )
    cut = wait_ready(worker, cut["id"])
    assert (cut["width"], cut["height"]) == SHOWN
    head = worker.get(f"/api/clips/{cut['id']}/still", params={"at_ms": 0})
    assert alike(grey(head.content), shown(500)) > 0.95

    share_consent(worker, family)
    moment = mark(
        worker, clip["id"], start_ms=1000, end_ms=2000, category="strengths", share_with_carer=True
    )
    programme = family.programme
    reel = worker.ok(
        "POST", f"/api/programmes/{programme}/reels", 202, json={"moment_ids": [moment["id"]]}
    )
    reel = wait_for_reel(worker, reel["id"])
    assert reel["status"] == "ready", reel
    made = tmp_path / "reel.mp4"
    made.write_bytes(worker.get(f"/api/reels/{reel['id']}/media").content)
    # the reel is the clip's shape; its moment starts after the 2.5-s title card
    assert alike(shown_picture(made, 2500 + 300 - 2, *SHOWN), shown(1300)) > 0.9
