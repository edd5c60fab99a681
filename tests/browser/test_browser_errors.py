"""Errors where the eye is, in plain words: a form field's beside it (and announced with it), the
trim's beside its Save button; a trimmed clip says what it was cut from; the Film page says
"Film" and asks before filming a visit booked for another day, losing nothing either way."""

from __future__ import annotations

import struct
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, Route, expect

from tests.support.axe import assert_accessible
from tests.support.browser import call, imported, no_sideways_scroll, sign_in, wait_until
from tests.support.media import Samples

PYDANTIC = ("Field required", "String should", "Input should", "value_error", "type=")


def no_pydantic_words(page: Page) -> None:
    text = page.locator("body").inner_text()
    for phrase in PYDANTIC:
        assert phrase not in text, (phrase, text)


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, locator
    return found


def gap(a: Locator, b: Locator) -> float:
    """The distance between two elements' boxes (0 when they touch or overlap)."""
    one, two = box(a), box(b)
    dx = max(0.0, two["x"] - (one["x"] + one["width"]), one["x"] - (two["x"] + two["width"]))
    dy = max(0.0, two["y"] - (one["y"] + one["height"]), one["y"] - (two["y"] + two["height"]))
    return float((dx**2 + dy**2) ** 0.5)


def in_view(page: Page, locator: Locator) -> None:
    found, size = box(locator), page.viewport_size
    assert size is not None
    assert found["y"] >= 0 and found["y"] + found["height"] <= size["height"], found
    assert found["x"] >= 0 and found["x"] + found["width"] <= size["width"], found


def described_by(control: Locator) -> str:
    """What a screen reader says after the control's name: the texts of its aria-describedby."""
    return str(
        control.evaluate(
            "el => (el.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)"
            ".map(id => document.getElementById(id)?.textContent).join(' ')"
        )
    )


def test_a_form_shows_each_error_beside_its_field_in_plain_words(page: Page, server: str) -> None:
    # the sign-in page: an empty username is asked for beside it
    page.goto(f"{server}/signin")
    page.get_by_label("Password").fill("anything")
    page.get_by_role("button", name="Sign in").click()
    username = page.get_by_label("Username")
    expect(username).to_have_attribute("aria-invalid", "true")
    expect(username).to_be_focused()
    assert described_by(username) == "Enter a username."
    assert gap(username, page.get_by_text("Enter a username.")) < 16
    expect(page.get_by_role("alert")).to_have_text("Not signed in: see the field marked above.")
    no_pydantic_words(page)

    # the admin page: a short password, beside the password field; the message by the button
    sign_in(page, server, "admin", "/admin")
    page.get_by_text("Add a user").click()
    form = page.get_by_role("form", name="Add a user")
    form.get_by_label("Username").fill("casey")
    password = form.get_by_label("Password (10 characters or more)")
    password.fill("short")
    add = form.get_by_role("button", name="Add user")
    add.click()
    words = "The password must be at least 10 characters."
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_be_focused()
    assert described_by(password) == words
    assert gap(password, form.get_by_text(words)) < 16
    alert = form.get_by_role("alert")
    expect(alert).to_have_text("Not saved: see the field marked above.")
    assert gap(alert, add) < 40
    in_view(page, password)
    no_pydantic_words(page)
    # corrected, the error goes, and the user is added
    password.fill("a long enough password")
    expect(form.get_by_text(words)).to_have_count(0)
    expect(password).not_to_have_attribute("aria-invalid", "true")
    add.click()
    expect(page.get_by_role("status")).to_have_text("Added casey.")
    expect(form.locator(".field-error")).to_have_count(0)
    expect(form.get_by_label("Username")).to_have_value("")  # what was sent is cleared
    # a refusal about no field stays by the button, in view
    form.get_by_label("Username").fill("casey")
    form.get_by_label("Password (10 characters or more)").fill("a long enough password")
    add.click()
    expect(alert).to_be_visible()
    assert gap(alert, add) < 40
    in_view(page, alert)
    no_pydantic_words(page)


def test_the_clip_page_keeps_its_words_by_the_trim_and_says_where_a_trim_came_from(
    page: Page, server: str, child: dict[str, str], samples: Samples
) -> None:
    first = imported(server, child, samples.get("indexed.mp4"))
    trimmed = call(
        server, child, "POST", f"/api/clips/{first['id']}/trim",
        json={"from_ms": 2000, "to_ms": 6000, "mode": "fast"},
    )  # fmt: skip
    for width, height in ((1366, 768), (768, 1024)):
        page.set_viewport_size({"width": width, "height": height})
        if width == 1366:
            sign_in(page, server, "worker_a1", f"/clips/{trimmed['id']}")
        else:
            page.goto(f"{server}/clips/{trimmed['id']}")
        made_from = page.locator("#made-from")
        expect(made_from).to_have_text("Clip 2, trimmed from clip 1 at 00:02–00:06", timeout=60000)
        expect(page.get_by_role("heading", level=1)).to_have_text("Session 1: clip 2 (trimmed)")
        expect(page.locator("#status")).to_have_text("Trimmed clip ready.")
        wait_until(page, "document.getElementById('player').readyState >= 2")
        no_sideways_scroll(page)
        # Save before the points are set: the words appear beside Save, in view
        save = page.get_by_role("button", name="Save trimmed clip")
        save.click()
        message = page.locator("#trim-message")
        expect(message).to_have_text("Set the in point (I) and the out point (O) first.")
        assert gap(message, save) < 60, (box(message), box(save))
        in_view(page, message)
        in_view(page, save)
        expect(save).to_have_accessible_description(
            "Set the in point (I) and the out point (O) first."
        )
        no_sideways_scroll(page)
        assert_accessible(page)
    # the source is a link to the clip it was cut from, which says nothing of a trim
    page.locator("#made-from").get_by_role("link", name="clip 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Session 1: clip 1")
    expect(page.locator("#made-from")).to_be_hidden()
    # a trim refused by vfb (the out point past the end) is said beside Save too
    wait_until(page, "document.getElementById('player').readyState >= 2")
    page.evaluate("document.getElementById('player').currentTime = 7.9")
    wait_until(page, "Math.abs(document.getElementById('player').currentTime - 7.9) < 0.05")
    page.get_by_role("button", name="Set in").click()
    page.evaluate("document.getElementById('player').currentTime = 1")
    wait_until(page, "Math.abs(document.getElementById('player').currentTime - 1) < 0.05")
    page.get_by_role("button", name="Set out").click()
    save = page.get_by_role("button", name="Save trimmed clip")
    save.click()
    message = page.locator("#trim-message")
    expect(message).to_contain_text("Not saved")
    assert gap(message, save) < 60
    in_view(page, message)
    no_pydantic_words(page)


def test_the_clip_page_keeps_its_place_before_the_video_arrives(
    page: Page, server: str, clip: dict[str, Any]
) -> None:
    # The video's bytes and its poster held back: the player is already the clip's shape, so
    # nothing under it (the trim's message beside Save) moves when the first frame comes. (The
    # review rooms fill a fixed stage whatever the clip's shape.)
    page.route("**/api/clips/*/media", lambda route: None)
    page.route("**/api/clips/*/poster", lambda route: None)
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, server, "worker_a1", f"/clips/{clip['id']}")
    player = page.locator("#player")
    expect(player).to_be_visible(timeout=30000)
    assert page.evaluate("document.getElementById('player').readyState") == 0
    shape = box(player)
    assert abs(shape["width"] / shape["height"] - clip["width"] / clip["height"]) < 0.02, shape


def booked_next_week(server: str, child: dict[str, str]) -> tuple[date, dict[str, Any]]:
    later = date.today() + timedelta(days=7)
    path = f"/api/programmes/{child['programme']}/sessions"
    return later, call(
        server, child, "POST", path, json={"held_on": later.isoformat(), "status": "planned"}
    )


def test_filming_a_visit_booked_for_later_asks_first_and_loses_nothing(
    page: Page, server: str, child: dict[str, str]
) -> None:
    later, booked = booked_next_week(server, child)
    sign_in(page, server, "worker_a1", f"/sessions/{booked['id']}/record")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Film session {booked['number']}")
    expect(page).to_have_title("Film · vfb")
    start = page.get_by_role("button", name="Start filming", exact=True)
    expect(start).to_have_text("Start filming")
    expect(page.locator("#status")).to_contain_text("Ready", timeout=15000)
    for width, height in ((1366, 768), (768, 1024)):
        page.set_viewport_size({"width": width, "height": height})
        no_sideways_scroll(page)

    # asked before a frame is filmed; cancel: nothing saved, the camera still on
    start.click()
    dialog = page.get_by_role("dialog", name="This visit is booked for another day")
    weekday = later.strftime("%A")
    question = f"This visit is booked for {weekday} {later.day} {later.strftime('%B')}"
    if later.year != date.today().year:
        question += f" {later.year}"
    expect(dialog).to_contain_text(f"{question}: record it as held today?")
    expect(dialog.get_by_role("button", name="Yes, it is held today")).to_be_focused()
    no_sideways_scroll(page)
    assert_accessible(page)
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#status")).to_contain_text("Not filming: nothing was recorded.")
    assert call(server, child, "GET", f"/api/sessions/{booked['id']}")["status"] == "planned"
    assert call(server, child, "GET", f"/api/sessions/{booked['id']}/clips") == []
    expect(start).to_be_enabled()
    assert page.evaluate("document.getElementById('preview').srcObject.active")

    # another visit: the held one is offered, as a link to its own Film page
    start.click()
    dialog.get_by_role("button", name="Choose another visit").click()
    other = dialog.get_by_role("link", name="Film session 1 · ")
    expect(other).to_have_attribute("href", f"/sessions/{child['session']}/record")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert call(server, child, "GET", f"/api/sessions/{booked['id']}")["status"] == "planned"

    # yes: the visit is held today, and what is filmed is saved
    start.click()
    dialog.get_by_role("button", name="Yes, it is held today").click()
    expect(page.locator("#status")).to_have_text(
        f"Filming. Session {booked['number']} is now recorded as held today."
    )
    held = call(server, child, "GET", f"/api/sessions/{booked['id']}")
    assert (held["status"], held["held_on"]) == ("held", date.today().isoformat())
    expect(page.get_by_text("Saved safely")).to_be_visible(timeout=15000)
    page.get_by_role("button", name="Stop and save").click()
    page.wait_for_url(f"{server}/clips/*", timeout=30000)
    clips: list[Any] = call(server, child, "GET", f"/api/sessions/{booked['id']}/clips")
    assert len(clips) == 1


def test_importing_into_a_visit_booked_for_later_asks_the_same_question(
    page: Page, server: str, child: dict[str, str], samples: Samples
) -> None:
    _, booked = booked_next_week(server, child)
    sign_in(page, server, "worker_a1", f"/sessions/{booked['id']}")
    title = page.get_by_role("heading", level=1)
    expect(title).to_contain_text("(Planned)")
    page.get_by_label("Import a video from a phone or camera").set_input_files(
        samples.get("indexed.mp4")
    )
    page.get_by_role("button", name="Import", exact=True).click()
    dialog = page.get_by_role("dialog", name="This visit is booked for another day")
    expect(dialog).to_contain_text("record it as held today?")
    dialog.get_by_role("button", name="Choose another visit").click()
    other = dialog.get_by_role("link", name="Import into session 1 · ")
    expect(other).to_have_attribute("href", f"/sessions/{child['session']}")
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.locator("#status")).to_contain_text("Not imported: nothing was sent.")
    assert call(server, child, "GET", f"/api/sessions/{booked['id']}/clips") == []

    page.get_by_role("button", name="Import", exact=True).click()
    dialog.get_by_role("button", name="Yes, it is held today").click()
    expect(page.get_by_role("list", name="Clips").get_by_role("listitem")).to_have_count(1)
    expect(title).to_contain_text("(Held)")
    held = call(server, child, "GET", f"/api/sessions/{booked['id']}")
    assert (held["status"], held["held_on"]) == ("held", date.today().isoformat())


def padded_mp4(path: Path, small: Path, size: int) -> Path:
    """A real little MP4 followed by a `free` box (MP4's own padding) to `size` bytes: several
    pieces of a resumable upload."""
    data = small.read_bytes()
    left = size - len(data) - 8
    path.write_bytes(data + struct.pack(">I4s", left + 8, b"free") + bytes(left))
    return path


def test_an_import_whose_connection_drops_goes_on_from_what_vfb_kept(
    page: Page, server: str, child: dict[str, str], samples: Samples, tmp_path: Path
) -> None:
    film = padded_mp4(tmp_path / "camera.mp4", samples.get("indexed.mp4"), 20 << 20)
    pieces: list[str] = []

    def drop_the_second_piece_twice(route: Route) -> None:
        if route.request.method == "PATCH":
            pieces.append(route.request.headers["upload-offset"])
            if len(pieces) in {2, 3}:
                route.abort("connectionreset")  # the signal went, mid-upload, for 3 s
                return
        route.continue_()

    page.route("**/api/uploads/*", drop_the_second_piece_twice)
    sign_in(page, server, "worker_a1", f"/sessions/{child['session']}")
    page.get_by_label("Import a video from a phone or camera").set_input_files(str(film))
    page.get_by_role("button", name="Import", exact=True).click()
    dropped = "The connection dropped with 40% of camera.mp4"
    expect(page.locator("#status")).to_contain_text(dropped, timeout=30000)
    page.screenshot(path=str(tmp_path / "dropped.png"))  # looked at: calm, says what is kept
    expect(page.locator("#status")).to_contain_text("camera.mp4 imported", timeout=30000)
    expect(page.get_by_role("link", name="Clip 1")).to_be_visible()
    eight = str(8 << 20)
    assert pieces == ["0", eight, eight, eight, str(16 << 20)]  # only the dropped piece, again
    [clip] = call(server, child, "GET", f"/api/sessions/{child['session']}/clips")
    assert clip["original_name"] == "camera.mp4" and clip["origin"] == "upload"
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('vfb-upload'))") == []
