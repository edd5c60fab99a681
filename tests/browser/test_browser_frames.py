"""Exact frames and keys that keep working, in a real browser at 1366×768: N presses of ◀/▶ (keys
and buttons) move exactly N frames on the clip page and the review page, at a constant and a
variable frame rate, read back from the picture itself and checked against the server's own frame
times; and a click on a moment, the speed or the loop never takes the keys away."""

from __future__ import annotations

import time
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import (
    call,
    imported,
    no_sideways_scroll,
    open_review,
    sign_in,
    wait_until,
)
from tests.support.media import Samples

pytestmark = pytest.mark.browser

# tests/support/media.py's read_index, in the page: the frame number is in 12 black/white blocks
READ_INDEX = """() => {
  const video = document.getElementById("player");
  const canvas = document.createElement("canvas");
  canvas.width = 320;
  canvas.height = 240;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(video, 0, 0, 320, 240);
  let index = 0;
  for (let bit = 0; bit < 12; bit += 1) {
    const row = Math.floor(bit / 6), column = bit % 6;
    const y = 40 + row * 60, x = 20 + column * 48;
    const data = context.getImageData(x + 10, y + 10, 20, 20).data;
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += (data[i] + data[i + 1] + data[i + 2]) / 3;
    if (sum / (data.length / 4) > 128) index |= 1 << bit;
  }
  return index;
}"""


def frame_starts(server: str, child: dict[str, str], clip_id: str) -> list[Fraction]:
    """The server's frame times, in exact seconds."""
    body = call(server, child, "GET", f"/api/clips/{clip_id}/frames")
    num, den = body["time_base"]
    starts, at = [], body["start"]
    for frames, length in body["runs"]:
        for _ in range(frames):
            starts.append(Fraction(at * num, den))
            at += length
    return starts


def shown(page: Page) -> int:
    return int(page.evaluate(READ_INDEX))


def expect_frame(page: Page, starts: list[Fraction], frame: int) -> None:
    """The picture shows `frame` (a paused player's picture settles, so wait for it), and the
    playhead is inside that frame by the server's times."""
    wait_until(page, "!document.getElementById('player').seeking")
    deadline = time.monotonic() + 10
    while (seen := shown(page)) != frame:
        assert time.monotonic() < deadline, f"the picture shows frame {seen}, not {frame}"
        page.wait_for_timeout(50)
    now = page.evaluate("document.getElementById('player').currentTime")
    end = starts[frame + 1] if frame + 1 < len(starts) else starts[frame] + 1
    assert starts[frame] <= Fraction(now) < end, (frame, now, float(starts[frame]), float(end))


def put_at_frame(page: Page, starts: list[Fraction], frame: int) -> None:
    """The playhead in the middle of `frame`, and the keyboard given back to the page."""
    middle = float((starts[frame] + starts[frame + 1]) / 2)
    page.evaluate(f"document.getElementById('player').currentTime = {middle}")
    expect_frame(page, starts, frame)
    page.locator("h1").click()


@pytest.fixture
def webcam_clip(server: str, child: dict[str, str], samples: Samples) -> dict[str, Any]:
    """30 s of a webcam dropping from 30 to 15 fps and back, imported (re-encoded) and ready."""
    return imported(server, child, samples.get("webcam.webm"), mime="video/webm", within_s=120)


def press(page: Page, key: str, times: int) -> None:
    for _ in range(times):
        page.keyboard.press(key)


def open_clip_page(page: Page, server: str, clip_id: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, server, "worker_a1", f"/clips/{clip_id}")
    wait_until(page, "document.getElementById('player').readyState >= 2")
    wait_until(page, "document.body.dataset.frames === 'exact'")


def steps_are_exact(
    page: Page, starts: list[Fraction], start: int, step: Callable[[str, int], None]
) -> None:
    """From frame `start`, 5 back, 12 forward, 1 back: each lands where it must, held or fast."""
    put_at_frame(page, starts, start)
    step("back", 5)
    expect_frame(page, starts, start - 5)
    step("forward", 12)
    expect_frame(page, starts, start + 7)
    for n in range(3):  # one at a time, each shown before the next
        step("back", 1)
        expect_frame(page, starts, start + 6 - n)


def keys(page: Page) -> Callable[[str, int], None]:
    return lambda way, n: press(page, "ArrowLeft" if way == "back" else "ArrowRight", n)


def buttons(page: Page) -> Callable[[str, int], None]:
    def click(way: str, n: int) -> None:
        button = page.locator("#back-frame" if way == "back" else "#next-frame")
        for _ in range(n):
            button.click()

    return click


# a frame in the middle of the constant-rate clip, and one of the webcam's at its 15 fps stretch
CFR_FRAME = 150
VFR_FRAME = 130  # 4.2 s: the first 15 fps frame is 126


def test_frame_steps_on_the_clip_page_are_exact_at_a_constant_rate(
    page: Page, server: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    starts = frame_starts(server, child, clip["id"])
    open_clip_page(page, server, clip["id"])
    steps_are_exact(page, starts, CFR_FRAME, keys(page))
    steps_are_exact(page, starts, CFR_FRAME + 60, buttons(page))
    no_sideways_scroll(page)


def test_frame_steps_on_the_clip_page_are_exact_at_a_variable_rate(
    page: Page, server: str, child: dict[str, str], webcam_clip: dict[str, Any]
) -> None:
    starts = frame_starts(server, child, webcam_clip["id"])
    open_clip_page(page, server, webcam_clip["id"])
    steps_are_exact(page, starts, VFR_FRAME, keys(page))
    steps_are_exact(page, starts, VFR_FRAME, buttons(page))


def test_frame_steps_stop_at_the_ends_of_the_clip(
    page: Page, server: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    starts = frame_starts(server, child, clip["id"])
    open_clip_page(page, server, clip["id"])
    put_at_frame(page, starts, 2)
    press(page, "ArrowLeft", 4)
    expect_frame(page, starts, 0)
    put_at_frame(page, starts, len(starts) - 3)
    press(page, "ArrowRight", 4)
    expect_frame(page, starts, len(starts) - 1)


def open_review_at_laptop_size(page: Page, server: str, clip: dict[str, Any]) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    open_review(page, server, clip)
    wait_until(page, "document.body.dataset.frames === 'exact'")


def test_frame_steps_on_the_review_page_are_exact_at_both_rates(
    page: Page,
    server: str,
    child: dict[str, str],
    clip: dict[str, Any],
    webcam_clip: dict[str, Any],
) -> None:
    for made, frame in ((clip, CFR_FRAME), (webcam_clip, VFR_FRAME)):
        starts = frame_starts(server, child, made["id"])
        open_review_at_laptop_size(page, server, made)
        steps_are_exact(page, starts, frame, keys(page))
        no_sideways_scroll(page)
        page.context.clear_cookies()


def test_after_clicking_a_moment_space_plays(
    page: Page, server: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    call(
        server,
        child,
        "POST",
        f"/api/clips/{clip['id']}/moments",
        json={"start_ms": 2000, "category": "sensitivity"},
    )
    open_review_at_laptop_size(page, server, clip)
    page.locator(".moment-go").first.click()
    wait_until(page, "!document.getElementById('player').seeking")
    page.keyboard.press(" ")
    wait_until(page, "!document.getElementById('player').paused")
    page.keyboard.press(" ")
    wait_until(page, "document.getElementById('player').paused")


def test_after_changing_the_speed_or_the_loop_number_keys_mark_moments(
    page: Page, server: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    open_review_at_laptop_size(page, server, clip)
    page.locator("#rate").focus()  # as after choosing a speed, by mouse or keyboard
    page.locator("#rate").select_option("0.5")
    page.keyboard.press("1")
    expect(page.locator("#status")).to_contain_text("Sensitivity marked at")
    expect(page.locator("#rate")).to_have_value("0.5")
    assert page.evaluate("document.getElementById('player').playbackRate") == 0.5
    page.locator("#loop").click()
    expect(page.locator("#loop")).to_be_checked()
    page.keyboard.press("2")
    expect(page.locator("#status")).to_contain_text("Responsiveness marked at")
    expect(page.locator("#rate")).to_have_value("0.5")
    expect(page.locator("#loop")).to_be_checked()
    # Space on the clicked checkbox plays; it does not untick it
    page.keyboard.press(" ")
    wait_until(page, "!document.getElementById('player').paused")
    expect(page.locator("#loop")).to_be_checked()
    assert len(call(server, child, "GET", f"/api/clips/{clip['id']}/moments")) == 2


def test_every_control_says_its_key_and_the_key_list_is_the_maps(
    page: Page, server: str, clip: dict[str, Any]
) -> None:
    open_review_at_laptop_size(page, server, clip)
    play = page.locator("#play")
    expect(play).to_have_attribute("aria-keyshortcuts", "Space")
    expect(play).to_have_attribute("title", "Play or pause (Space)")
    expect(page.locator("#rate")).to_have_attribute("aria-keyshortcuts", "- + =")
    expect(page.locator("#rate")).to_have_attribute("title", "Speed: slower or faster (- / +)")
    expect(page.locator("#loop")).to_have_attribute("aria-keyshortcuts", "R")
    page.locator("#shortcuts summary").click()  # the key list's drawer
    keys_listed = page.locator("#shortcuts dd").all_inner_texts()
    assert (
        "One frame back (pauses)" in keys_listed
        and "Take a still of this exact frame" in keys_listed
    )
    expect(page.locator("#shortcuts dt").filter(has_text="Shift+←")).to_have_count(1)
