"""The review page on a worker's laptop (1366×768): a refused edit shows both versions and keeps
either, every moment change undoes and redoes on the server, the category palette marks at the
playhead or over a range, and the page fits the screen with 30 moments (no scroll; none sideways
at 1024 and 768 px), with a skip link, Play before the thumbnails and no axe-core violations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import assert_accessible
from tests.support.browser import at, call, open_review, wait_until

pytestmark = pytest.mark.browser
NOTE = "Your note (only for you and your team)"
NO_PAGE_SCROLL = (
    "document.documentElement.scrollHeight <= innerHeight"
    " && document.documentElement.scrollWidth <= innerWidth"
)
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= innerWidth"


def laptop(page: Page) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})


def stored(server: str, child: dict[str, str], clip: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = call(server, child, "GET", f"/api/clips/{clip['id']}/moments")
    return found


def server_shows(
    page: Page,
    server: str,
    child: dict[str, str],
    clip: dict[str, Any],
    check: Callable[[list[dict[str, Any]]], bool],
) -> list[dict[str, Any]]:
    """Wait until the server's moments pass `check` (saves are sent as they are made)."""
    for _ in range(100):
        moments = stored(server, child, clip)
        if check(moments):
            return moments
        page.wait_for_timeout(100)
    raise AssertionError(f"the server still has {moments}")


def test_a_refused_edit_shows_both_versions_and_either_can_be_kept(
    page: Page, server: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    body = {"start_ms": 1000, "category": "sensitivity", "note": "first"}
    moment = call(server, child, "POST", f"/api/clips/{clip['id']}/moments", json=body)
    path = f"/api/moments/{moment['id']}"
    laptop(page)
    open_review(page, server, clip)
    page.locator(".moment-go").click()
    note = page.get_by_label(NOTE)
    saved = page.locator(".moment .saved")
    conflict = page.locator(".moment-conflict")
    note.fill("mine one")
    expect(saved).to_have_text("Saved")  # after the pause in typing

    # a colleague saves their note meanwhile; typing on is refused
    call(server, child, "PATCH", path, json={"version": 2, "note": "theirs one"})
    note.press("End")
    note.press_sequentially(" more")
    expect(conflict.locator(".theirs blockquote")).to_have_text("theirs one")
    expect(conflict.locator(".mine blockquote")).to_have_text("mine one more")
    expect(saved).to_have_text("Not saved")  # never left on Saving…
    expect(note).to_have_value("theirs one")  # what is on screen is what is saved
    expect(note).not_to_be_editable()  # until the worker chooses
    page.get_by_role("button", name="Keep theirs").click()
    expect(conflict).to_have_count(0)
    expect(note).to_have_value("theirs one")
    expect(note).to_be_editable()
    assert [m["note"] for m in stored(server, child, clip)] == ["theirs one"]

    call(server, child, "PATCH", path, json={"version": 3, "note": "theirs two"})
    note.press("End")
    note.press_sequentially(" again")
    expect(conflict.locator(".theirs blockquote")).to_have_text("theirs two")
    expect(conflict.locator(".mine blockquote")).to_have_text("theirs one again")
    page.get_by_role("button", name="Keep yours").click()
    expect(conflict).to_have_count(0)
    expect(saved).to_have_text("Saved")
    expect(note).to_have_value("theirs one again")
    [kept] = stored(server, child, clip)
    assert (kept["note"], kept["version"]) == ("theirs one again", 5)  # sent on their version


def test_undo_and_redo_every_kind_of_change_reach_the_server(
    page: Page, server: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    laptop(page)
    open_review(page, server, clip)

    def shows(check: Callable[[list[dict[str, Any]]], bool]) -> list[dict[str, Any]]:
        return server_shows(page, server, child, clip, check)

    def one(start: int, note: str) -> Callable[[list[dict[str, Any]]], bool]:
        return lambda ms: [(m["start_ms"], m["note"]) for m in ms] == [(start, note)]

    at(page, 1.0)
    page.keyboard.press("1")  # add
    shows(one(1000, ""))
    page.keyboard.press("Enter")
    page.keyboard.type("waited")
    page.keyboard.press("Escape")  # edit
    shows(one(1000, "waited"))
    at(page, 2.0)
    page.keyboard.press("Shift+I")  # move
    shows(one(2000, "waited"))
    page.keyboard.press("Delete")  # delete
    shows(lambda ms: ms == [])

    page.keyboard.press("Control+z")  # the delete: made again, note and all
    shows(one(2000, "waited"))
    expect(page.locator(".moment-time")).to_have_text(["00:00:02.000"])
    page.keyboard.press("Control+z")  # the move
    shows(one(1000, "waited"))
    page.keyboard.press("Control+z")  # the note
    shows(one(1000, ""))
    page.keyboard.press("Control+z")  # the mark
    shows(lambda ms: ms == [])
    expect(page.locator(".moment")).to_have_count(0)
    page.keyboard.press("Control+z")
    expect(page.locator("#status")).to_have_text("Nothing to undo.")

    page.keyboard.press("Control+Shift+Z")  # the mark again
    shows(one(1000, ""))
    page.keyboard.press("Control+y")  # the note
    shows(one(1000, "waited"))
    page.get_by_role("button", name="Redo").click()  # the move, with the mouse
    shows(one(2000, "waited"))
    expect(page.locator(".moment-time")).to_have_text(["00:00:02.000"])
    page.keyboard.press("Control+y")  # the delete
    shows(lambda ms: ms == [])
    expect(page.get_by_role("button", name="Redo")).to_be_disabled()
    page.get_by_role("button", name="Undo").click()
    shows(one(2000, "waited"))


def test_the_palette_marks_at_the_playhead_or_over_the_range(
    page: Page, server: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    laptop(page)
    open_review(page, server, clip)
    at(page, 1.5)
    page.get_by_role("button", name="Mark Responsiveness (key 2)").click()
    expect(page.locator("#status")).to_contain_text("Responsiveness marked at 00:00:01.500")
    at(page, 3.0)
    page.keyboard.press("i")
    at(page, 4.0)
    page.keyboard.press("o")
    page.get_by_role("button", name="Mark Strengths (key 4)").click()
    expect(page.locator("#status")).to_contain_text("Strengths marked at 00:00:03.000 – 00:00:04")
    expect(page.locator("#pending")).to_be_hidden()
    # the new moment is open to edit, with what the child might say
    words = page.get_by_label("What the child might say (in the carer's words)")
    words.fill("Look, I did it!")
    words.press("Escape")
    expect(page.locator(".moment .saved")).to_have_text("Saved")
    found = stored(server, child, clip)
    assert [(m["category"], m["start_ms"], m["end_ms"], m["child_words"]) for m in found] == [
        ("responsiveness", 1500, 1500, ""),
        ("strengths", 3000, 4000, "Look, I did it!"),
    ]


def test_a_refused_save_says_why_beside_the_moment_and_keeps_the_words(
    page: Page, server: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    body = {"start_ms": 1000, "category": "sensitivity"}
    moment = call(server, child, "POST", f"/api/clips/{clip['id']}/moments", json=body)
    laptop(page)
    open_review(page, server, clip)
    page.locator(".moment-go").click()
    call(server, child, "DELETE", f"/api/moments/{moment['id']}")  # a colleague deletes it
    note = page.get_by_label(NOTE)
    note.fill("words I must not lose")
    note.press("Escape")
    saved = page.locator(".moment .saved")
    expect(saved).to_contain_text("Not saved: ")  # resolved, never left on Saving…
    expect(note).to_have_value("words I must not lose")
    page.locator("h1").click()
    expect(note).to_have_value("words I must not lose")
    page.get_by_role("button", name="Try again").click()
    expect(saved).to_contain_text("Not saved: ")
    expect(note).to_have_value("words I must not lose")


def in_view(page: Page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None, selector
    return bool(
        box["height"] > 0
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"]
    )


def test_the_page_fits_a_laptop_screen_with_30_moments(
    page: Page, server: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    categories = ["sensitivity", "responsiveness", "communication", "strengths"]
    for n in range(30):
        body = {
            "start_ms": 100 + n * 250,
            "end_ms": 100 + n * 250 + (200 if n % 3 else 0),
            "category": categories[n % 4],
            "note": f"Note {n}: a longer sentence about what the carer did and how he answered",
            "caption": f"You waited for her ({n})" if n % 2 else "",
        }
        call(server, child, "POST", f"/api/clips/{clip['id']}/moments", json=body)
    laptop(page)
    open_review(page, server, clip)
    expect(page.locator(".moment")).to_have_count(30)
    assert page.evaluate(NO_PAGE_SCROLL)
    for part in ("#player", "#play", "#timeline", "#palette", "#moment-list"):
        assert in_view(page, part), part
    scrolls = "(l => l.scrollHeight > l.clientHeight)(document.getElementById('moment-list'))"
    assert page.evaluate(scrolls)  # within its panel

    # one editor open at a time; opening it scrolls nothing but the list
    page.locator(".moment-go").nth(14).click()
    page.locator(".moment-go").nth(20).click()
    expect(page.locator(".moment-editor")).to_have_count(1)
    expect(page.get_by_label(NOTE)).to_have_value(
        "Note 20: a longer sentence about what the carer did and how he answered"
    )
    assert page.evaluate(NO_PAGE_SCROLL)
    assert_accessible(page)
    for drawer in ("Stills", "Keyboard shortcuts", "Export or import moments", "Highlight reel"):
        page.locator("#drawers summary", has_text=drawer).click()
        expect(page.locator("#drawers details[open]")).to_have_count(1)
        assert page.evaluate(NO_PAGE_SCROLL), drawer
        # the drawer opens over the page (scanned above), so only the drawer is scanned here
        assert_accessible(page, exclude=["#review-area"])
    page.locator("#drawers summary", has_text="Highlight reel").click()
    expect(page.locator("#drawers details[open]")).to_have_count(0)

    page.set_viewport_size({"width": 1024, "height": 768})
    wait_until(page, NO_PAGE_SCROLL)
    page.set_viewport_size({"width": 768, "height": 1024})  # a tablet, upright
    wait_until(page, NO_SIDEWAYS_SCROLL)
    assert in_view(page, "#play")


def test_skip_link_and_play_before_the_thumbnails(
    page: Page, server: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    body = {"start_ms": 1000, "category": "sensitivity"}
    call(server, child, "POST", f"/api/clips/{clip['id']}/moments", json=body)
    laptop(page)
    open_review(page, server, clip)
    order = page.evaluate(
        """() => [...document.querySelectorAll('a[href], button, input, select, textarea, summary')]
            .filter((e) => !e.disabled && e.offsetParent !== null && e.tabIndex >= 0)
            .map((e) => e.id || e.className || e.textContent.trim())"""
    )
    assert order.index("play") < order.index("thumb"), order
    expect(page.locator("h1")).to_have_count(1)
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the moments")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    wait_until(page, "document.activeElement.id === 'moments'")
    page.keyboard.press("Tab")
    expect(page.locator(".moment-go")).to_be_focused()
