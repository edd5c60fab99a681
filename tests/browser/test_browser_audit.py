"""The manager's audit trail in a real browser: each row's Detail in words, names instead of ids,
and a link to what the row is about; the page fits a laptop and a tablet."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import assert_accessible
from tests.support.browser import call, no_sideways_scroll, sign_in, wait_until

pytestmark = pytest.mark.browser


def test_a_manager_reads_the_trail_in_words_and_opens_what_a_row_is_about(
    page: Page,
    server: str,
    child: dict[str, str],
    clip: dict[str, Any],
) -> None:
    programme, session = child["programme"], child["session"]
    carer = call(server, child, "GET", f"/api/children/{child['child']}/carers")[0]
    call(server, child, "POST", "/api/consents", json={
        "programme_id": programme, "carer_id": carer["id"], "scope": "share_with_carer",
        "given_on": "2026-01-05",
    })  # fmt: skip
    moments = [
        call(server, child, "POST", f"/api/clips/{clip['id']}/moments", json={
            "start_ms": start, "category": "sensitivity", "share_with_carer": True,
        })["id"]
        for start in (1000, 3000)
    ]  # fmt: skip
    reel = call(server, child, "POST", f"/api/programmes/{programme}/reels", json={
        "moment_ids": moments,
    })  # fmt: skip
    call(server, child, "POST", f"/api/programmes/{programme}/share-links", json={
        "carer_id": carer["id"], "reel_id": reel["id"],
    })  # fmt: skip
    call(server, child, "PATCH", f"/api/sessions/{session}", json={
        "reviewed_with_carer": True, "review_minutes": 10, "review_highlights": ["sensitivity"],
    })  # fmt: skip
    poster = httpx.get(
        f"{server}/api/clips/{clip['id']}/poster", headers={"Authorization": child["auth"]}
    )
    assert poster.status_code == 200

    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, server, "manager_a", "/audit")
    trail = page.locator("#trail tbody")
    expect(trail.locator("tr").first).to_be_visible()

    def row(what: str, about: str) -> Any:
        found = trail.locator("tr").filter(has_text=what).filter(has_text=about)
        expect(found.first).to_be_visible()
        return found.first

    changed = row("changed a session", "session 1 of 1 Feb 2026")
    expect(changed.locator("td").last).to_have_text(
        "session 1 of 1 Feb 2026 · changed: review highlights, review minutes, "
        "reviewed with the carer"
    )
    expect(changed.locator("td").nth(3)).to_have_text("BROWSER-1")  # the child's reference
    made = row("added a reel", "reel of 2 moments for Sam")
    expect(made.locator("td").last).to_have_text("reel of 2 moments for Sam")
    shared = row("shared a link with a carer", "share link for Sam")
    expect(shared.locator("td").last).to_contain_text("for Sam: reel of 2 moments, open until")
    imported = row("added a clip", "clip 1 of 1 Feb 2026")
    expect(imported.locator("td").last).to_have_text("clip 1 of 1 Feb 2026 · imported from a file")
    given = row("added a consent", "Sam's consent to share with them")
    expect(given.get_by_role("link", name="Sam's consent to share with them")).to_be_visible()
    expect(row("signed in", "manager_a").locator("td").last).to_have_text("on the sign-in page")
    expect(page.locator("#trail")).not_to_contain_text(clip["id"])  # no ids in words
    expect(page.locator("#trail")).not_to_contain_text(reel["id"])
    no_sideways_scroll(page)
    assert_accessible(page)
    page.set_viewport_size({"width": 768, "height": 1024})
    no_sideways_scroll(page)

    # each row opens what it is about
    row("saw a clip's poster", "clip 1 of 1 Feb 2026").get_by_role(
        "link", name="clip 1 of 1 Feb 2026"
    ).click()
    expect(page).to_have_url(f"{server}/clips/{clip['id']}")
    page.go_back()
    changed = row("changed a session", "session 1 of 1 Feb 2026")
    changed.get_by_role("link", name="session 1 of 1 Feb 2026").click()
    expect(page).to_have_url(f"{server}/sessions/{session}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("BROWSER-1 · session 1")
    page.go_back()
    row("added a reel", "reel of 2 moments").get_by_role(
        "link", name="reel of 2 moments for Sam"
    ).click()
    expect(page).to_have_url(f"{server}/clips/{clip['id']}/review")
    page.go_back()
    row("changed a session", "BROWSER-1").get_by_role("link", name="BROWSER-1").click()
    expect(page).to_have_url(f"{server}/children/{child['child']}")
    wait_until(page, "document.readyState === 'complete'")
