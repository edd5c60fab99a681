"""The pages in a real browser: Playwright driving Debian's Chromium against `vfb serve` (the
fixtures are in tests/support/browser.py)."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx2 as httpx
import numpy as np
import pytest
from playwright.sync_api import Page, expect

from tests.support import PASSWORD
from tests.support.browser import (
    api_token,
    imported,
    made_reel,
    sign_in,
    sign_in_by_form,
    wait_until,
)
from tests.support.media import Samples, shown_picture

pytestmark = pytest.mark.browser


def test_a_worker_adds_a_session_and_finds_it_after_a_reload(
    page: Page, server: str, child: dict[str, str]
) -> None:
    sign_in_by_form(page, server, "worker_a1")  # as a person does; the others by cookie
    expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
    row = page.get_by_role("row", name="BROWSER-1")
    expect(row).to_contain_text("Active")
    expect(row).to_contain_text("1")
    row.get_by_role("link", name="BROWSER-1").click()
    expect(page.get_by_role("heading", name="BROWSER-1", level=1)).to_be_visible()

    page.get_by_role("button", name="Add a session").click()
    form = page.get_by_role("form", name="Add a session")
    form.get_by_label("Length (minutes)").fill("70")
    form.get_by_label("Filmed (minutes)").fill("12.5")
    form.get_by_label("Video reviewed with the carer").check()
    form.get_by_label("Review (minutes)").fill("15")
    form.get_by_label("Sensitivity").check()
    form.get_by_label("Strengths").check()
    form.get_by_role("button", name="Add session").click()
    expect(page.get_by_role("status")).to_have_text("Session 2 added.")

    page.reload()
    sessions = page.get_by_role("table", name="Sessions")
    second = sessions.get_by_role("row").filter(has=page.get_by_role("rowheader", name="2"))
    expect(second).to_contain_text("70 min")
    expect(second).to_contain_text("12 min 30 s")
    expect(second).to_contain_text("Yes, 15 min")
    expect(second).to_contain_text("Sensitivity, Strengths")

    stored = httpx.get(
        f"{server}/api/programmes/{child['programme']}/sessions",
        headers={"Authorization": child["auth"]},
    ).json()
    assert [(s["number"], s["filmed_seconds"], s["review_highlights"]) for s in stored] == [
        (1, 700, []),
        (2, 750, ["sensitivity", "strengths"]),
    ]


def test_a_mistake_in_the_form_is_explained_in_plain_words(
    page: Page, server: str, child: dict[str, str]
) -> None:
    sign_in(page, server, "worker_a1", f"/children/{child['child']}")
    page.get_by_role("button", name="Add a session").click()
    form = page.get_by_role("form", name="Add a session")
    form.get_by_label("Date").fill("2099-01-01")
    form.get_by_role("button", name="Add session").click()
    expect(form.get_by_role("alert")).to_contain_text("has not happened yet: record it as planned")
    expect(page.get_by_role("table", name="Sessions").get_by_role("row")).to_have_count(2)


def test_a_wrong_password_is_told_plainly(page: Page, server: str) -> None:
    page.goto(f"{server}/signin")
    page.get_by_label("Username").fill("worker_a1")
    page.get_by_label("Password").fill("not it")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")


def test_a_supervisor_sees_the_team_read_only(
    page: Page, server: str, child: dict[str, str]
) -> None:
    sign_in(page, server, "supervisor_a")
    expect(page.get_by_role("heading", name="Team caseload")).to_be_visible()
    page.get_by_role("link", name="BROWSER-1").click()
    expect(page.get_by_role("table", name="Sessions")).to_be_visible()
    expect(page.get_by_role("form", name="Add a session")).to_have_count(0)


def test_another_workers_child_is_not_found(page: Page, server: str, child: dict[str, str]) -> None:
    sign_in(page, server, "worker_a2")
    expect(page.get_by_text("No children on this caseload.")).to_be_visible()
    page.goto(f"{server}/children/{child['child']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.get_by_role("status")).to_contain_text("not one of yours")
    expect(page.get_by_text("Sam")).to_have_count(0)


def test_a_worker_adds_a_child_from_the_caseload(page: Page, server: str) -> None:
    sign_in(page, server, "worker_a1")
    page.get_by_text("Add a child").click()
    form = page.get_by_role("form", name="Add a child")
    form.get_by_label("Reference (case number)").fill("NEW-7")
    form.get_by_label("Date of birth").fill("2024-02-29")
    form.get_by_label("Attachment difficulties").select_option("at_risk")
    form.get_by_label("Identified on").fill("2025-11-01")
    form.get_by_label("Care status").select_option("kinship_foster_care")
    form.get_by_role("button", name="Add child").click()
    expect(page.get_by_role("heading", name="NEW-7", level=1)).to_be_visible()
    expect(page.locator("#facts")).to_contain_text("At risk since 1 Nov 2025")
    expect(page.locator("#facts")).to_contain_text("Kinship foster care")
    expect(page.locator("#facts")).to_contain_text("worker_a1")


def test_a_booked_visit_is_recorded_as_held(page: Page, server: str, child: dict[str, str]) -> None:
    auth = {"Authorization": child["auth"]}
    today = httpx.post(
        f"{server}/api/programmes/{child['programme']}/sessions",
        json={"held_on": time.strftime("%Y-%m-%d"), "status": "planned"},
        headers=auth,
    )
    assert today.status_code == 201, today.text
    sign_in(page, server, "worker_a1", f"/children/{child['child']}")
    sessions = page.get_by_role("table", name="Sessions")
    expect(sessions).to_contain_text("Planned")
    second = sessions.get_by_role("row").filter(has=page.get_by_role("rowheader", name="2"))
    held = second.get_by_role("button", name="Mark as held", exact=True)  # its words, its name
    expect(held).to_have_text("Mark as held")
    held.click()
    form = page.get_by_role("form", name="Mark session 2 as held")
    expect(form.get_by_label("Status")).to_have_value("held")
    form.get_by_label("Length (minutes)").fill("75")
    form.get_by_label("Filmed (minutes)").fill("15")
    form.get_by_role("button", name="Save session 2").click()
    expect(page.get_by_role("status")).to_have_text("Session 2 saved.")
    expect(second).to_contain_text("Held")
    expect(second).to_contain_text("75 min")
    expect(second).to_contain_text("15 min")


def test_a_manager_closes_a_case_and_it_leaves_the_open_caseload(
    page: Page, server: str, child: dict[str, str]
) -> None:
    sign_in(page, server, "manager_a", f"/children/{child['child']}")
    page.get_by_text("Edit details").click()
    form = page.get_by_role("form", name="Edit details")
    expect(form.get_by_label("Allocated worker")).to_have_value(
        httpx.get(
            f"{server}/api/children/{child['child']}", headers={"Authorization": child["auth"]}
        ).json()["worker_id"]
    )
    form.get_by_label("Case closed on").fill("2026-02-15")
    form.get_by_role("button", name="Save details").click()
    expect(page.locator("#facts")).to_contain_text("Closed 15 Feb 2026")
    page.goto(f"{server}/caseload")
    expect(page.get_by_text("No children on this caseload.")).to_be_visible()
    page.get_by_label("Include closed cases").check()
    expect(page.get_by_role("row", name="BROWSER-1")).to_contain_text("closed 15 Feb 2026")


def test_an_admin_adds_a_user_and_disabling_one_ends_their_session(page: Page, server: str) -> None:
    worker = api_token(server, "worker_a2")
    assert httpx.get(f"{server}/api/users/me", headers=worker).status_code == 200
    sign_in(page, server, "admin", "/admin")
    page.get_by_text("Add a user").click()
    form = page.get_by_role("form", name="Add a user")
    form.get_by_label("Username").fill("casey")
    form.get_by_label("Password (10 characters or more)").fill("a long enough password")
    form.get_by_label("Role").select_option("supervisor")
    form.get_by_label("Training completed on").fill("2025-05-01")
    form.get_by_role("button", name="Add user").click()
    expect(page.get_by_role("status")).to_have_text("Added casey.")
    expect(page.get_by_role("row", name="casey")).to_contain_text("supervisor")
    page.get_by_role("button", name="Disable worker_a2").click()
    expect(page.get_by_role("row", name="worker_a2")).to_contain_text("Disabled")
    assert httpx.get(f"{server}/api/users/me", headers=worker).status_code == 401


def test_the_programme_shows_its_fidelity_scorecard(
    page: Page, server: str, child: dict[str, str]
) -> None:
    sign_in(page, server, "supervisor_a", f"/children/{child['child']}")
    page.get_by_text("Fidelity: Off track").click()
    scorecard = page.get_by_role("region", name="Fidelity")
    expect(scorecard.get_by_role("heading")).to_contain_text("Off track")
    review = scorecard.get_by_role("listitem").filter(has_text="Video reviewed with the carer")
    expect(review).to_contain_text("Fail")
    expect(review).to_contain_text("session 1 had no shared review.")
    sessions = scorecard.get_by_role("listitem").filter(has_text="At least 10 sessions")
    expect(sessions).to_contain_text("Pending")
    expect(sessions).to_contain_text("1 of 10 sessions held.")


def test_an_admin_resets_a_password_from_the_page(page: Page, server: str) -> None:
    sign_in(page, server, "admin", "/admin")
    form = page.get_by_role("form", name="New password for worker_a1")
    form.get_by_role("textbox", name="New password for worker_a1").fill("a password set by admin")
    form.get_by_role("button", name="Set").click()
    expect(page.get_by_role("status")).to_contain_text("Set a new password for worker_a1")
    response = httpx.post(
        f"{server}/api/auth/token",
        data={"username": "worker_a1", "password": "a password set by admin"},
    )
    assert response.status_code == 200


def test_signing_in_and_opening_a_child_by_keyboard_alone(
    page: Page, server: str, child: dict[str, str]
) -> None:
    page.goto(f"{server}/caseload")
    expect(page.get_by_label("Username")).to_be_focused()  # autofocus
    page.keyboard.type("worker_a1")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{server}/caseload")
    link = page.get_by_role("link", name="BROWSER-1")
    for _ in range(15):
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="BROWSER-1", level=1)).to_be_visible()


def test_a_worker_records_with_the_camera_and_trims_the_clip_by_keyboard(
    page: Page, server: str, child: dict[str, str]
) -> None:
    """Chromium's fake camera and microphone: record 6 seconds on the Record page, stop, and the
    clip plays on its page; then mark in and out with I and O and save a trimmed clip."""
    sign_in(page, server, "worker_a1", f"/sessions/{child['session']}/record")
    expect(page.locator("#status")).to_contain_text("Ready", timeout=15000)
    page.get_by_role("button", name="Start filming").click()
    expect(page.locator("#status")).to_have_text("Filming.")
    page.wait_for_timeout(6000)
    expect(page.get_by_text("Saved safely")).to_be_visible()
    page.get_by_role("button", name="Stop and save").click()
    page.wait_for_url(f"{server}/clips/*", timeout=30000)
    player = page.locator("#player")
    expect(player).to_be_visible(timeout=60000)
    wait_until(page, "document.getElementById('player').readyState >= 2", 30)
    duration = page.evaluate("document.getElementById('player').duration")
    assert 5.5 <= duration <= 8, duration
    page.evaluate("document.getElementById('player').play()")
    wait_until(page, "document.getElementById('player').currentTime > 0.5", 15)
    page.evaluate("document.getElementById('player').pause()")
    # trim by keyboard: in at 1 s, out at 4 s
    for seconds, key in ((1.0, "i"), (4.0, "o")):
        page.evaluate(f"document.getElementById('player').currentTime = {seconds}")
        wait_until(
            page, f"Math.abs(document.getElementById('player').currentTime - {seconds}) < 0.01"
        )
        page.locator("h1").click()
        page.keyboard.press(key)
    expect(page.get_by_label("In point")).to_have_text("00:00:01.000")
    expect(page.get_by_label("Out point")).to_have_text("00:00:04.000")
    expect(page.get_by_text("The trimmed clip will last 00:03")).to_be_visible()
    first_clip = page.url
    page.get_by_role("button", name="Save trimmed clip").click()
    page.wait_for_url(lambda url: url != first_clip and "/clips/" in url, timeout=30000)
    expect(page.locator("#status")).to_contain_text("Trimmed clip ready", timeout=60000)
    expect(page.locator("#made-from")).to_have_text(
        re.compile(r"^Clip 2, trimmed from clip 1 at 00:01–00:0[45]$")
    )
    wait_until(page, "document.getElementById('player').readyState >= 2", 30)
    trimmed = page.evaluate("document.getElementById('player').duration")
    # whole frames: from the one shown at 1 s to the end of the one shown just before 4 s, which
    # lasts until the camera's next frame (further off when a busy machine drops frames)
    made = page.request.get(f"{server}/api/clips/{page.url.rsplit('/', 1)[1]}").json()
    assert made["trim_from_ms"] <= 1000 and made["trim_to_ms"] >= 4000, made
    assert made["trim_to_ms"] - 4000 < 500, made
    assert abs(trimmed * 1000 - made["duration_ms"]) < 50, (trimmed, made)
    # the session page lists both, the recording and its trim
    page.get_by_role("link", name="← Session 1").click()
    expect(page.get_by_role("link", name="Clip 1")).to_be_visible()
    expect(page.get_by_role("link", name="Clip 2 (trimmed)")).to_be_visible()


def test_a_worker_imports_a_phone_video_on_the_film_page(
    page: Page, server: str, child: dict[str, str], samples: Samples
) -> None:
    sign_in(page, server, "worker_a1", f"/sessions/{child['session']}")
    page.get_by_label("Import a video from a phone or camera").set_input_files(
        samples.get("rotated-hevc.mov")
    )
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#status")).to_contain_text("rotated-hevc.mov imported")
    clip = page.get_by_role("link", name="Clip 1")
    expect(clip).to_be_visible()
    expect(page.get_by_text("imported from rotated-hevc.mov")).to_be_visible()
    expect(page.locator("li.clip img")).to_be_visible(timeout=60000)  # its poster, once ready
    expect(page.get_by_text("being made ready to play")).to_have_count(0)  # gone once it is
    refused = samples.get("text.mp4")
    page.get_by_label("Import a video from a phone or camera").set_input_files(refused)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#status")).to_contain_text("text.mp4 cannot be used as a clip")
    clip.click()
    wait_until(page, "document.getElementById('player')?.readyState >= 2")  # once the page is there
    size = page.evaluate("[player.videoWidth, player.videoHeight]")
    assert size == [240, 320]  # the phone's rotation applied


def test_chromium_shows_a_copied_phone_film_the_way_it_was_held(
    page: Page, server: str, child: dict[str, str], samples: Samples
) -> None:
    """vfb copies a rotated H.264 phone film as it is, trusting the browser to turn it by the
    display matrix: the picture read back from Chromium's player is FFmpeg's upright one."""
    film = samples.get("rotated-h264.mp4")
    clip = imported(server, child, film)
    sign_in(page, server, "worker_a1", f"/clips/{clip['id']}")
    wait_until(page, "document.getElementById('player')?.readyState >= 2")
    page.evaluate("player.currentTime = 1.01")  # frame 30 of 30 a second is on screen from 1 s
    wait_until(page, "!player.seeking && player.readyState >= 2")
    size, grey = page.evaluate(
        """() => {
          const canvas = document.createElement('canvas');
          canvas.width = player.videoWidth;
          canvas.height = player.videoHeight;
          const context = canvas.getContext('2d');
          context.drawImage(player, 0, 0);
          const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
          const grey = [];
          for (let i = 0; i < rgba.length; i += 4) {
            grey.push(Math.round((rgba[i] + rgba[i + 1] + rgba[i + 2]) / 3));
          }
          return [[canvas.width, canvas.height], grey];
        }"""
    )
    assert size == [240, 320]
    shown = np.array(grey, dtype=np.float64).reshape(320, 240)
    upright = shown_picture(film, 1000 - 2, 240, 320)
    assert float(np.corrcoef(shown.ravel(), upright.ravel())[0, 1]) > 0.95


def index_in(grey: np.ndarray) -> int:
    """The frame index the indexed clip's blocks spell (see tests.support.media.indexed_frame)."""
    index = 0
    for bit in range(12):
        row, column = divmod(bit, 6)
        y, x = 40 + row * 60, 20 + column * 48
        if grey[y + 10 : y + 30, x + 10 : x + 30].mean() > 128:
            index |= 1 << bit
    return index


def test_chromium_plays_a_reel_of_copied_gops_and_re_encoded_ends_frame_for_frame(
    page: Page, server: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    """A reel joins the clip's own GOPs with re-encoded frames and a title card that carry
    parameter sets of their own: Chromium's player shows each the frame FFmpeg does."""
    made = made_reel(server, child, clip, [(1500, 4500)])  # frames 45–134; GOPs 60 and 90 whole
    sign_in(page, server, "worker_a1", f"/clips/{clip['id']}")
    wait_until(page, "document.getElementById('player')?.readyState >= 2")
    page.evaluate(f"player.src = '/api/reels/{made['id']}/media'")
    wait_until(page, "player.readyState >= 2 && player.currentSrc.includes('/reels/')")
    card = 2.5
    for frame in (45, 52, 59, 60, 100, 119, 120, 134):  # re-encoded, copied, re-encoded
        page.evaluate(f"player.currentTime = {card + (frame - 45 + 0.5) / 30}")
        wait_until(page, "!player.seeking && player.readyState >= 2")
        grey = page.evaluate(
            """() => {
              const canvas = document.createElement('canvas');
              canvas.width = 320;
              canvas.height = 240;
              const context = canvas.getContext('2d');
              context.drawImage(player, 0, 0, 320, 240);
              const rgba = context.getImageData(0, 0, 320, 240).data;
              const grey = [];
              for (let i = 0; i < rgba.length; i += 4) grey.push(rgba[i]);
              return grey;
            }"""
        )
        assert index_in(np.array(grey, dtype=np.float64).reshape(240, 320)) == frame
    assert page.evaluate("player.error") is None
