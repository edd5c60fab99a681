"""Data protection in a real browser: a worker shares a reel with a carer from the review page, the
carer watches it on their own phone with their name and the date over the picture and nothing to
download, the worker switches the link off; a manager reads, filters and downloads the audit
trail."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import call, sign_in, wait_until

pytestmark = pytest.mark.browser


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_a_worker_shares_a_reel_and_the_carer_watches_it_with_their_name_over_it(
    page: Page,
    browser: Browser,
    server: str,
    child: dict[str, str],
    clip: dict[str, Any],
    reel: dict[str, Any],
    tmp_path: Any,
) -> None:
    sign_in(page, server, "worker_a1", f"/clips/{clip['id']}/review")
    wait_until(page, "document.body.dataset.ready === 'true'")
    page.locator("#reel-drawer summary").click()  # the reel and its links sit in a drawer
    form = page.get_by_role("form", name="Share this reel with a carer")
    expect(form.get_by_label("Carer")).to_contain_text("Sam")
    form.get_by_role("button", name="Make a link").click()
    link = form.get_by_label("The link")
    wait_until(page, "!!document.querySelector('.share-url')?.value")
    url = link.input_value()
    assert url.startswith(f"{server}/s/") and len(url.rsplit("/", 1)[1]) == 22
    expect(page.locator("#share-links")).to_contain_text("Sam")
    expect(page.locator("#share-links")).to_contain_text("not opened yet")

    # the carer's phone: another browser, no vfb account
    phone = browser.new_context(viewport={"width": 800, "height": 900})
    carer = phone.new_page()
    carer.goto(url)
    heading = carer.get_by_role("heading", name="A video for you")
    expect(heading).to_be_visible()
    carer.get_by_role("button", name="Watch the video").click()
    # the token has left the address bar: the video's page is the link's own
    expect(carer).to_have_url(re.compile(f"^{re.escape(server)}/shared/[0-9a-f]{{32}}$"))
    expect(carer.locator("#player")).to_be_attached()
    wait_until(carer, "document.getElementById('player').readyState >= 2")
    watermark = carer.locator("#watermark")
    expect(watermark).to_have_text(f"Sam · {long_date(date.today())}")
    video_box = carer.locator("#player").bounding_box()
    mark_box = watermark.bounding_box()
    assert video_box and mark_box
    assert video_box["x"] <= mark_box["x"] and mark_box["x"] + mark_box["width"] <= (
        video_box["x"] + video_box["width"]
    )
    assert video_box["y"] <= mark_box["y"] <= video_box["y"] + video_box["height"]
    assert carer.locator("a[download], a[href*='download']").count() == 0
    assert "nodownload" in carer.evaluate("document.getElementById('player').controlsList.value")
    carer.evaluate("document.getElementById('player').play()")
    wait_until(carer, "document.getElementById('player').currentTime > 0.3")
    carer.screenshot(path=str(tmp_path / "carer.png"))

    # the worker sees it was opened, and switches it off
    page.reload()
    wait_until(page, "document.body.dataset.ready === 'true'")
    page.locator("#reel-drawer summary").click()
    links = page.locator("#share-links")
    expect(links).to_contain_text("opened")
    links.get_by_role("button", name="Switch off now").click()
    expect(links).to_contain_text("switched off")
    carer.reload()
    expect(carer.get_by_role("heading", name="This video is not available")).to_be_visible()
    expect(carer.locator("#status")).to_contain_text("switched off")

    # two more links, opened on the same phone: the second ends neither the first nor anything
    videos = []
    for _ in range(2):
        body = {"carer_id": carers(server, child)[0]["id"], "reel_id": reel["id"]}
        path = f"/api/programmes/{child['programme']}/share-links"
        made = call(server, child, "POST", path, json=body)
        carer.goto(made["url"])
        carer.get_by_role("button", name="Watch the video").click()
        expect(carer).to_have_url(f"{server}/shared/{made['id']}")
        videos.append(carer.url)
    for video in videos:
        carer.goto(video)
        wait_until(carer, "document.getElementById('player').readyState >= 2")
        expect(carer.locator("#watermark")).to_have_text(f"Sam · {long_date(date.today())}")
    phone.close()


def carers(server: str, child: dict[str, str]) -> Any:
    return call(server, child, "GET", f"/api/children/{child['child']}/carers")


def test_a_manager_reads_filters_and_downloads_the_audit_trail(
    page: Page,
    server: str,
    child: dict[str, str],
    clip: dict[str, Any],
) -> None:
    exported = httpx.get(
        f"{server}/api/clips/{clip['id']}/moments.csv", headers={"Authorization": child["auth"]}
    )
    assert exported.status_code == 200
    sign_in(page, server, "manager_a", "/caseload")
    page.get_by_role("link", name="Audit trail").click()
    expect(page).to_have_url(f"{server}/audit")
    table = page.locator("#trail")
    expect(table).to_contain_text("added a child")
    expect(table).to_contain_text("worker_a1 (worker)")
    page.locator("#child").select_option(label="BROWSER-1")
    page.locator("#action").select_option(label="Moments exported")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#status")).to_have_text("1 row.")
    expect(table).to_contain_text("exported moments")
    expect(table.get_by_role("link", name="BROWSER-1")).to_be_visible()
    assert f"child_id={child['child']}" in page.url
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    text = download.value.path().read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["action"] for r in rows] == ["moments.export"]
    assert rows[0]["child_id"] == child["child"] and len(rows[0]["hash"]) == 64
    # from the child's page, straight to who has seen its records
    page.goto(f"{server}/children/{child['child']}")
    page.get_by_role("link", name="Who has seen this child's records").click()
    expect(page.locator("#child")).to_have_value(child["child"])
    expect(table).to_contain_text("added a child")
    expect(table).not_to_contain_text("signed in")


def test_a_supervisor_is_told_plainly_that_watching_needs_the_carers_supervision_consent(
    page: Page,
    server: str,
    child: dict[str, str],
    clip: dict[str, Any],
) -> None:
    sign_in(page, server, "supervisor_a", f"/clips/{clip['id']}")
    expect(page.locator("#status")).to_contain_text("no carer has given supervision consent")
    page.goto(f"{server}/clips/{clip['id']}/review")
    expect(page.locator("#status")).to_contain_text("supervision consent")
