"""The joint review in a real browser, as the worker and the carer use it on a laptop and a phone:
it is recorded on the visit being held now (and says so before recording it elsewhere), it fits
the screen, its full screen is the video's, the carer's words and the child's words are kept."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import assert_accessible
from tests.support.browser import call, imported, sign_in, wait_until
from tests.support.media import Samples

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August")
MONTHS += ("September", "October", "November", "December")


def in_words(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def upload(server: str, child: dict[str, str], samples: Samples, session_id: str) -> Any:
    return imported(server, child, samples.get("indexed.mp4"), session_id=session_id)


def sessions_up_to(server: str, child: dict[str, str], *, today_is: int | None) -> list[Any]:
    """Sessions 2–6 after the fixture's session 1 (all held in the past), and, if `today_is`
    is a number, that session booked for today instead."""
    made = call(server, child, "GET", f"/api/sessions/{child['session']}")
    found = [made]
    for number in range(2, 7):
        if number == today_is:
            body: dict[str, Any] = {"held_on": date.today().isoformat(), "status": "planned"}
        else:
            held_on = date(2026, 2, 1) + timedelta(days=7 * (number - 1))
            body = {"held_on": held_on.isoformat(), "duration_minutes": 60}
        path = f"/api/programmes/{child['programme']}/sessions"
        found.append(call(server, child, "POST", path, json=body))
    return found


def share(server: str, child: dict[str, str], clip: Any, **body: Any) -> Any:
    moment = {"start_ms": 1000, "end_ms": 2500, "category": "sensitivity"}
    moment |= {"caption": "You waited for her", "share_with_carer": True} | body
    return call(server, child, "POST", f"/api/clips/{clip['id']}/moments", json=moment)


def open_joint_review(page: Page, server: str, clip: Any) -> None:
    sign_in(page, server, "worker_a1", f"/clips/{clip['id']}/joint-review")
    wait_until(page, "document.body.dataset.ready === 'true'")


def selected_session(page: Page) -> str:
    return str(page.evaluate("document.getElementById('session').selectedOptions[0].text"))


def test_the_review_is_recorded_on_todays_visit_for_a_clip_filmed_in_it(
    page: Page, server: str, child: dict[str, str], samples: Samples
) -> None:
    sessions = sessions_up_to(server, child, today_is=6)
    clip = upload(server, child, samples, sessions[5]["id"])
    share(server, child, clip)
    page.set_viewport_size(LAPTOP)
    open_joint_review(page, server, clip)
    page.get_by_role("button", name="End the review").click()
    # session 6, booked for today, not session 5 (the last one marked held)
    assert selected_session(page).startswith("Session 6")
    assert in_words(date.today()) in selected_session(page)
    page.get_by_label("Minutes watched together").fill("12")
    page.get_by_role("button", name="Save the review").click()
    expect(page.locator("#end-status")).to_contain_text("Recorded on session 6")
    expect(page.locator("#confirm-session")).to_be_hidden()  # the clip's own visit: no question
    sixth = call(server, child, "GET", f"/api/sessions/{sessions[5]['id']}")
    assert (sixth["reviewed_with_carer"], sixth["review_minutes"]) == (True, 12)
    assert sixth["status"] == "held"  # the visit the review was held in took place
    fifth = call(server, child, "GET", f"/api/sessions/{sessions[4]['id']}")
    assert fifth["review_minutes"] is None


def test_recording_on_another_visit_than_the_clips_is_confirmed_first(
    page: Page, server: str, child: dict[str, str], samples: Samples
) -> None:
    sessions = sessions_up_to(server, child, today_is=6)
    clip = upload(server, child, samples, sessions[2]["id"])  # filmed in session 3
    share(server, child, clip)
    page.set_viewport_size(LAPTOP)
    open_joint_review(page, server, clip)
    page.get_by_role("button", name="End the review").click()
    assert selected_session(page).startswith("Session 6")  # the visit being held now
    page.get_by_role("button", name="Save the review").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    filmed_on = date.fromisoformat(sessions[2]["held_on"])
    expect(dialog).to_contain_text(f"session 3 ({in_words(filmed_on)})")
    expect(dialog).to_contain_text(f"session 6 ({in_words(date.today())})")
    dialog.get_by_role("button", name="Choose again").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Held during")).to_be_focused()
    for session in sessions:  # nothing recorded yet
        path = f"/api/sessions/{session['id']}"
        assert call(server, child, "GET", path)["review_minutes"] is None
    page.get_by_role("button", name="Save the review").click()
    dialog.get_by_role("button", name="Record it on session 6").click()
    expect(page.locator("#end-status")).to_contain_text("Recorded on session 6")
    sixth = call(server, child, "GET", f"/api/sessions/{sessions[5]['id']}")
    assert sixth["reviewed_with_carer"] is True
    third = call(server, child, "GET", f"/api/sessions/{sessions[2]['id']}")
    assert third["review_minutes"] is None


def test_with_no_visit_today_the_review_defaults_to_the_clips_own_visit(
    page: Page, server: str, child: dict[str, str], samples: Samples
) -> None:
    sessions = sessions_up_to(server, child, today_is=None)
    clip = upload(server, child, samples, sessions[2]["id"])  # filmed in session 3 of 6
    share(server, child, clip)
    page.set_viewport_size(LAPTOP)
    open_joint_review(page, server, clip)
    page.get_by_role("button", name="End the review").click()
    filmed_on = date.fromisoformat(sessions[2]["held_on"])
    assert selected_session(page).startswith("Session 3")
    assert in_words(filmed_on) in selected_session(page)
    page.get_by_role("button", name="Save the review").click()
    expect(page.locator("#end-status")).to_contain_text("Recorded on session 3")


def test_the_carer_speaks_for_the_child_and_it_is_shown_under_the_caption(
    page: Page, server: str, child: dict[str, str], samples: Samples
) -> None:
    clip = upload(server, child, samples, child["session"])
    first = share(server, child, clip)
    share(server, child, clip, start_ms=5000, end_ms=6000, caption="You made him laugh")
    page.set_viewport_size(LAPTOP)
    open_joint_review(page, server, clip)
    shown = page.locator("#child-said")
    expect(shown).to_be_hidden()  # nothing said for the child yet
    words = page.get_by_label("What might the child say here? (the carer's words)")
    words.fill("Mummy, look at me!")
    page.get_by_role("button", name="Show the child's words").click()
    expect(shown).to_be_visible()
    expect(shown).to_contain_text("Your child might say")
    expect(page.locator("#child-said-text")).to_have_text("Mummy, look at me!")
    # its own style: set apart from the worker's caption above it
    caption_box = page.locator("#caption").bounding_box()
    child_box = shown.bounding_box()
    assert caption_box and child_box and child_box["y"] >= caption_box["y"] + caption_box["height"]
    assert page.evaluate(
        "getComputedStyle(document.getElementById('child-said')).color"
        " !== getComputedStyle(document.getElementById('caption')).color"
    )
    stored = call(server, child, "GET", f"/api/clips/{clip['id']}/moments")
    assert stored[0]["child_words"] == "Mummy, look at me!"

    # the next moment has its own (none yet); back again, the words are still there
    page.get_by_role("button", name="Next ▶").click()
    expect(shown).to_be_hidden()
    expect(words).to_have_value("")
    page.get_by_role("button", name="◀ Back").click()
    expect(page.locator("#child-said-text")).to_have_text("Mummy, look at me!")

    # a colleague changes the moment meanwhile: the save is refused in words, both kept
    version = call(server, child, "GET", f"/api/clips/{clip['id']}/moments")[0]["version"]
    theirs = {"version": version, "child_words": "Again, again!"}
    call(server, child, "PATCH", f"/api/moments/{first['id']}", json=theirs)
    words.fill("Look what I found")
    page.get_by_role("button", name="Show the child's words").click()
    status = page.locator("#child-words-status")
    expect(status).to_contain_text("Someone else changed this moment")
    expect(status).to_contain_text("Theirs: “Again, again!”")
    expect(status).to_contain_text("Yours: “Look what I found”")
    expect(words).to_have_value("Look what I found")  # nothing typed is lost
    status.get_by_role("button", name="Keep yours").click()
    expect(page.locator("#child-said-text")).to_have_text("Look what I found")
    stored = call(server, child, "GET", f"/api/clips/{clip['id']}/moments")
    assert stored[0]["child_words"] == "Look what I found"
    assert "PRIVATE" not in page.content()


def box(page: Page, selector: str) -> dict[str, float]:
    found = page.locator(selector).bounding_box()
    assert found is not None, selector
    return found


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def no_scroll(page: Page, *, vertical: bool) -> None:
    sizes = page.evaluate(
        "({w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight,"
        " iw: innerWidth, ih: innerHeight})"
    )
    assert sizes["w"] <= sizes["iw"], sizes
    if vertical:
        assert sizes["h"] <= sizes["ih"], sizes


def three_moments(server: str, child: dict[str, str], samples: Samples) -> Any:
    clip = upload(server, child, samples, child["session"])
    share(server, child, clip)
    share(server, child, clip, start_ms=3000, end_ms=5000, caption="You made him laugh")
    share(server, child, clip, start_ms=6000, end_ms=7000, caption="You named what he felt")
    return clip


def test_the_joint_review_fits_a_laptop_screen_with_the_boxes_beside_the_picture(
    page: Page, server: str, child: dict[str, str], samples: Samples
) -> None:
    clip = three_moments(server, child, samples)
    page.set_viewport_size(LAPTOP)
    open_joint_review(page, server, clip)
    expect(page.get_by_role("heading", level=1)).to_have_text("Watching together")
    no_scroll(page, vertical=True)
    for selector in (
        "#player",
        "#caption",
        "#play",
        "#said",
        "#child-words",
        "#strip",
        "#progress",
    ):
        found = box(page, selector)
        assert found["y"] >= 0 and found["y"] + found["height"] <= LAPTOP["height"], selector
    picture = box(page, "#player")
    assert picture["height"] >= 300, picture  # the picture takes what the words leave
    for selector in ("#said", "#child-words", "#save-words"):
        assert not overlaps(box(page, selector), picture), selector

    # a progress bar within the moment: from its start towards its end, as it plays
    wait_until(page, "!document.getElementById('player').paused")
    wait_until(page, "document.getElementById('progress').value > 0")
    through = page.evaluate(
        "(() => { const p = document.getElementById('player');"
        " return [document.getElementById('progress').value, p.currentTime]; })()"
    )
    assert 0 < through[0] <= 1000 and 1.0 <= through[1] <= 2.6, through

    # the strip of moments: one button each, with a thumbnail; the one playing is current
    strip = page.get_by_role("navigation", name="The moments to watch")
    buttons = strip.get_by_role("button")
    expect(buttons).to_have_count(3)
    expect(buttons.nth(0)).to_have_attribute("aria-current", "true")
    picture_url = page.evaluate(
        "getComputedStyle(document.querySelector('.strip-picture')).backgroundImage"
    )
    assert f"/api/clips/{clip['id']}/thumbnails" in picture_url
    buttons.nth(2).click()
    expect(page.locator("#count")).to_have_text("Moment 3 of 3")
    expect(page.locator("#caption")).to_have_text("You named what he felt")
    expect(buttons.nth(2)).to_have_attribute("aria-current", "true")
    wait_until(page, "Math.abs(document.getElementById('player').currentTime - 6.5) < 0.6")
    no_scroll(page, vertical=True)
    assert_accessible(page)

    # the way out: back to the review page
    page.get_by_role("link", name="← Back to the review page").click()
    expect(page).to_have_url(f"{server}/clips/{clip['id']}/review")


def test_full_screen_is_the_videos_with_its_caption_and_controls_over_it(
    page: Page, server: str, child: dict[str, str], samples: Samples
) -> None:
    clip = three_moments(server, child, samples)
    page.set_viewport_size(LAPTOP)
    open_joint_review(page, server, clip)
    page.get_by_role("button", name="Full screen").click()
    wait_until(page, "document.fullscreenElement !== null")
    assert page.evaluate("document.fullscreenElement.id") == "stage"  # not the page
    picture = box(page, "#player")
    assert picture["width"] >= LAPTOP["width"] - 2 or picture["height"] >= LAPTOP["height"] - 2
    for selector in ("#caption", "#next"):  # over the picture, inside what is full screen
        assert page.evaluate(
            f"document.fullscreenElement.contains(document.querySelector('{selector}'))"
        )
        assert overlaps(box(page, selector), picture), selector
        expect(page.locator(selector)).to_be_visible()
    page.get_by_role("button", name="Next ▶").click()
    expect(page.locator("#caption")).to_have_text("You made him laugh")
    page.get_by_role("button", name="Leave full screen").click()
    wait_until(page, "document.fullscreenElement === null")
    expect(page.get_by_role("button", name="Full screen")).to_be_visible()


def test_on_a_phone_the_boxes_never_sit_over_the_picture(
    page: Page, server: str, child: dict[str, str], samples: Samples
) -> None:
    clip = three_moments(server, child, samples)
    page.set_viewport_size(PHONE)
    open_joint_review(page, server, clip)
    no_scroll(page, vertical=False)
    picture = box(page, "#player")
    assert picture["width"] >= 340
    for selector in ("#said", "#child-words", "#strip", "#caption"):
        assert not overlaps(box(page, selector), picture), selector
    expect(page.get_by_role("button", name="Next ▶")).to_be_in_viewport()
    assert_accessible(page)


def test_with_nothing_shared_the_page_says_what_to_do(
    page: Page, server: str, child: dict[str, str], samples: Samples
) -> None:
    clip = upload(server, child, samples, child["session"])
    body = {"start_ms": 1000, "category": "sensitivity", "note": "not shared"}
    call(server, child, "POST", f"/api/clips/{clip['id']}/moments", json=body)
    page.set_viewport_size(LAPTOP)
    open_joint_review(page, server, clip)
    status = page.locator("#status")
    expect(status).to_contain_text("Mark a moment on the review page and tick Share with the carer")
    expect(page.get_by_role("button", name="End the review")).to_be_hidden()
    assert_accessible(page)
    status.get_by_role("link", name="Go to the review page").click()
    expect(page).to_have_url(f"{server}/clips/{clip['id']}/review")


def test_the_handout_shows_what_the_child_might_say_under_the_caption(
    page: Page, server: str, child: dict[str, str], samples: Samples
) -> None:
    clip = upload(server, child, samples, child["session"])
    spoken = share(server, child, clip, child_words="Look, I did it!")
    quiet = share(server, child, clip, start_ms=4000, end_ms=5000, caption="You made him laugh")
    consent = {"programme_id": child["programme"], "scope": "share_with_carer"}
    carers = call(server, child, "GET", f"/api/children/{child['child']}/carers")
    consent |= {"carer_id": carers[0]["id"], "given_on": "2026-01-10"}
    call(server, child, "POST", "/api/consents", json=consent)
    body = {"moment_ids": [spoken["id"], quiet["id"]]}
    reel = call(server, child, "POST", f"/api/programmes/{child['programme']}/reels", json=body)
    page.set_viewport_size(LAPTOP)
    sign_in(page, server, "worker_a1", f"/reels/{reel['id']}/handout")
    figures = page.locator(".handout-moment")
    expect(figures).to_have_count(2)
    first = figures.nth(0).locator(".handout-child")
    expect(first).to_have_text("Your child might say“Look, I did it!”")
    expect(figures.nth(1).locator(".handout-child")).to_have_count(0)
    for size in (LAPTOP, PHONE):
        page.set_viewport_size(size)
        no_scroll(page, vertical=False)
        caption = figures.nth(0).locator("p").first.bounding_box()
        words = first.bounding_box()
        assert caption and words and words["y"] >= caption["y"] + caption["height"]


def two_visits_of_moments(server: str, child: dict[str, str], samples: Samples) -> None:
    visit = {"held_on": "2026-03-01", "duration_minutes": 60}
    later = call(
        server, child, "POST", f"/api/programmes/{child['programme']}/sessions", json=visit
    )
    for session, category in ((child["session"], "sensitivity"), (later["id"], "sensitivity")):
        clip = upload(server, child, samples, session)
        body = {"start_ms": 1000, "category": category}
        call(server, child, "POST", f"/api/clips/{clip['id']}/moments", json=body)


def test_change_over_time_is_styled_and_plays_side_by_side_at_the_same_size(
    page: Page, server: str, child: dict[str, str], samples: Samples
) -> None:
    two_visits_of_moments(server, child, samples)
    page.set_viewport_size(LAPTOP)
    sign_in(page, server, "worker_a1", f"/children/{child['child']}")
    page.locator("summary", has_text="Change over time").click()
    change = page.get_by_role("region", name="Change over time")
    chart = change.get_by_role("img", name="Moments per session, by highlight")
    expect(chart).to_be_visible()
    drawn = chart.bounding_box()
    assert drawn and drawn["width"] <= 700 and drawn["height"] <= 320, drawn  # not 1,000 px
    legend = change.locator(".legend li").first
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.change .legend')).display")
        == "flex"
    )
    assert legend.locator(".swatch").evaluate("e => getComputedStyle(e).minWidth") != "0px"
    earlier, later = change.locator("video").all()
    a, b = earlier.bounding_box(), later.bounding_box()
    assert a and b and abs(a["y"] - b["y"]) < 2 and b["x"] > a["x"] + a["width"]  # side by side
    assert abs(a["width"] - b["width"]) < 2 and abs(a["height"] - b["height"]) < 2
    assert a["height"] >= 150
    no_scroll(page, vertical=False)


def test_a_manager_without_supervision_consent_is_told_why_there_is_no_footage(
    page: Page, server: str, child: dict[str, str], samples: Samples
) -> None:
    two_visits_of_moments(server, child, samples)
    page.set_viewport_size(LAPTOP)
    sign_in(page, server, "manager_a", f"/children/{child['child']}")
    page.locator("summary", has_text="Change over time").click()
    change = page.get_by_role("region", name="Change over time")
    expect(change.get_by_role("img", name="Moments per session, by highlight")).to_be_visible()
    expect(change).to_contain_text(
        "The carer has not given consent to supervision, so only the family's worker can watch"
    )
    expect(change.locator("video")).to_have_count(0)
