"""The child page in a real browser: a summary and sections that open and close, forms in
dialogs, "Mark as held", no sideways scroll on a laptop or a tablet, and withdrawing consent in a
dialog that says exactly what will be deleted before anything is."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import assert_accessible
from tests.support.browser import call, imported, no_sideways_scroll, sign_in
from tests.support.media import Samples

pytestmark = pytest.mark.browser


def carer_of(server: str, child: dict[str, str]) -> str:
    [carer] = call(server, child, "GET", f"/api/children/{child['child']}/carers")
    return str(carer["id"])


def consent(server: str, child: dict[str, str], scope: str) -> dict[str, Any]:
    body = {"programme_id": child["programme"], "carer_id": carer_of(server, child)}
    body |= {"scope": scope, "given_on": "2026-01-05"}
    return dict(call(server, child, "POST", "/api/consents", json=body))


def test_the_summary_and_sections_fit_a_laptop_and_a_tablet(
    page: Page, server: str, child: dict[str, str]
) -> None:
    booked = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    sessions = f"/api/programmes/{child['programme']}/sessions"
    call(server, child, "POST", sessions, json={"held_on": booked, "status": "planned"})
    consent(server, child, "share_with_carer")
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, server, "worker_a1", f"/children/{child['child']}")
    summary = page.get_by_role("region", name="Summary")
    expect(summary).to_contain_text("Active · 1 session held")
    day = datetime.date.fromisoformat(booked)
    expect(summary).to_contain_text(f"Session 2 · {day:%A} {day.day} {day:%B %Y}")
    expect(summary).to_contain_text("Off track")
    expect(summary).to_contain_text("Given: Filming, Share with carer")
    # every section's heading is on the first screen; what the worker needs today is open
    for name in (
        "Carers",
        "Comprehensive assessment",
        "Consents",
        "Outcomes",
        "Programmes and visits",
    ):
        heading = page.get_by_role("heading", name=name, exact=True)
        box = heading.bounding_box()
        assert box and box["y"] + box["height"] <= 768, (name, box)
    expect(page.get_by_role("table", name="Sessions")).to_be_visible()
    carers = page.locator("#carers")
    expect(carers).to_be_hidden()
    page.get_by_role("heading", name="Carers").click()
    expect(carers).to_contain_text("Sam (Birth parent)")
    # a form opens in a dialog, over the page, and closes on Cancel
    page.get_by_role("button", name="Add a carer").click()
    dialog = page.get_by_role("dialog", name="Add a carer")
    expect(dialog.get_by_role("form", name="Add a carer")).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("heading", name="Carers").click()
    expect(carers).to_be_hidden()
    # "Mark as held" by the name it shows
    row = (
        page.get_by_role("table", name="Sessions")
        .get_by_role("row")
        .filter(has=page.get_by_role("rowheader", name="2"))
    )
    expect(row.get_by_role("button", name="Mark as held", exact=True)).to_be_visible()
    assert_accessible(page)
    # a visit booked for next week, marked as held, was held today; "saved" is said in view
    page.mouse.wheel(0, 2000)
    row.get_by_role("button", name="Mark as held", exact=True).click()
    held = page.get_by_role("dialog", name="Mark session 2 as held")
    expect(held.get_by_label("Date")).to_have_value(datetime.date.today().isoformat())
    expect(held.get_by_label("Length (minutes)")).to_be_focused()
    held.get_by_label("Length (minutes)").fill("60")
    held.get_by_role("button", name="Save session 2").click()
    expect(held).to_be_hidden()
    expect(page.locator("#status")).to_have_text("Session 2 saved.")
    expect(page.locator("#status")).to_be_in_viewport()
    expect(row).to_contain_text("Held")
    no_sideways_scroll(page)
    page.set_viewport_size({"width": 768, "height": 1024})
    page.get_by_role("heading", name="Consents").click()
    page.get_by_text("Fidelity: Off track").click()
    no_sideways_scroll(page)


def test_withdrawing_filming_consent_says_what_goes_and_deletes_exactly_that(
    page: Page, server: str, child: dict[str, str], samples: Samples
) -> None:
    clip = imported(server, child, samples.get("indexed.mp4"))
    moment = call(
        server,
        child,
        "POST",
        f"/api/clips/{clip['id']}/moments",
        json={"start_ms": 1000, "category": "sensitivity", "share_with_carer": True},
    )
    consent(server, child, "share_with_carer")
    reels = f"/api/programmes/{child['programme']}/reels"
    reel = call(server, child, "POST", reels, json={"moment_ids": [moment["id"]]})
    while reel["status"] != "ready":
        page.wait_for_timeout(200)
        reel = call(server, child, "GET", f"/api/reels/{reel['id']}")
    link = {"carer_id": carer_of(server, child), "reel_id": reel["id"]}
    call(server, child, "POST", f"/api/programmes/{child['programme']}/share-links", json=link)

    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, server, "worker_a1", f"/children/{child['child']}")
    page.get_by_role("heading", name="Consents").click()
    # withdrawing consent to share deletes nothing, says so, and needs no typing
    page.get_by_role("button", name="Withdraw share with carer consent").click()
    dialog = page.get_by_role("dialog", name="Withdraw Sam's share with carer consent")
    expect(dialog).to_contain_text("Nothing will be deleted. 1 share link to the carer will stop")
    expect(dialog.get_by_label("To delete this footage")).to_be_hidden()
    confirm = dialog.get_by_role("button", name="Withdraw consent")
    expect(confirm).to_be_disabled()  # no date yet
    expect(dialog.get_by_label("Withdrawn on")).to_have_value("")
    dialog.get_by_label("Withdrawn on").fill("2026-01-04")  # before it was given: the server says
    confirm.click()
    expect(dialog.get_by_role("alert")).to_contain_text("before it was given (5 January 2026)")
    dialog.get_by_label("Withdrawn on").fill("2026-02-01")
    confirm.click()
    expect(dialog.get_by_role("status")).to_have_text("Nothing was deleted.")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()

    page.get_by_role("button", name="Withdraw filming consent").click()
    dialog = page.get_by_role("dialog", name="Withdraw Sam's filming consent")
    said = "1 clip (8 seconds of footage) and 1 reel will be deleted."
    expect(dialog).to_contain_text(said)  # the link was switched off with consent to share
    preview = call(server, child, "GET", f"/api/consents/{filming_id(server, child)}/withdrawal")
    assert (preview["clips"], preview["reels"], preview["share_links"]) == (1, 1, 0)
    confirm = dialog.get_by_role("button", name="Withdraw and delete this footage")
    typed = dialog.get_by_label("To delete this footage, type the child's reference, BROWSER-1")
    typed.fill("BROWSER-1")
    expect(confirm).to_be_disabled()  # the date is chosen on purpose
    dialog.get_by_label("Withdrawn on").fill("2026-03-01")
    typed.fill("BROWSER")
    expect(confirm).to_be_disabled()
    # footage filmed while the dialog is open: the stale count deletes nothing and is refreshed
    imported(server, child, samples.get("indexed.mp4"))
    typed.fill("BROWSER-1")
    confirm.click()
    expect(dialog.get_by_role("alert")).to_contain_text("has changed since it was shown")
    expect(dialog).to_contain_text("2 clips (16 seconds of footage) and 1 reel will be deleted.")
    expect(typed).to_have_value("")
    expect(confirm).to_be_disabled()
    assert all(c["status"] == "ready" for c in clips_of(server, child))
    typed.fill("BROWSER-1")
    confirm.click()
    result = dialog.get_by_role("status")
    expect(result).to_contain_text("All footage of this programme was deleted: 2 clip(s)")
    expect(result).to_contain_text("1 reel(s)")
    box = result.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= 768  # where the user is
    assert [c["status"] for c in clips_of(server, child)] == ["deleted", "deleted"]
    assert call(server, child, "GET", reels) == []
    dialog.get_by_role("button", name="Close").click()
    row = page.locator(f"tr[data-consent='{filming_id(server, child)}']")
    expect(row).to_be_focused()
    expect(row).to_contain_text("Withdrawn 1 Mar 2026 · All footage of this programme was deleted")
    expect(row.get_by_role("button")).to_have_count(0)


def filming_id(server: str, child: dict[str, str]) -> str:
    found = call(server, child, "GET", f"/api/programmes/{child['programme']}/consents")
    return str(next(c["id"] for c in found if c["scope"] == "filming"))


def clips_of(server: str, child: dict[str, str]) -> list[dict[str, Any]]:
    return list(call(server, child, "GET", f"/api/sessions/{child['session']}/clips"))
