"""Signing in with a hostile `next` lands on vfb, never on the site it names."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support import PASSWORD

HOSTILE = ["/\\evil.invalid", "/%09/evil.invalid", "/%0a/evil.invalid", "/\\/evil.invalid"]


@pytest.mark.parametrize("next_", HOSTILE)
def test_a_hostile_next_after_sign_in_stays_on_vfb(page: Page, server: str, next_: str) -> None:
    page.goto(f"{server}/signin?next={next_}")
    page.get_by_label("Username").fill("worker_a1")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{server}/caseload")


def test_a_page_of_vfb_as_next_is_where_sign_in_goes(page: Page, server: str) -> None:
    page.goto(f"{server}/signin?next=/dashboard")
    page.get_by_label("Username").fill("manager_a")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{server}/dashboard")
