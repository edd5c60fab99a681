"""The review page's timeline in a real browser at 1366×768: a ruler that adapts to the zoom,
zoom by key, wheel and pinch down to single frames with the playhead always in view, one lane per
category, ranges made and moments adjusted by dragging (the time and frame shown), a preview frame
under the pointer, and no accessibility faults inside it. The 8-second clip shows its frame number.
"""

from __future__ import annotations

import itertools
import math
import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import AXE, TAGS
from tests.support.browser import call, no_sideways_scroll, open_review, wait_until

pytestmark = pytest.mark.browser
FRAME_MS = 1000 / 30
PLAYER = "document.getElementById('player')"


def open_laptop(page: Page, server: str, clip: dict[str, Any]) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    open_review(page, server, clip)
    wait_until(page, "document.querySelector('#timeline .tl-body') !== null")
    show_timeline(page)


def show_timeline(page: Page) -> None:
    """Bring the timeline into the window (the page's layout is not this file's concern)."""
    page.evaluate("document.getElementById('timeline').scrollIntoView({ block: 'end' })")


def view(page: Page) -> dict[str, float]:
    """The part of the clip in view, and where the drawing is on the screen."""
    found: dict[str, float] = page.evaluate(
        """() => {
            const root = document.getElementById('timeline');
            const body = root.querySelector('.tl-body').getBoundingClientRect();
            return { start: Number(root.dataset.startMs), end: Number(root.dataset.endMs),
                     left: body.left, width: body.width, top: body.top, bottom: body.bottom };
        }"""
    )
    return found


def x_of(page: Page, ms: float) -> float:
    v = view(page)
    return v["left"] + (ms - v["start"]) / (v["end"] - v["start"]) * v["width"]


def lane_y(page: Page, category: str) -> float:
    box = page.locator(f"#timeline .tl-lane[data-category='{category}']").bounding_box()
    assert box is not None
    return box["y"] + box["height"] / 2


def now_ms(page: Page) -> float:
    return float(page.evaluate(f"{PLAYER}.currentTime")) * 1000


def at(page: Page, seconds: float) -> None:
    page.evaluate(f"{PLAYER}.currentTime = {seconds}")
    wait_until(page, f"Math.abs({PLAYER}.currentTime - {seconds}) < 0.001 && !{PLAYER}.seeking")
    page.locator("h1").click()
    show_timeline(page)


def playhead_in_view(page: Page) -> bool:
    return bool(
        page.evaluate(
            """() => {
                const head = document.querySelector('#timeline .tl-playhead');
                const body = document.querySelector('#timeline .tl-body').getBoundingClientRect();
                const box = head.getBoundingClientRect();
                return !head.hidden && box.width > 0 && box.left >= body.left - 1
                    && box.right <= body.right + 1;
            }"""
        )
    )


def zoom_to_frames(page: Page) -> None:
    zoom_in = page.get_by_role("button", name="Zoom in (Z)")
    for _ in range(12):
        if zoom_in.is_disabled():
            break
        page.keyboard.press("z")
    expect(zoom_in).to_be_disabled()


def post_moment(server: str, child: dict[str, str], clip: dict[str, Any], **body: Any) -> Any:
    return call(server, child, "POST", f"/api/clips/{clip['id']}/moments", json=body)


def test_the_ruler_goes_from_seconds_to_frames_and_a_single_frame_is_wide_enough_to_click(
    page: Page,
    server: str,
    clip: dict[str, Any],
) -> None:
    open_laptop(page, server, clip)
    no_sideways_scroll(page)
    timeline = page.locator("#timeline")
    expect(timeline).to_have_attribute("data-unit", "seconds")
    labels = page.locator("#timeline .tl-label").all_inner_texts()
    assert labels[0] == "0:00" and labels[1] in ("0:01", "0:02"), labels
    whole = view(page)
    assert whole["start"] == 0 and abs(whole["end"] - clip["duration_ms"]) <= 20

    at(page, 4.0)
    zoom_to_frames(page)
    expect(timeline).to_have_attribute("data-unit", "frames")
    labels = page.locator("#timeline .tl-label").all_inner_texts()
    assert labels and all(label.startswith("frame ") for label in labels), labels
    v = view(page)
    frame_px = v["width"] / (v["end"] - v["start"]) * FRAME_MS
    assert frame_px >= 20, f"a frame is {frame_px:.1f} px wide"
    assert v["start"] <= 4000 <= v["end"], "zoomed about the playhead"
    assert playhead_in_view(page)

    # a click on each of two neighbouring frames lands on each of them
    y = lane_y(page, "sensitivity")
    landed = []
    for frame in (125, 126):
        page.mouse.click(x_of(page, (frame + 0.5) * FRAME_MS), y)
        wait_until(page, f"!{PLAYER}.seeking")
        landed.append(int(now_ms(page) // FRAME_MS))
    assert landed == [125, 126]

    page.keyboard.press("Shift+Z")  # drawn at the next frame: wait for it, then read it once
    wait_until(page, f"document.getElementById('timeline').dataset.startMs !== '{v['start']:g}'")
    wider = view(page)
    assert wider["end"] - wider["start"] > 1.9 * (v["end"] - v["start"])
    page.keyboard.press("w")
    expect(timeline).to_have_attribute("data-start-ms", "0")
    expect(page.get_by_role("button", name="Whole clip (W)")).to_be_disabled()
    no_sideways_scroll(page)


def test_ctrl_wheel_and_a_pinch_zoom_about_the_pointer(
    page: Page,
    server: str,
    clip: dict[str, Any],
) -> None:
    open_laptop(page, server, clip)
    y = lane_y(page, "communication")
    x = x_of(page, 6000)
    page.mouse.move(x, y)
    before = view(page)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -300)
    page.keyboard.up("Control")
    wait_until(page, f"Number(document.getElementById('timeline').dataset.endMs) < {before['end']}")
    after = view(page)
    assert after["end"] - after["start"] < (before["end"] - before["start"]) / 2
    under = after["start"] + (x - after["left"]) / after["width"] * (after["end"] - after["start"])
    assert abs(under - 6000) < 60, f"{under} ms is under the pointer, not 6000"
    # an unmodified wheel now scrolls along the clip
    page.mouse.wheel(0, -200)
    start = "Number(document.getElementById('timeline').dataset.startMs)"
    wait_until(page, f"{start} < {after['start']}")
    page.keyboard.press("w")
    end = "Number(document.getElementById('timeline').dataset.endMs)"
    wait_until(page, f"{start} === 0 && Math.abs({end} - {clip['duration_ms']}) <= 20")  # whole

    # two fingers spread apart over 2 s zoom in about their middle
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 2})
    middle = x_of(page, 2000)
    fit = view(page)

    def touch(kind: str, spread: float) -> None:
        points = [{"x": middle - spread, "y": y, "id": 1}, {"x": middle + spread, "y": y, "id": 2}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", 20)
    for spread in (40, 80, 160):
        touch("touchMove", spread)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    wait_until(page, f"{end} - {start} < {(fit['end'] - fit['start']) / 4}")  # once drawn
    pinched = view(page)
    assert pinched["end"] - pinched["start"] < (fit["end"] - fit["start"]) / 4
    assert pinched["start"] < 2000 < pinched["end"]
    no_sideways_scroll(page)


def test_the_playhead_stays_in_view_while_zoomed_playing_seeking_and_stepping(
    page: Page,
    server: str,
    clip: dict[str, Any],
) -> None:
    open_laptop(page, server, clip)
    at(page, 1.0)
    zoom_to_frames(page)
    first = view(page)
    page.keyboard.press(" ")
    wait_until(page, f"!{PLAYER}.paused")
    seen = 0
    while now_ms(page) < first["end"] + 1500:
        assert playhead_in_view(page), (now_ms(page), view(page))
        seen += 1
        page.wait_for_timeout(50)
    page.keyboard.press("k")
    assert seen > 5
    assert view(page)["start"] > first["end"], "the view turned its pages with the playhead"
    for seconds in (6.5, 0.2, 7.9):
        page.evaluate(f"{PLAYER}.currentTime = {seconds}")
        wait_until(page, f"!{PLAYER}.seeking")
        page.wait_for_function("() => new Promise((done) => requestAnimationFrame(done))")
        assert playhead_in_view(page), seconds
    at(page, 3.0)
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
        wait_until(page, f"!{PLAYER}.seeking")
    page.keyboard.press("Shift+ArrowRight")
    wait_until(page, f"!{PLAYER}.seeking")
    assert playhead_in_view(page)


def test_one_lane_per_category_with_points_as_markers_and_the_selected_one_highlighted(
    page: Page,
    server: str,
    child: dict[str, str],
    clip: dict[str, Any],
) -> None:
    # three moments at the same time in three categories: in one row, their labels would collide
    post_moment(server, child, clip, start_ms=2000, end_ms=3000, category="sensitivity")
    post_moment(server, child, clip, start_ms=2000, end_ms=3500, category="communication")
    post_moment(server, child, clip, start_ms=2500, category="strengths")
    open_laptop(page, server, clip)
    heads = page.locator("#timeline .tl-head-name").all_inner_texts()
    assert heads[:5] == [
        "Sensitivity",
        "Responsiveness",
        "Communication",
        "Strengths",
        "Positive change",
    ], heads
    for category, count in (("sensitivity", 1), ("responsiveness", 0), ("communication", 1)):
        lane = page.locator(f"#timeline .tl-lane[data-category='{category}'] .region")
        expect(lane).to_have_count(count)
    point = page.locator("#timeline .tl-lane[data-category='strengths'] .tl-point")
    expect(point).to_have_count(1)
    boxes = [
        page.locator(f"#timeline .tl-lane[data-category='{c}'] .region").bounding_box()
        for c in ("sensitivity", "communication", "strengths")
    ]
    assert all(boxes)
    for upper, lower in itertools.pairwise(boxes):
        assert upper and lower and upper["y"] + upper["height"] <= lower["y"], (upper, lower)
    # lanes line up with their heads
    for n, category in enumerate(["sensitivity", "responsiveness", "communication"]):
        head = page.locator("#timeline .tl-lane-heads .tl-head").nth(n).bounding_box()
        lane = page.locator(f"#timeline .tl-lane[data-category='{category}']").bounding_box()
        assert head and lane and abs(head["y"] - lane["y"]) < 1.5, (category, head, lane)

    page.locator(".moment-go", has_text="Communication").click()
    expect(page.locator("#timeline .tl-lane[data-category='communication'] .region")).to_have_class(
        "region tl-moment selected"
    )
    expect(page.locator("#timeline .region.selected")).to_have_count(1)
    # a click on a moment on the timeline selects it in the list and goes to it
    show_timeline(page)
    box = point.bounding_box()
    assert box
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator(".moment.selected .moment-category")).to_have_text("Strengths")
    expect(point).to_have_class("region tl-moment tl-point selected")
    wait_until(page, f"Math.abs({PLAYER}.currentTime - 2.5) < 0.034")


def test_dragging_across_the_timeline_makes_a_range_that_a_number_key_marks(
    page: Page,
    server: str,
    child: dict[str, str],
    clip: dict[str, Any],
) -> None:
    open_laptop(page, server, clip)
    y = lane_y(page, "responsiveness")
    page.mouse.move(x_of(page, 2000), y)
    page.mouse.down()
    page.mouse.move(x_of(page, 2600), y, steps=4)
    label = page.locator("#timeline .tl-drag-label")
    expect(label).to_be_visible()
    expect(label).to_contain_text("frame ")
    page.mouse.move(x_of(page, 3000), y, steps=4)
    page.mouse.up()
    expect(label).to_be_hidden()
    pending = page.locator("#pending")
    expect(pending).to_contain_text("(or its number) to mark it")
    page.keyboard.press("2")  # Responsiveness, over the dragged range
    expect(page.locator("#status")).to_contain_text("Responsiveness marked at")
    [made] = call(server, child, "GET", f"/api/clips/{clip['id']}/moments")
    now = view(page)
    per_px = (now["end"] - now["start"]) / now["width"]
    assert abs(made["start_ms"] - 2000) <= per_px + FRAME_MS, made
    assert abs(made["end_ms"] - 3000) <= per_px + FRAME_MS, made
    # on whole frames: the first millisecond of a frame
    for edge in (made["start_ms"], made["end_ms"]):
        frame = math.floor(edge * 30 / 1000 + 1e-6)
        assert edge == math.ceil(frame * 1000 / 30 - 1e-6), edge

    # and with a finger
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 2})
    y = lane_y(page, "strengths")
    for ms, kind in ((5000, "touchStart"), (5400, "touchMove"), (6000, "touchMove")):
        points = [{"x": x_of(page, ms), "y": y, "id": 1}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    # from the frame nearest the finger (a pixel may be a frame either side at this zoom)
    expect(pending).to_contain_text(re.compile(r"Range 00:00:0(4\.9[6-9]\d|5\.0[0-3]\d)"))
    expect(pending).to_contain_text("– 00:00:0")
    no_sideways_scroll(page)


def saved_after(
    server: str, child: dict[str, str], clip: dict[str, Any], done: Callable[[Any], bool]
) -> Any:
    """The clip's one moment once the page's save has landed (the page shows the change at once,
    and saves it a moment later)."""
    deadline = time.monotonic() + 10
    while True:
        [stored] = call(server, child, "GET", f"/api/clips/{clip['id']}/moments")
        if done(stored) or time.monotonic() > deadline:
            return stored
        time.sleep(0.1)


def test_dragging_an_edge_shows_its_time_and_frame_and_saves_at_the_end(
    page: Page,
    server: str,
    child: dict[str, str],
    clip: dict[str, Any],
) -> None:
    moment = post_moment(server, child, clip, start_ms=2000, end_ms=4000, category="sensitivity")
    open_laptop(page, server, clip)
    y = lane_y(page, "sensitivity")
    page.mouse.move(x_of(page, 4000) - 1, y)
    page.mouse.down()
    page.mouse.move(x_of(page, 4600), y, steps=5)
    label = page.locator("#timeline .tl-drag-label")
    expect(label).to_be_visible()
    text = label.inner_text()
    assert text.startswith("00:00:04.") and " · frame 13" in text, text
    # nothing is saved while dragging
    [stored] = call(server, child, "GET", f"/api/clips/{clip['id']}/moments")
    assert stored["end_ms"] == 4000
    page.mouse.move(x_of(page, 5000), y, steps=3)
    shown = label.inner_text()
    page.mouse.up()
    expect(page.locator(".moment-time")).not_to_have_text("00:00:02.000 – 00:00:04.000")
    stored = saved_after(server, child, clip, lambda m: m["end_ms"] != 4000)
    assert stored["id"] == moment["id"] and stored["start_ms"] == 2000
    now = view(page)
    per_px = (now["end"] - now["start"]) / now["width"]
    assert abs(stored["end_ms"] - 5000) <= per_px + FRAME_MS, stored
    frame = math.floor(stored["end_ms"] * 30 / 1000 + 1e-6)
    assert shown.endswith(f"frame {frame}"), (shown, stored)
    expect(page.locator(".moment-time")).to_contain_text("00:00:02.000 – 00:00:0")


def test_hovering_shows_the_frame_from_the_thumbnails_and_the_time_and_a_click_seeks(
    page: Page,
    server: str,
    clip: dict[str, Any],
) -> None:
    open_laptop(page, server, clip)
    times = clip["thumbnails"]["times_ms"]
    hover = page.locator("#timeline .tl-hover")
    expect(hover).to_be_hidden()
    y = lane_y(page, "strengths")
    page.mouse.move(x_of(page, 5000), y)
    expect(hover).to_be_visible()
    expect(page.locator("#timeline .tl-hover-time")).to_contain_text("00:00:0")
    expected = max(n for n, t in enumerate(times) if t <= 5000)
    expect(page.locator("#timeline .tl-hover-frame")).to_have_attribute("data-index", str(expected))
    box = hover.bounding_box()
    assert box and box["width"] >= clip["thumbnails"]["width"]
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1366
    page.mouse.move(x_of(page, 0.2), y)  # at the very start, the preview stays on screen
    box = hover.bounding_box()
    assert box and box["x"] >= 0
    page.mouse.click(x_of(page, 5000), y)
    wait_until(page, f"!{PLAYER}.seeking && Math.abs({PLAYER}.currentTime - 5) < 0.1")
    page.mouse.move(600, 100)
    expect(hover).to_be_hidden()
    no_sideways_scroll(page)


def test_the_timeline_has_a_name_and_no_accessibility_faults(
    page: Page,
    server: str,
    child: dict[str, str],
    clip: dict[str, Any],
) -> None:
    post_moment(server, child, clip, start_ms=2000, end_ms=3000, category="sensitivity")
    post_moment(server, child, clip, start_ms=2500, category="strengths")
    open_laptop(page, server, clip)
    expect(page.get_by_role("group", name="Timeline")).to_be_visible()
    for name in ("Zoom in (Z)", "Zoom out (Shift+Z)", "Whole clip (W)"):
        expect(page.get_by_role("button", name=name)).to_be_attached()
    page.keyboard.press("z")  # so the zoom buttons are enabled, and their contrast counts
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run({ include: [["#timeline"]] },
                                         { runOnly: { type: "tag", values: tags } });
            return result.violations.map((v) => v.id + ": " + v.nodes.map((n) => n.target).join());
        }""",
        TAGS,
    )
    assert found == []


def test_two_hundred_moments_stay_responsive_and_playing_redraws_only_the_playhead(
    page: Page,
    server: str,
    child: dict[str, str],
    clip: dict[str, Any],
) -> None:
    codes = ["sensitivity", "responsiveness", "communication", "strengths", "positive_change"]
    rows = ["start_ms,end_ms,category"]
    for n in range(200):
        start = 30 + n * 38
        end = start if n % 3 == 0 else start + 400
        rows.append(f"{start},{end},{codes[n % 5]}")
    # one import, not 200 posts: the page is what is measured here
    path = f"/api/clips/{clip['id']}/moments/import?format=csv"
    assert len(call(server, child, "POST", path, content="\r\n".join(rows).encode())) == 200
    open_laptop(page, server, clip)
    expect(page.locator("#timeline .region")).to_have_count(200)
    # playing: the moments and the ruler are left alone at every timeupdate
    changes = page.evaluate(
        """async () => {
            const player = document.getElementById('player');
            let changes = 0, updates = 0;
            const seen = new MutationObserver((list) => (changes += list.length));
            for (const part of ['.tl-lanes', '.tl-ruler'])
                seen.observe(document.querySelector('#timeline ' + part),
                             { subtree: true, childList: true, attributes: true });
            player.addEventListener('timeupdate', () => updates++);
            await player.play();
            await new Promise((done) => setTimeout(done, 1200));
            player.pause();
            await new Promise((done) => requestAnimationFrame(done));
            seen.disconnect();
            return { changes, updates };
        }"""
    )
    assert changes["updates"] >= 3 and changes["changes"] == 0, changes
    # twenty steps of Ctrl+wheel zoom and twenty of scrolling, each drawn within a frame or two
    x = x_of(page, 4000)
    y = lane_y(page, "communication")
    page.mouse.move(x, y)
    timing = page.evaluate(
        """async ([x, y]) => {
            const body = document.querySelector('#timeline .tl-body');
            const frame = () => new Promise((done) => requestAnimationFrame(done));
            const times = [];
            for (let n = 0; n < 40; n++) {
                const began = performance.now();
                const zoom = n < 20;
                body.dispatchEvent(new WheelEvent('wheel', { clientX: x, clientY: y,
                    bubbles: true, cancelable: true, ctrlKey: zoom,
                    deltaY: zoom ? -60 : 0, deltaX: zoom ? 0 : 120 }));
                await frame();
                await frame();
                times.push(performance.now() - began);
            }
            times.sort((a, b) => a - b);
            return { median: times[20], worst: times[39],
                     end: Number(document.getElementById('timeline').dataset.endMs),
                     start: Number(document.getElementById('timeline').dataset.startMs) };
        }""",
        [x, y],
    )
    assert timing["end"] - timing["start"] < 2000, timing  # it did zoom in
    assert timing["median"] < 100 and timing["worst"] < 500, timing
    no_sideways_scroll(page)
