"""The manager's dashboard in a real browser: the measure, its breakdown (and its CSV), the
fidelity of each programme with a way through to it, and the alerts."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser import sign_in, wait_until

pytestmark = pytest.mark.browser


def test_a_manager_reads_the_measure_fidelity_and_alerts(
    page: Page, server: str, child: dict[str, str]
) -> None:
    sign_in(page, server, "manager_a", "/caseload")
    page.get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(f"{server}/dashboard")
    wait_until(page, "document.body.dataset.ready === 'true'")
    page.get_by_label("From", exact=True).fill("2026-01-01")
    page.get_by_label("To", exact=True).fill("2026-03-31")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_label("Proportion", exact=True)).to_have_text("100.0%")
    expect(page.locator("#fraction")).to_contain_text("1 of 1 children")
    expect(page.get_by_role("img", name="The proportion reached in each quarter")).to_be_visible()
    expect(page.locator(".funnel-row").nth(2)).to_contain_text("Started (the numerator)1")
    breakdown = page.locator("#breakdown tbody tr")
    expect(breakdown).to_have_count(1)
    expect(breakdown.first).to_contain_text("Edge of care")
    page.get_by_label("Break down by").select_option("age_band")
    expect(breakdown.first.locator("th")).to_have_text("1-2")
    page.get_by_label("For publication: show counts of 1–4 as <5").check()
    expect(breakdown.first.locator("td").first).to_have_text("<5")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("from,to,group_by,key,denominator,numerator")
    assert "age_band,1-2,<5,<5,<5" in text

    # the programme's fidelity, and a way to it; the quiet months since February are flagged
    row = page.locator("#fidelity tbody tr")
    expect(row).to_have_count(1)
    expect(row.first).to_contain_text("BROWSER-1")
    expect(row.first).to_contain_text("worker_a1")
    expect(page.locator("#alerts")).to_contain_text("No session held since 1 February 2026")
    expect(page.locator("#alerts")).to_contain_text("Session 1 had no shared review.")
    page.get_by_label("Verdict").select_option("met")
    expect(row).to_have_count(0)
    page.get_by_label("Verdict").select_option("")
    row.first.get_by_role("link", name="BROWSER-1").click()
    expect(page.get_by_role("heading", name="BROWSER-1", level=1)).to_be_visible()


def test_a_worker_is_told_the_dashboard_is_for_managers(
    page: Page, server: str, child: dict[str, str]
) -> None:
    sign_in(page, server, "worker_a1", "/dashboard")
    expect(page.locator("#status")).to_have_text("The dashboard is for managers and supervisors.")
