"""The worker's everyday pages fit a laptop (1366 px) and a tablet (768 px): nothing to scroll
sideways on the caseload, the session page and the admin page (the dashboard and the audit trail
are checked in their own tests)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import assert_accessible
from tests.support.browser import no_sideways_scroll, sign_in, wait_until

pytestmark = pytest.mark.browser

WIDTHS = ({"width": 1366, "height": 768}, {"width": 768, "height": 1024})


def test_the_caseload_session_and_admin_pages_fit_a_laptop_and_a_tablet(
    page: Page, server: str, child: dict[str, str]
) -> None:
    sign_in(page, server, "worker_a1", "/caseload")
    for path, ready in (
        ("/caseload", page.get_by_role("link", name="BROWSER-1")),
        (
            f"/sessions/{child['session']}",
            page.get_by_role("heading", name="BROWSER-1 · session 1", level=1),
        ),
    ):
        page.goto(f"{server}{path}")
        expect(ready.first).to_be_visible()
        wait_until(page, "document.readyState === 'complete'")
        for size in WIDTHS:
            page.set_viewport_size(size)
            no_sideways_scroll(page)
        assert_accessible(page)
    page.context.clear_cookies()
    sign_in(page, server, "admin", "/admin")
    expect(page.get_by_text("worker_a1").first).to_be_visible()
    for size in WIDTHS:
        page.set_viewport_size(size)
        no_sideways_scroll(page)
    assert_accessible(page)
