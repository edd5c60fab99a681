"""A share link that reaches the carer, in a real browser: the admin names the worker and the team
for carers; the worker makes a link on a server phones can reach and gets its QR code (read back
off the screen by OpenCV's QR reader: exactly the link shown), a Copy button, the expiry in words
and a list naming the reel; the carer's phone reads who it is from; on a laptop serving only
itself the panel says plainly that no phone can open the link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import cv2
import numpy as np
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support import ServedInProcess
from tests.support.axe import assert_accessible
from tests.support.browser import call, no_sideways_scroll, sign_in, wait_until

pytestmark = pytest.mark.browser

PUBLIC = "https://vfb.riverside.example"


@pytest.fixture
def served(tmp_path: Path, database_url: str) -> Iterator[ServedInProcess]:
    """`vfb serve` as a team server is set up: share links name its public address."""
    with ServedInProcess(tmp_path, database_url, public_url=PUBLIC) as running:
        yield running


@pytest.fixture
def server(served: ServedInProcess) -> str:
    return served.base


def decoded(png: bytes) -> str:
    """What a real QR reader makes of a picture of the code."""
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_GRAYSCALE)
    image = cv2.copyMakeBorder(image, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
    return str(text)


def pictured(browser: Browser, src: str) -> bytes:
    """The page's QR code (its server-made SVG) drawn large, as a phone's camera sees it close
    up: at the panel's own size some codes have too few pixels per module for a reader."""
    context = browser.new_context(viewport={"width": 700, "height": 700})
    sheet = context.new_page()
    sheet.set_content(
        '<body style="margin:0;background:#fff">'
        f'<img id="qr" src="{src}" style="width:600px;height:600px;image-rendering:pixelated">'
    )
    sheet.wait_for_function("document.getElementById('qr').complete")
    png = sheet.locator("#qr").screenshot()
    context.close()
    return png


def until_words(iso: str, zone: str, now: datetime) -> str:
    until = datetime.fromisoformat(iso).astimezone(ZoneInfo(zone))
    days = round((until - now).total_seconds() / 3600) // 24
    return f"{until:%A} {until.day} {until:%B %Y}, {until:%H:%M} — {days} days"


def name_the_team_and_worker(browser: Browser, server: str) -> None:
    """The admin, on the Teams and users page."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    admin = context.new_page()
    sign_in(admin, server, "admin", "/admin")
    team = admin.get_by_role("form", name="What carers see of North Team")
    team.get_by_label("Name carers see for North Team").fill("Riverside Family Support")
    team.get_by_label("Contact line for carers").fill("01234 567890, Mon–Fri")
    team.get_by_role("button", name="Save").click()
    expect(admin.locator("#status")).to_have_text("Saved what carers see of North Team.")
    expect(admin.locator("#teams")).to_contain_text(
        "this is from … at Riverside Family Support. Contact: 01234 567890, Mon–Fri"
    )
    worker = admin.get_by_role("form", name="Name carers see for worker_a1")
    worker.get_by_label("Name carers see for worker_a1").fill("Alex Morgan")
    worker.get_by_role("button", name="Save").click()
    expect(admin.locator("#status")).to_have_text("Saved the name carers see for worker_a1.")
    expect(admin.get_by_role("textbox", name="Name carers see for worker_a1")).to_have_value(
        "Alex Morgan"
    )
    # a contact line too long is refused in words beside its box, and what was typed stays
    team = admin.get_by_role("form", name="What carers see of North Team")
    contact = team.get_by_label("Contact line for carers")
    contact.fill("0" * 130)
    team.get_by_role("button", name="Save").click()
    expect(contact).to_have_accessible_description(
        re.compile("The contact line can be at most 120 characters")
    )
    expect(contact).to_have_attribute("aria-invalid", "true")
    expect(contact).to_have_value("0" * 130)
    no_sideways_scroll(admin)
    context.close()


def test_a_worker_gives_the_carer_a_link_by_qr_code_and_the_carer_knows_who_it_is_from(
    page: Page,
    browser: Browser,
    server: str,
    served: ServedInProcess,
    database_url: str,
    child: dict[str, str],
    clip: dict[str, Any],
    reel: dict[str, Any],
    tmp_path: Path,
) -> None:
    name_the_team_and_worker(browser, server)

    page.set_viewport_size({"width": 1366, "height": 768})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    sign_in(page, server, "worker_a1", f"/clips/{clip['id']}/review")
    wait_until(page, "document.body.dataset.ready === 'true'")
    page.locator("#reel-drawer summary").click()
    form = page.get_by_role("form", name="Share this reel with a carer")
    expect(form.get_by_label("Carer")).to_contain_text("Sam")
    form.get_by_role("button", name="Make a link").click()
    qr = form.get_by_role("img", name=re.compile("^QR code of the link for Sam"))
    expect(qr).to_be_visible()
    wait_until(page, "document.querySelector('.share-qr').complete")
    url = form.get_by_label("The link").input_value()
    assert re.fullmatch(rf"{re.escape(PUBLIC)}/s/[A-Za-z0-9_-]{{22}}", url)
    src = qr.get_attribute("src") or ""
    assert src.startswith("data:image/svg+xml")  # made on the server, drawn with no request
    assert decoded(pictured(browser, src)) == url  # the QR code is exactly the link shown
    assert form.locator(".share-loopback").count() == 0

    form.get_by_role("button", name="Copy").click()
    said = form.locator(".share-copied")
    expect(said).to_have_text("Copied")
    expect(said).to_have_attribute("role", "status")  # said aloud by a screen reader
    assert page.evaluate("navigator.clipboard.readText()") == url

    zone = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    links = call(server, child, "GET", f"/api/programmes/{child['programme']}/share-links")
    now = datetime.now(ZoneInfo(zone))
    words = until_words(links[0]["expires_at"], zone, now)
    assert words.endswith("— 3 days")
    expect(form.locator(".share-until")).to_have_text(
        f"Works until {words}, on one phone or computer only."
    )
    minutes, seconds = divmod(reel["length_ms"] // 1000, 60)
    length = f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
    expect(page.locator("#share-links li").first).to_contain_text(
        f"Reel: 1 moment, {length} · for Sam · works until {words}"
    )
    no_sideways_scroll(page)
    page.locator("#share-links").scroll_into_view_if_needed()

    # the carer's phone (the public address is the team server's; here it is this one)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    carer = phone.new_page()
    carer.goto(server + url.removeprefix(PUBLIC))
    expect(carer.get_by_role("heading", level=1)).to_have_text("A video for you")
    expect(carer.locator("#from")).to_have_text(
        "Sam, this is from Alex Morgan at Riverside Family Support."
    )
    expect(carer.locator(".shared-contact")).to_have_text("Contact: 01234 567890, Mon–Fri")
    no_sideways_scroll(carer)
    assert_accessible(carer)
    carer.get_by_role("button", name="Watch the video").click()
    expect(carer).to_have_url(re.compile(r"/shared/[0-9a-f]{32}$"))  # the form's 303 is followed
    expect(carer.locator("#player")).to_be_attached()
    wait_until(carer, "document.getElementById('player').readyState >= 2")
    expect(carer.locator("#from")).to_have_text(
        "Sam, this is from Alex Morgan at Riverside Family Support."
    )
    expect(carer.locator("#contact")).to_have_text("Contact: 01234 567890, Mon–Fri")
    no_sideways_scroll(carer)
    assert_accessible(carer)
    phone.close()

    # the same database served from this laptop only: the panel says no phone can open it
    (tmp_path / "laptop").mkdir()
    laptop = ServedInProcess(tmp_path / "laptop", database_url, data_dir=served.data_dir)
    with laptop:  # the same footage
        page.goto(f"{laptop.base}/clips/{clip['id']}/review")  # cookies know no port: signed in
        wait_until(page, "document.body.dataset.ready === 'true'")
        page.locator("#reel-drawer summary").click()
        form = page.get_by_role("form", name="Share this reel with a carer")
        expect(form.get_by_label("Carer")).to_contain_text("Sam")
        form.get_by_role("button", name="Make a link").click()
        warning = form.get_by_role("alert")
        expect(warning).to_contain_text("Sam's phone cannot open this link.")
        expect(warning).to_contain_text(f"It names this laptop (127.0.0.1:{laptop.port})")
        expect(warning).to_contain_text("Serving a team")
        assert form.locator(".share-qr").count() == 0  # no code for a phone to scan in vain
        expect(form.get_by_label("The link")).to_have_value(
            re.compile(rf"^{re.escape(laptop.base)}/s/")
        )
        no_sideways_scroll(page)
        warning.scroll_into_view_if_needed()
