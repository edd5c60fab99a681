"""A sign-in that ends mid-review loses nothing: the page asks to sign in again in a dialog and
sends what was waiting, keeps every unsent text as a local draft, warns before the idle limit,
and the joint review stays on its moment (1366×768)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from tests.support import PASSWORD, ServedInProcess
from tests.support.browser import call, sign_in, wait_until
from vfb.db import make_engine
from vfb.models import SignIn, User

pytestmark = pytest.mark.browser
LAPTOP = {"width": 1366, "height": 768}
SAID = "What the carer says about this moment, in their own words"
DIALOG_WORDS = "Your sign-in has ended. Sign in again to carry on; nothing you typed is lost."


def age_sign_ins(database_url: str, username: str, by: timedelta) -> None:
    """Move the user's browser sign-ins' last activity back by `by`, as if they had sat idle."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as db:
            rows = db.exec(
                select(SignIn)
                .join(User, SignIn.user_id == User.id)  # type: ignore[arg-type]
                .where(User.username == username, SignIn.kind == "cookie")
            ).all()
            assert rows, "no browser sign-in to age"
            for row in rows:
                row.last_seen_at -= by
                db.add(row)
            db.commit()
    finally:
        engine.dispose()


def expire(database_url: str, username: str = "worker_a1") -> None:
    """Past the default 30-minute idle limit."""
    age_sign_ins(database_url, username, timedelta(minutes=31))


def shared_moments(server: str, child: dict[str, str], clip: dict[str, Any]) -> list[str]:
    made = []
    for start, caption in ((1000, "You waited for him"), (4000, "You made him laugh")):
        body = {"start_ms": start, "category": "sensitivity", "caption": caption}
        body |= {"share_with_carer": True}
        made.append(call(server, child, "POST", f"/api/clips/{clip['id']}/moments", json=body))
    return [m["id"] for m in made]


def open_joint_review(page: Page, server: str, clip: dict[str, Any]) -> None:
    page.set_viewport_size(LAPTOP)
    sign_in(page, server, "worker_a1", f"/clips/{clip['id']}/joint-review")
    wait_until(page, "document.body.dataset.ready === 'true'")


def comments(server: str, child: dict[str, str], clip: dict[str, Any]) -> dict[str, list[str]]:
    found = call(server, child, "GET", f"/api/clips/{clip['id']}/moments")
    return {m["id"]: [c["text"] for c in m["carer_comments"]] for m in found}


def sign_in_again(page: Page, password: str = PASSWORD) -> None:
    dialog = page.get_by_role("dialog", name="Sign in again")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(DIALOG_WORDS)
    expect(dialog.get_by_label("Username")).to_have_value("worker_a1")
    expect(dialog.get_by_label("Password")).to_be_focused()
    dialog.get_by_label("Password").fill(password)
    dialog.get_by_role("button", name="Sign in").click()


def test_a_carers_words_typed_as_the_sign_in_ended_are_saved_after_signing_in_again(
    page: Page, server: str, database_url: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    first, second = shared_moments(server, child, clip)
    open_joint_review(page, server, clip)
    page.get_by_role("button", name="Next ▶").click()
    expect(page.locator("#count")).to_have_text("Moment 2 of 2")
    page.get_by_label(SAID).fill("He loves that game")
    expire(database_url)
    page.get_by_role("button", name="Save their words").click()

    sign_in_again(page)
    expect(page.locator("#words-saved")).to_contain_text("He loves that game")
    assert comments(server, child, clip) == {first: [], second: ["He loves that game"]}
    expect(page.locator("#count")).to_have_text("Moment 2 of 2")
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert page.url.endswith(f"/clips/{clip['id']}/joint-review")


def test_cancel_keeps_the_words_and_a_reload_restores_them_on_the_same_moment(
    page: Page, server: str, database_url: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    shared_moments(server, child, clip)
    open_joint_review(page, server, clip)
    page.get_by_role("button", name="Next ▶").click()
    page.get_by_label(SAID).fill("She is braver than me")
    expire(database_url)
    page.get_by_role("button", name="Save their words").click()
    dialog = page.get_by_role("dialog", name="Sign in again")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    expect(page.get_by_label(SAID)).to_have_value("She is braver than me")
    expect(page.locator("#words-saved")).to_contain_text("Not sent")

    # A reload (signing in on the sign-in page) reopens the same moment with the draft.
    page.reload()
    page.get_by_label("Username").fill("worker_a1")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{server}/clips/{clip['id']}/joint-review")
    wait_until(page, "document.body.dataset.ready === 'true'")
    expect(page.locator("#count")).to_have_text("Moment 2 of 2")
    expect(page.get_by_label(SAID)).to_have_value("She is braver than me")
    expect(page.get_by_text("Restored what you had typed but not saved")).to_be_visible()
    page.get_by_role("button", name="Save their words").click()
    expect(page.locator("#words-saved")).to_contain_text("She is braver than me")
    expect(page.get_by_text("Restored what you had typed but not saved")).to_have_count(0)

    page.reload()  # saved: nothing comes back as a draft
    wait_until(page, "document.body.dataset.ready === 'true'")
    expect(page.locator("#count")).to_have_text("Moment 2 of 2")
    expect(page.get_by_label(SAID)).to_have_value("")


def test_a_note_on_the_review_page_is_saved_after_signing_in_again_and_restored_after_a_reload(
    page: Page, server: str, database_url: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    moments = f"/api/clips/{clip['id']}/moments"
    made = call(server, child, "POST", moments, json={"start_ms": 2000, "category": "sensitivity"})
    page.set_viewport_size(LAPTOP)
    sign_in(page, server, "worker_a1", f"/clips/{clip['id']}/review")
    wait_until(page, "document.body.dataset.ready === 'true'")
    page.locator(f"[data-id='{made['id']}'] .moment-go").click()  # opens its editor
    note = page.locator(f"#note-{made['id']}")
    expire(database_url)
    note.fill("Mum waited for his signal")
    note.blur()  # saves at once

    sign_in_again(page)
    expect(page.locator(f"[data-id='{made['id']}'] .saved")).to_have_text("Saved")
    assert call(server, child, "GET", moments)[0]["note"] == "Mum waited for his signal"
    assert page.url.endswith(f"/clips/{clip['id']}/review")

    # Typed and refused (Cancel): a reload and a sign-in put it back, and it is saved.
    expire(database_url)
    note.press_sequentially(" twice")
    note.blur()
    page.get_by_role("dialog", name="Sign in again").get_by_role("button", name="Cancel").click()
    expect(page.locator(f"[data-id='{made['id']}'] .saved")).to_contain_text("Not saved")
    page.reload()
    page.get_by_label("Username").fill("worker_a1")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{server}/clips/{clip['id']}/review")
    wait_until(page, "document.body.dataset.ready === 'true'")
    # the moment left with unsaved words opens by itself, with them
    expect(note).to_have_value("Mum waited for his signal twice")
    expect(page.get_by_text("Restored what you had typed but not saved")).to_be_visible()
    expect(page.locator(f"[data-id='{made['id']}'] .saved")).to_have_text("Saved")
    assert call(server, child, "GET", moments)[0]["note"] == "Mum waited for his signal twice"


def test_signing_in_as_someone_else_sends_nothing_of_the_first_users(
    page: Page, server: str, database_url: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    first, _ = shared_moments(server, child, clip)
    open_joint_review(page, server, clip)
    page.get_by_label(SAID).fill("Not for anyone else")
    expire(database_url)
    page.get_by_role("button", name="Save their words").click()
    dialog = page.get_by_role("dialog", name="Sign in again")
    dialog.get_by_label("Username").fill("worker_a2")
    dialog.get_by_label("Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("dialog")).to_contain_text("was not sent")
    expect(page.locator("#words-saved")).to_contain_text("someone else signed in")
    assert comments(server, child, clip)[first] == []


def test_the_dialog_says_a_wrong_password_in_words_and_keeps_waiting(
    page: Page, server: str, database_url: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    _, second = shared_moments(server, child, clip)
    open_joint_review(page, server, clip)
    page.get_by_role("button", name="Next ▶").click()
    page.get_by_label(SAID).fill("First")
    expire(database_url)
    page.get_by_role("button", name="Save their words").click()
    sign_in_again(page, password="not the password")
    dialog = page.get_by_role("dialog", name="Sign in again")
    expect(dialog.get_by_role("alert")).to_have_text("Wrong username or password.")
    dialog.get_by_label("Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#words-saved")).to_contain_text("First")
    assert comments(server, child, clip)[second] == ["First"]


@pytest.fixture
def short_server(tmp_path: Path, database_url: str) -> Iterator[str]:
    """`vfb serve` with the shortest idle limit, a minute (its warning comes 6 s before)."""
    with ServedInProcess(tmp_path, database_url, session_idle_minutes=1) as running:
        yield running.base


def test_the_warning_comes_before_the_idle_limit_and_stay_signed_in_keeps_the_sign_in(
    browser: Browser, short_server: str, database_url: str
) -> None:
    context = browser.new_context(viewport=LAPTOP)
    try:
        page = context.new_page()
        page.clock.install()
        signed_in_at = time.monotonic()
        sign_in(page, short_server, "worker_a1")
        wait_until(page, "document.querySelector('#who').textContent !== ''")
        banner = page.get_by_role("alert").filter(has_text="You will be signed out")
        # Every request the page makes on opening has been answered: one still in flight when the
        # sign-in is aged below would come back saying it had ended long ago, by the page's clock.
        page.wait_for_load_state("networkidle")
        wait_until(page, "localStorage.getItem('vfb.session.ends-at') !== null")
        left = page.evaluate("Number(localStorage.getItem('vfb.session.ends-at')) - Date.now()")
        assert 50_000 < left <= 60_000  # what the server said is left of the 1-minute limit
        page.clock.run_for(int(left) - 10_000)  # 10 s before the end: no warning yet
        expect(banner).to_have_count(0)
        # The server's clock is real: age the sign-in so that, to the server too, it is near its
        # end (15 s left: room for a slow, loaded run to click in time), however long the test
        # has taken so far in real time.
        real = time.monotonic() - signed_in_at
        age_sign_ins(database_url, "worker_a1", timedelta(seconds=max(0.0, 45 - real)))
        page.clock.run_for(7_000)  # 3 s before the end: the warning (due 6 s before) is up
        expect(banner).to_be_visible()
        expect(banner).to_contain_text(re.compile(r"You will be signed out in \d seconds\."))
        banner.get_by_role("button", name="Stay signed in").click()
        expect(banner).to_have_count(0)
        # The sign-in was refreshed on the server: 55 s more idle would have ended the old one.
        age_sign_ins(database_url, "worker_a1", timedelta(seconds=55))
        assert page.evaluate("fetch('/api/users/me').then((r) => r.status)") == 200
    finally:
        context.close()


def test_a_busy_tab_keeps_another_tab_of_the_same_sign_in_from_warning(
    browser: Browser, short_server: str, database_url: str
) -> None:
    context = browser.new_context(viewport=LAPTOP)
    try:
        context.clock.install()
        quiet = context.new_page()
        sign_in(quiet, short_server, "worker_a1")
        busy = context.new_page()
        busy.goto(f"{short_server}/caseload")
        for tab in (quiet, busy):
            wait_until(tab, "localStorage.getItem('vfb.session.ends-at') !== null")
        ends = "Number(localStorage.getItem('vfb.session.ends-at')) - Date.now()"
        context.clock.run_for(int(quiet.evaluate(ends)) - 10_000)
        age_sign_ins(database_url, "worker_a1", timedelta(seconds=45))
        busy.get_by_label("Include closed cases").check()  # the busy tab asks the server
        wait_until(quiet, f"{ends} > 30000")  # told, through localStorage, of the later end
        context.clock.run_for(7_000)  # where the quiet tab alone would have warned (see above)
        for tab in (quiet, busy):
            expect(tab.get_by_role("alert").filter(has_text="signed out")).to_have_count(0)
    finally:
        context.close()
