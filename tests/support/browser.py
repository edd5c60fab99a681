"""Browser test support: Debian's Chromium driven by Playwright (one browser for the whole run),
`vfb serve` (in this process) per test, a signed-in page that fails the test on any console
error, CSP refusal or broken asset.

With CI=true the browser tests fail, never skip, when Chromium is missing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Response,
    expect,
    sync_playwright,
)

from tests.support import (
    PASSWORD,
    PREPARED,
    PREPARED_IDS,
    Databases,
    Maker,
    ServedInProcess,
    child_body,
    database_for,
)
from tests.support.media import Samples

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # a synthetic camera and microphone, allowed without a prompt, for the Record page
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `make test` installs Debian's chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[str]:
    """What `vfb serve` serves, on the test's fresh database (in this process: no test of the
    pages kills it)."""
    with ServedInProcess(tmp_path, database_url) as running:
        yield running.base


def api_token(base: str, username: str) -> dict[str, str]:
    response = httpx.post(
        f"{base}/api/auth/token", data={"username": username, "password": PASSWORD}
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def make_child(server: str) -> dict[str, str]:
    """A child of worker_a1 with a carer and an active programme with one held session, made
    through the API, and the worker's `auth` header."""
    auth = api_token(server, "worker_a1")

    def post(path: str, body: dict[str, object]) -> dict[str, str]:
        response = httpx.post(f"{server}{path}", json=body, headers=auth)
        assert response.status_code == 201, response.text
        return dict(response.json())

    made = post("/api/children", child_body(reference="BROWSER-1"))
    carer = post(
        "/api/carers",
        {"child_id": made["id"], "display_name": "Sam", "relationship": "birth_parent"},
    )
    programme = post(
        "/api/programmes",
        {"child_id": made["id"], "offered_on": "2026-01-05", "carer_ids": [carer["id"]]},
    )
    session = post(
        f"/api/programmes/{programme['id']}/sessions",
        {"held_on": "2026-02-01", "duration_minutes": 60, "filmed_seconds": 700},
    )
    post(
        "/api/consents",
        {
            "programme_id": programme["id"],
            "carer_id": carer["id"],
            "scope": "filming",
            "given_on": "2026-01-05",
        },
    )
    return {
        "child": made["id"],
        "programme": programme["id"],
        "session": session["id"],
        "auth": auth["Authorization"],
    }


def child_with_clip(samples: Samples) -> Maker:
    """What `make_child` makes, and the 8-second clip imported into its session and ready."""

    def make(url: str, data_dir: Path) -> tuple[dict[str, str], dict[str, str]]:
        with ServedInProcess(data_dir.parent, url) as running:
            made = make_child(running.base)
            clip = imported(running.base, made, samples.get("indexed.mp4"))
        records = {name: value for name, value in made.items() if name != "auth"}
        return records, {"clip": str(clip["id"])}

    return make


@pytest.fixture
def database_url(
    databases: Databases, samples: Samples, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A fresh database, or for a test that asks for `clip`, a copy of one with the child and
    the clip."""
    url = database_for(databases, tmp_path, request, "child", {"clip": child_with_clip(samples)})
    yield url
    databases.drop(url)


@pytest.fixture
def child(server: str, request: pytest.FixtureRequest) -> dict[str, str]:
    """A child of worker_a1 with a carer and an active programme with one held session, and the
    worker's `auth` header (signed in now: a prepared copy's sign-in may have passed its limit)."""
    prepared = request.node.stash.get(PREPARED, None)
    if prepared is not None:
        return {**prepared, "auth": api_token(server, "worker_a1")["Authorization"]}
    return make_child(server)


# Set once a test's own body has run: what a page logs after that (the test's server already
# stopped, a poll that can no longer reach it) is not the test's problem.
TEST_BODY_DONE = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    try:
        yield
    finally:
        item.stash[TEST_BODY_DONE] = True


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context()
    opened = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if request.node.stash.get(TEST_BODY_DONE, False):
            return
        # API refusals the test provokes are logged by Chromium too; those are expected.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(message.text)  # e.g. a CSP refusal

    def on_response(response: Response) -> None:
        if request.node.stash.get(TEST_BODY_DONE, False):
            return
        if "/api/" not in response.url and response.status >= 400:
            problems.append(f"{response.status} {response.url}")

    opened.on("console", on_console)
    opened.on("response", on_response)
    opened.on(
        "pageerror",
        lambda error: (
            None if request.node.stash.get(TEST_BODY_DONE, False) else problems.append(str(error))
        ),
    )
    yield opened
    context.close()
    assert problems == [], f"the page logged errors: {problems}"


def sign_in(page: Page, base: str, username: str, path: str = "/caseload") -> None:
    """Signed in as `username` by the sign-in route itself (the session and CSRF cookies it
    sets land in the page's browser context), then at `path`. The form is tested on its own
    (`sign_in_by_form` and the tests of signing in)."""
    response = page.request.post(
        f"{base}/api/auth/session", form={"username": username, "password": PASSWORD}
    )
    assert response.ok, response.text()
    page.goto(f"{base}{path}")
    expect(page).to_have_url(f"{base}{path}")


def sign_in_by_form(page: Page, base: str, username: str, path: str = "/caseload") -> None:
    """Signed in as a person does: `path` sends them to the sign-in form, which brings them
    back."""
    page.goto(f"{base}{path}")
    expect(page).to_have_url(f"{base}/signin?next={path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base}{path}")


def wait_until(page: Page, expression: str, timeout: float = 30) -> None:
    """Poll `expression` in the page (the CSP forbids wait_for_function's string eval)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(100)


def no_sideways_scroll(page: Page) -> None:
    """The page is no wider than the window: nothing to scroll sideways."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def call(server: str, child: dict[str, str], method: str, path: str, **kwargs: Any) -> Any:
    response = httpx.request(
        method, f"{server}{path}", headers={"Authorization": child["auth"]}, timeout=30, **kwargs
    )
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def imported(
    server: str,
    child: dict[str, str],
    path: Path,
    *,
    session_id: str | None = None,
    mime: str = "video/mp4",
    within_s: float = 60,
) -> dict[str, Any]:
    """`path` imported into the session (the fixture's by default), once it is ready to review."""
    session = session_id or child["session"]
    with path.open("rb") as f:
        files = {"file": (f"visit{path.suffix}", f, mime)}
        made = call(server, child, "POST", f"/api/sessions/{session}/clips", files=files)
    deadline = time.monotonic() + within_s
    while made["status"] == "processing" or not made["review_media"]:
        assert time.monotonic() < deadline, made
        time.sleep(0.2)
        made = call(server, child, "GET", f"/api/clips/{made['id']}")
    assert made["status"] == "ready"
    return dict(made)


@pytest.fixture
def clip(
    server: str, child: dict[str, str], samples: Samples, request: pytest.FixtureRequest
) -> dict[str, Any]:
    """The 8-second frame-indexed clip, imported and ready for review."""
    prepared = request.node.stash.get(PREPARED_IDS, {}).get("clip")
    if prepared is not None:
        return dict(call(server, child, "GET", f"/api/clips/{prepared}"))
    return imported(server, child, samples.get("indexed.mp4"))


def open_review(page: Page, server: str, clip: dict[str, Any]) -> None:
    sign_in(page, server, "worker_a1", f"/clips/{clip['id']}/review")
    wait_until(page, "document.body.dataset.ready === 'true'")
    wait_until(page, "document.getElementById('player').readyState >= 2")


def at(page: Page, seconds: float) -> None:
    """Put the playhead at `seconds` and give the keyboard back to the page."""
    page.evaluate(f"document.getElementById('player').currentTime = {seconds}")
    wait_until(page, f"Math.abs(document.getElementById('player').currentTime - {seconds}) < 0.001")
    page.locator("h1").click()


@pytest.fixture
def reel(server: str, child: dict[str, str], clip: dict[str, Any]) -> dict[str, Any]:
    return made_reel(server, child, clip, [(1000, 3000)])


def made_reel(
    server: str, child: dict[str, str], clip: dict[str, Any], spans: list[tuple[int, int]]
) -> dict[str, Any]:
    """A reel of shared moments of the clip over `spans` (start, end ms), built, with the
    carer's share consent."""
    moments = [
        call(
            server,
            child,
            "POST",
            f"/api/clips/{clip['id']}/moments",
            json={
                "start_ms": start,
                "end_ms": end,
                "category": "strengths",
                "caption": "You waited for him",
                "share_with_carer": True,
            },
        )
        for start, end in spans
    ]
    carers = call(server, child, "GET", f"/api/children/{child['child']}/carers")
    call(
        server,
        child,
        "POST",
        "/api/consents",
        json={
            "programme_id": child["programme"],
            "carer_id": carers[0]["id"],
            "scope": "share_with_carer",
            "given_on": "2026-01-05",
        },
    )
    made = call(
        server,
        child,
        "POST",
        f"/api/programmes/{child['programme']}/reels",
        json={"moment_ids": [moment["id"] for moment in moments]},
    )
    for _ in range(300):
        made = call(server, child, "GET", f"/api/reels/{made['id']}")
        if made["status"] != "building":
            break
        time.sleep(0.2)
    assert made["status"] == "ready", made
    return dict(made)
