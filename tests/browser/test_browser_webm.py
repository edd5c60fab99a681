"""A browser's own recording, copied as a WebM, plays on the review page as an MP4 does: its
length known at once (MediaRecorder writes none) and a seek landing where it was asked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.api.test_webm_clips import piped_webm
from tests.support.browser import imported, open_review, wait_until

pytestmark = pytest.mark.media


@pytest.mark.parametrize("codec", ["libvpx", "libvpx-vp9"])
def test_a_copied_webm_recording_plays_and_seeks_on_the_review_page(
    page: Page, server: str, child: dict[str, Any], tmp_path: Path, codec: str
) -> None:
    film = piped_webm(tmp_path / "recorded.webm", codec)
    clip = imported(server, child, film, mime="video/webm")
    assert clip["video_codec"] == ("vp8" if codec == "libvpx" else "vp9")
    open_review(page, server, clip)
    duration = page.evaluate("document.getElementById('player').duration")
    assert abs(duration - 4.0) < 0.1  # known at once: not Infinity, as a raw recording's is
    page.evaluate("document.getElementById('player').currentTime = 2.5")
    wait_until(page, "document.getElementById('player').readyState >= 2")
    wait_until(page, "!document.getElementById('player').seeking")
    assert abs(page.evaluate("document.getElementById('player').currentTime") - 2.5) < 0.05
    width = page.evaluate("document.getElementById('player').videoWidth")
    assert width == 320  # a picture decoded, at its size
    # the ELAN export's clip downloads under the name the .eaf links it by
    assert page.get_attribute("#export-clip", "download") == f"clip-{clip['id']}.webm"
    assert page.text_content("#export-clip") == "the clip (.webm)"
