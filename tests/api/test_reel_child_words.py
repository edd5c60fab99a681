"""The child's words on a reel's title cards: what the carer said the child might say is drawn
under the caption, set apart (its own label and colour), on the card of that moment only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from tests.support import Caller, Family
from tests.support.api import mark, share_consent, wait_for_reel
from vfb.capture.reel import CHILD_INK, INK, title_card


def test_a_card_draws_the_childs_words_under_the_caption_in_their_own_colour() -> None:
    def inked(card: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
        return np.argwhere(np.all(np.abs(card.astype(int) - np.array(colour)) < 40, axis=2))

    plain = np.asarray(title_card("You waited for her", 640, 360))
    spoken = np.asarray(title_card("You waited for her", 640, 360, child_words="Look at me!"))
    assert not len(inked(plain, CHILD_INK))
    words = inked(spoken, CHILD_INK)[:, 0]
    caption = inked(spoken, INK)[:, 0]
    assert len(words) > 50 and len(caption) > 50
    assert words.min() > caption.max(), "the child's words are under the caption"


@pytest.mark.media
def test_a_reels_card_shows_what_the_child_might_say(
    family: Family, clip: Any, as_: Callable[[str], Caller], tmp_path: Path
) -> None:
    worker = as_("worker_a1")
    share_consent(worker, family)
    shared = {"share_with_carer": True, "category": "sensitivity", "caption": "You waited"}
    spoken = mark(worker, clip["id"], start_ms=1000, end_ms=2000, child_words="Again!", **shared)
    quiet = mark(worker, clip["id"], start_ms=4000, end_ms=5000, **shared)
    body = {"moment_ids": [spoken["id"], quiet["id"]]}
    reel = worker.ok("POST", f"/api/programmes/{family.programme}/reels", 202, json=body)
    reel = wait_for_reel(worker, reel["id"])
    assert reel["status"] == "ready", reel
    path = tmp_path / "reel.mp4"
    path.write_bytes(worker.get(f"/api/reels/{reel['id']}/media").content)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        size = (stream.width, stream.height)
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
    first_card, second_card = frames[0], frames[75 + 30]  # 2.5 s cards at 30 fps, 1 s moment
    with_words = np.asarray(title_card("You waited", *size, child_words="Again!"))
    without = np.asarray(title_card("You waited", *size))

    def distance(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.mean(np.abs(a.astype(int) - b.astype(int))))

    assert distance(first_card, with_words) < distance(first_card, without) / 2
    assert distance(second_card, without) < distance(second_card, with_words) / 2
