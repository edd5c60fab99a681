"""The manager's dashboard in a real browser: the measure, its breakdown (and its CSV), the
fidelity of each programme with a way through to it, and the alerts; the financial quarters, a bad
range, and the page's fit at laptop and tablet widths."""

from __future__ import annotations

from datetime import date

import httpx2 as httpx
import pytest
from playwright.sync_api import Page, expect

from tests.support import child_body
from tests.support.axe import assert_accessible
from tests.support.browser import api_token, no_sideways_scroll, sign_in, wait_until
from vfb.programme.periods import financial_year

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


def test_the_dashboard_counts_by_financial_quarter_and_clears_a_bad_range(
    page: Page, server: str
) -> None:
    auth = api_token(server, "worker_a1")

    def post(path: str, body: dict[str, object]) -> dict[str, str]:
        response = httpx.post(f"{server}{path}", json=body, headers=auth)
        assert response.status_code == 201, response.text
        return dict(response.json())

    # one programme offered and started in March (2025-26 Q4), one in May (2026-27 Q1)
    for reference, month in (("MARCH-1", "03"), ("MAY-1", "05")):
        made = post(
            "/api/children", child_body(reference=reference, identified_on=f"2026-{month}-01")
        )
        programme = post(
            "/api/programmes", {"child_id": made["id"], "offered_on": f"2026-{month}-10"}
        )
        post(
            f"/api/programmes/{programme['id']}/sessions",
            {"held_on": f"2026-{month}-20", "duration_minutes": 60, "filmed_seconds": 700},
        )

    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, server, "manager_a", "/dashboard")
    wait_until(page, "document.body.dataset.ready === 'true'")
    year = financial_year(date.today())
    page.get_by_role("button", name=f"This financial year ({year.label})").click()
    expect(page.get_by_label("From", exact=True)).to_have_value(year.start.isoformat())
    expect(page.get_by_label("To", exact=True)).to_have_value(year.end.isoformat())

    page.get_by_label("From", exact=True).fill("2026-04-01")
    page.get_by_label("To", exact=True).fill("2026-06-30")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#fraction")).to_contain_text("2 of 2 children")
    chart = page.get_by_role("img", name="The proportion reached in each quarter")
    for label in ("2025-26 Q2", "2025-26 Q3", "2025-26 Q4", "2026-27 Q1"):
        expect(chart.get_by_text(label, exact=True)).to_be_attached()
    trend = page.get_by_role("table", name="The proportion reached by financial quarter")
    rows = trend.get_by_role("row")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("2025-26 Q2: 1 Jul 2025 to 30 Sept 2025")
    expect(rows.nth(0)).to_contain_text("0 of 0")
    expect(rows.nth(2)).to_contain_text("2025-26 Q4: 1 Jan 2026 to 31 Mar 2026")
    expect(rows.nth(2)).to_contain_text("1 of 1")  # March's programme; May's child not yet known
    expect(rows.nth(3)).to_contain_text("2026-27 Q1: 1 Apr 2026 to 30 Jun 2026")
    expect(rows.nth(3)).to_contain_text("2 of 2")  # May's programme is in the first quarter
    no_sideways_scroll(page)
    assert_accessible(page)
    page.set_viewport_size({"width": 768, "height": 1024})
    no_sideways_scroll(page)

    # a range that ends before it starts: the figures go, the reason sits by the range
    page.get_by_label("From", exact=True).fill("2026-06-30")
    page.get_by_label("To", exact=True).fill("2026-04-01")
    page.get_by_role("button", name="Show").click()
    error = page.locator("#period").get_by_role("alert")
    expect(error).to_have_text(
        "The period must end on or after its first day: “To” (1 Apr 2026) is before “From” "
        "(30 Jun 2026)."
    )
    expect(page.get_by_label("Proportion", exact=True)).to_have_text("—")
    expect(page.locator("#fraction")).to_have_text(
        "No figures until the period above is put right."
    )
    expect(page.locator("#trend")).to_be_empty()
    expect(page.locator("#breakdown tbody tr")).to_have_count(0)
    expect(page.locator("#fidelity tbody tr")).to_have_count(0)
    # a date the reports cannot cover: the server's reason, in the same place
    page.get_by_label("From", exact=True).fill("2026-04-01")
    page.get_by_label("To", exact=True).fill("2999-06-30")
    page.get_by_role("button", name="Show").click()
    expect(error).to_have_text("Reports cover dates from 1900 to 2200, not 30 June 2999.")
    expect(page.get_by_label("Proportion", exact=True)).to_have_text("—")
    # put right, the figures come back and the error goes
    page.get_by_label("To", exact=True).fill("2026-06-30")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#fraction")).to_contain_text("2 of 2 children")
    expect(error).to_be_hidden()
    no_sideways_scroll(page)
