"""The review page and the joint review in a real browser: marking moments by keyboard, finding
them again after a reload, seeking to a moment within a frame, a stale change explained, and a
joint review that shows the carer only what was shared and records itself on the session."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import at, call, open_review, sign_in, wait_until
from tests.support.media import Samples

pytestmark = pytest.mark.browser
FRAME_MS = 1000 / 30


def test_moments_marked_by_keyboard_are_there_after_a_reload(
    page: Page, server: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    open_review(page, server, clip)
    expect(page.locator("#timeline canvas").first).to_be_attached()  # the waveform is drawn
    at(page, 1.0)
    page.keyboard.press("1")  # Sensitivity, a point
    expect(page.locator("#status")).to_contain_text("Sensitivity marked at 00:00:01.000")
    at(page, 2.5)
    page.keyboard.press("i")
    at(page, 4.0)
    page.keyboard.press("o")
    expect(page.locator("#pending")).to_contain_text("Range 00:00:02.500 – 00:00:04.000")
    page.keyboard.press("3")  # Communication, over the range
    expect(page.locator("#status")).to_contain_text("Communication marked at 00:00:02.500")
    at(page, 5.0)  # frame 150; one frame on lands in the middle of frame 151
    page.keyboard.press("ArrowRight")
    wait_until(page, "Math.abs(document.getElementById('player').currentTime - 5.05) < 0.001")
    page.keyboard.press("4")  # Strengths
    expect(page.locator("#status")).to_contain_text("Strengths marked at 00:00:05.050")
    page.keyboard.press("Enter")  # the selected (newest) moment's note
    expect(page.get_by_label("Your note (only for you and your team)").last).to_be_focused()
    page.keyboard.type("Held out the cup and waited")
    page.keyboard.press("Escape")  # saved on leaving the field, no save button
    expect(page.locator(".moment .saved").last).to_have_text("Saved")
    expect(page.locator("#timeline .region")).to_have_count(3)

    page.reload()
    wait_until(page, "document.body.dataset.ready === 'true'")
    times = page.locator(".moment-time").all_inner_texts()
    assert times == ["00:00:01.000", "00:00:02.500 – 00:00:04.000", "00:00:05.050"]
    categories = page.locator(".moment-category").all_inner_texts()
    assert categories == ["Sensitivity", "Communication", "Strengths"]
    page.locator(".moment-go", has_text="00:00:05.050").click()  # its row opens to edit
    expect(page.get_by_label("Your note (only for you and your team)")).to_have_value(
        "Held out the cup and waited"
    )
    stored = call(server, child, "GET", f"/api/clips/{clip['id']}/moments")
    assert [(m["start_ms"], m["end_ms"]) for m in stored] == [
        (1000, 1000),
        (2500, 4000),
        (5050, 5050),
    ]
    expect(page.locator("#timeline .region")).to_have_count(3)


def test_choosing_a_moment_lands_the_video_within_a_frame_of_it(
    page: Page, server: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    for start in (1234, 6017, 333):
        body = {"start_ms": start, "category": "strengths"}
        call(server, child, "POST", f"/api/clips/{clip['id']}/moments", json=body)
    open_review(page, server, clip)
    for start in (6017, 333, 1234):
        button = page.locator(".moment-go", has_text=f"{start / 1000:.3f}")
        button.click()
        wait_until(page, "!document.getElementById('player').seeking")
        landed = page.evaluate("document.getElementById('player').currentTime") * 1000
        assert abs(landed - start) <= FRAME_MS, (start, landed)
    # and with the keyboard: the next moment after the playhead
    at(page, 0.0)
    page.keyboard.press("ArrowDown")
    wait_until(page, "Math.abs(document.getElementById('player').currentTime - 0.333) < 0.034")


def test_a_stale_change_is_refused_and_explained_not_lost(
    page: Page, server: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    body = {"start_ms": 1000, "category": "sensitivity", "note": "first words"}
    moment = call(server, child, "POST", f"/api/clips/{clip['id']}/moments", json=body)
    open_review(page, server, clip)
    # a colleague saves a change after this page loaded the moment
    call(
        server,
        child,
        "PATCH",
        f"/api/moments/{moment['id']}",
        json={"version": 1, "note": "theirs"},
    )
    page.locator(".moment-go").click()
    note = page.get_by_label("Your note (only for you and your team)")
    note.fill("mine")
    note.press("Escape")
    conflict = page.locator(".moment-conflict")
    expect(conflict).to_contain_text("someone else saved a change to this moment")
    expect(conflict.locator(".theirs blockquote")).to_have_text("theirs")
    expect(conflict.locator(".mine blockquote")).to_have_text("mine")
    expect(note).to_have_value("theirs")  # their version, reloaded; theirs was not overwritten
    expect(page.locator(".moment .saved")).to_have_text("Not saved")
    stored = call(server, child, "GET", f"/api/clips/{clip['id']}/moments")
    assert [m["note"] for m in stored] == ["theirs"]


def test_the_joint_review_shows_only_shared_moments_and_records_the_review(
    page: Page, server: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    moments = f"/api/clips/{clip['id']}/moments"
    shared = {"share_with_carer": True}
    for body in (
        {"start_ms": 1000, "end_ms": 2500, "category": "sensitivity", "note": "PRIVATE one"}
        | {"caption": "You waited until he looked at you"}
        | shared,
        {"start_ms": 3000, "category": "communication", "note": "PRIVATE two"},
        {"start_ms": 5000, "category": "strengths", "note": "PRIVATE three"}
        | {"caption": "You made him laugh"}
        | shared,
    ):
        call(server, child, "POST", moments, json=body)
    session = f"/api/sessions/{child['session']}"
    not_yet = {"reviewed_with_carer": False, "review_minutes": None, "review_highlights": []}
    call(server, child, "PATCH", session, json=not_yet)

    sign_in(page, server, "worker_a1", f"/clips/{clip['id']}/joint-review")
    wait_until(page, "document.body.dataset.ready === 'true'")
    expect(page.locator("#caption")).to_have_text("You waited until he looked at you")
    expect(page.locator("#count")).to_have_text("Moment 1 of 2")
    wait_until(page, "!document.getElementById('player').paused")
    assert "PRIVATE" not in page.content()
    page.get_by_label("What the carer says about this moment, in their own words").fill(
        "I didn't know I did that"
    )
    page.get_by_role("button", name="Save their words").click()
    expect(page.locator("#words-saved")).to_contain_text("I didn't know I did that")
    page.get_by_role("button", name="Hold on the still").click()
    expect(page.locator("#still")).to_be_visible()
    page.get_by_role("button", name="Next ▶").click()
    expect(page.locator("#caption")).to_have_text("You made him laugh")
    expect(page.locator("#count")).to_have_text("Moment 2 of 2")
    assert "PRIVATE" not in page.content()
    page.get_by_role("button", name="Finish").click()
    expect(page.locator("#highlights")).to_have_text("Highlights shown: Sensitivity, Strengths.")
    page.get_by_label("Minutes watched together").fill("15")
    page.get_by_role("button", name="Save the review").click()
    expect(page.locator("#end-status")).to_contain_text("Recorded on session 1")

    recorded = call(server, child, "GET", session)
    assert recorded["reviewed_with_carer"] is True
    assert recorded["review_minutes"] == 15
    assert recorded["review_highlights"] == ["sensitivity", "strengths"]
    [first, *_] = call(server, child, "GET", moments)
    assert [c["text"] for c in first["carer_comments"]] == ["I didn't know I did that"]


def test_a_joint_review_moment_keeps_looping_when_the_page_runs_no_frames(
    page: Page, server: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    """A hidden tab or a busy phone runs no animation frames while the video plays on: the
    moment at the clip's very end still starts again rather than stopping there."""
    body = {"start_ms": 6500, "category": "strengths", "share_with_carer": True}
    call(server, child, "POST", f"/api/clips/{clip['id']}/moments", json=body | {"caption": "Late"})
    page.add_init_script("window.requestAnimationFrame = () => 0;")
    sign_in(page, server, "worker_a1", f"/clips/{clip['id']}/joint-review")
    wait_until(page, "document.body.dataset.ready === 'true'")
    wait_until(page, "document.getElementById('player').currentTime > 7.5")
    wait_until(page, "document.getElementById('player').currentTime < 7")  # round again
    assert page.evaluate("!document.getElementById('player').paused")


def test_the_programme_shows_change_over_time_and_an_early_moment_beside_a_later_one(
    page: Page, server: str, child: dict[str, str], clip: dict[str, Any], samples: Samples
) -> None:
    visit = {"held_on": "2026-03-01", "duration_minutes": 60}
    later = call(
        server, child, "POST", f"/api/programmes/{child['programme']}/sessions", json=visit
    )
    with samples.get("indexed.mp4").open("rb") as f:
        files = {"file": ("visit.mp4", f, "video/mp4")}
        second = call(server, child, "POST", f"/api/sessions/{later['id']}/clips", files=files)
    moments = f"/api/clips/{clip['id']}/moments"
    call(server, child, "POST", moments, json={"start_ms": 1000, "category": "sensitivity"})
    call(server, child, "POST", moments, json={"start_ms": 2000, "category": "strengths"})
    deadline = time.monotonic() + 60
    while call(server, child, "GET", f"/api/clips/{second['id']}")["status"] != "ready":
        assert time.monotonic() < deadline
        time.sleep(0.2)
    for start, category in (
        (1000, "sensitivity"),
        (3000, "sensitivity"),
        (4000, "positive_change"),
    ):
        body = {"start_ms": start, "category": category}
        call(server, child, "POST", f"/api/clips/{second['id']}/moments", json=body)

    sign_in(page, server, "worker_a1", f"/children/{child['child']}")
    page.locator("summary", has_text="Change over time").click()
    change = page.get_by_role("region", name="Change over time")
    expect(change.get_by_role("img", name="Moments per session, by highlight")).to_be_visible()
    change.get_by_text("The same as a table").click()
    rows = change.locator("tbody tr")
    expect(rows).to_have_count(2)
    cells = [row.locator("th, td").all_inner_texts() for row in rows.all()]
    assert cells == [["1", "1", "0", "0", "1", "0"], ["2", "2", "0", "0", "0", "1"]]
    earlier, later_video = change.locator("video").all()
    assert "#t=1,1" not in (earlier.get_attribute("src") or "")
    assert f"/api/clips/{clip['id']}/media#t=1," in (earlier.get_attribute("src") or "")
    assert f"/api/clips/{second['id']}/media#t=1," in (later_video.get_attribute("src") or "")
    change.get_by_role("button", name="Play both").click()
    wait_until(
        page, "[...document.querySelectorAll('.side-by-side video')].every(v => v.currentTime >= 1)"
    )
