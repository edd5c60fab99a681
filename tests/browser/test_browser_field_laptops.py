"""Field laptops on the admin page, in a real browser: the admin makes a laptop's code (shown
once, with the command to type on the laptop), sees it enrolled and in touch, and withdraws it."""

from __future__ import annotations

from pathlib import Path

import httpx2 as httpx
from playwright.sync_api import Page, expect

from tests.support.browser import no_sideways_scroll, sign_in


def test_an_admin_makes_a_laptops_code_sees_it_enrolled_and_withdraws_it(
    page: Page, server: str, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, server, "admin", "/admin")
    expect(page.locator("#no-laptops")).to_be_visible()
    page.get_by_text("Enrol a laptop").click()
    form = page.get_by_role("form", name="Enrol a laptop")
    form.get_by_label("Whose laptop").select_option(label="worker_a1")
    form.get_by_label("What the team calls it (e.g. Laptop 3)").fill("Laptop 3")
    form.get_by_role("button", name="Make a code").click()
    expect(page.get_by_role("status")).to_have_text("Made a code for Laptop 3.")
    panel = page.get_by_role("region", name="The laptop's code")
    expect(panel).to_contain_text("Code for Laptop 3 (worker_a1)")
    code = panel.locator(".code-shown").inner_text()
    expect(panel.locator("pre")).to_have_text(f"vfb field enrol {server} {code}")
    expect(page.get_by_role("row", name="Laptop 3")).to_contain_text("Waiting for its code")
    no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / "laptop-code.png"), full_page=True)

    # the laptop uses the code it was given (as `vfb field enrol` does)
    enrolled = httpx.post(f"{server}/api/field/enrol", json={"code": code})
    assert enrolled.status_code == 201, enrolled.text
    laptop = {"Authorization": f"Bearer {enrolled.json()['credential']}"}
    assert httpx.get(f"{server}/api/field/link", headers=laptop).status_code == 200
    page.reload()
    row = page.get_by_role("row", name="Laptop 3")
    expect(row).to_contain_text("Enrolled")
    expect(row).not_to_contain_text("never")  # it has been in touch

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Withdraw Laptop 3").click()
    expect(page.get_by_role("status")).to_contain_text("Laptop 3 can no longer send or sync")
    expect(page.get_by_role("row", name="Laptop 3")).to_contain_text("Withdrawn")
    expect(page.get_by_role("button", name="Withdraw Laptop 3")).to_have_count(0)
    assert httpx.get(f"{server}/api/field/link", headers=laptop).status_code == 401
    page.screenshot(path=str(tmp_path / "laptop-withdrawn.png"), full_page=True)
