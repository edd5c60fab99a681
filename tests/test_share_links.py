"""Carer share links: a random 128-bit token exchanged on first open for a cookie, streaming only,
expiring on time, revoked at once, and every open and view in the audit trail."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.conftest import Family
from tests.media import Samples
from tests.support import Caller, FakeClock
from tests.test_clips import imported
from tests.test_moments import mark
from tests.test_reels import share_consent, wait_for_reel


@pytest.fixture
def clip(family: Family, as_: Callable[[str], Caller], samples: Samples) -> Any:
    return imported(as_("worker_a1"), family.session, samples.get("indexed.mp4"))


@pytest.fixture
def reel(family: Family, clip: Any, as_: Callable[[str], Caller]) -> Any:
    worker = as_("worker_a1")
    share_consent(worker, family)
    moment = mark(
        worker, clip["id"], start_ms=1000, end_ms=2000, category="strengths", share_with_carer=True
    )
    made = worker.ok(
        "POST",
        f"/api/programmes/{family.programme}/reels",
        202,
        json={"moment_ids": [moment["id"]]},
    )
    assert wait_for_reel(worker, made["id"])["status"] == "ready"
    return made


@pytest.fixture
def carer_browser(app: FastAPI) -> Iterator[TestClient]:
    """The carer's phone: a browser with no vfb account, only the cookie a link gives it."""
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as browser:
        yield browser


def share(worker: Caller, family: Family, reel: Any, **extra: Any) -> Any:
    body = {"carer_id": family.carer, "reel_id": reel["id"]} | extra
    return worker.ok("POST", f"/api/programmes/{family.programme}/share-links", 201, json=body)


def token_of(link: Any) -> str:
    return str(link["url"].rsplit("/s/", 1)[1])


def open_link(browser: TestClient, link: Any) -> Any:
    """What the carer does: open the link, press Watch."""
    path = f"/s/{token_of(link)}"
    page = browser.get(path)
    assert page.status_code == 200, page.text
    assert '<form method="post">' in page.text
    return browser.post(path)


def test_a_carer_opens_the_link_once_and_watches_by_cookie_only(
    family: Family, reel: Any, as_: Callable[[str], Caller], carer_browser: TestClient, app: FastAPI
) -> None:
    worker = as_("worker_a1")
    link = share(worker, family, reel)
    token = token_of(link)
    assert len(base64.urlsafe_b64decode(token + "==")) == 16  # 128 random bits
    assert (link["carer_name"], link["state"], link["views"]) == ("Sam", "active", 0)
    assert link["expires_at"].startswith("2026-03-05T09:00:00")  # 72 hours by default
    # the token is shown once: never in a list, never stored as it is
    [listed] = worker.ok("GET", f"/api/programmes/{family.programme}/share-links")
    assert listed["url"] is None and listed["id"] == link["id"]
    with app.state.engine.connect() as connection:
        stored = connection.execute(text("SELECT token_hash FROM share_link")).scalar_one()
    assert token not in stored

    opened = open_link(carer_browser, link)
    assert opened.status_code == 303 and opened.headers["location"] == "/shared"
    cookie = opened.headers["set-cookie"]
    assert "vfb_share=" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
    assert "samesite=strict" in cookie.lower() and token not in cookie

    page = carer_browser.get("/shared")
    assert page.status_code == 200 and "shared.js" in page.text
    viewing = carer_browser.get("/shared/viewing").json()
    assert viewing["carer_name"] == "Sam" and viewing["today"] == "2026-03-02"
    assert viewing["status"] == "ready"

    media = carer_browser.get("/shared/media", headers={"Range": "bytes=0-"})
    assert media.status_code == 206 and media.headers["content-type"] == "video/mp4"
    assert media.headers["content-disposition"] == "inline"
    assert "no-store" in media.headers["cache-control"]
    assert carer_browser.get("/shared/media", headers={"Range": "bytes=100-"}).status_code == 206

    # the same link again, in the carer's own browser, goes straight to the video ...
    again = carer_browser.get(f"/s/{token}")
    assert again.status_code == 303 and again.headers["location"] == "/shared"
    # ... and in anyone else's, it is spent
    with TestClient(app, base_url="http://127.0.0.1") as someone_else:
        forwarded = someone_else.post(f"/s/{token}")
        assert forwarded.status_code == 410
        assert "already been opened" in forwarded.text
        assert someone_else.get("/shared/media").status_code == 410

    [after] = worker.ok("GET", f"/api/programmes/{family.programme}/share-links")
    assert after["views"] == 1 and after["opened_at"] is not None
    rows = as_("manager_a").ok("GET", "/api/audit", params={"action": "share_link"})["data"]
    assert [r["action"] for r in reversed(rows)] == [
        "share_link.create",
        "share_link.open",
        "share_link.view",
    ]
    view = rows[0]
    assert (view["actor_name"], view["role"], view["child_id"]) == (
        "carer: Sam",
        "carer",
        family.child,
    )
    assert view["target_id"] == link["id"] and view["origin"] == "testclient"


def test_a_link_works_a_minute_before_it_expires_and_is_gone_a_minute_after(
    family: Family,
    reel: Any,
    as_: Callable[[str], Caller],
    carer_browser: TestClient,
    clock: FakeClock,
    app: FastAPI,
) -> None:
    link = share(as_("worker_a1"), family, reel, expires_in_hours=2)
    expires = datetime.fromisoformat(link["expires_at"])
    clock.now = expires
    clock.advance(minutes=-1)
    assert open_link(carer_browser, link).status_code == 303
    assert carer_browser.get("/shared/media").status_code == 200
    clock.advance(minutes=2)
    gone = carer_browser.get("/shared/media")
    assert gone.status_code == 410 and gone.json()["error"] == "gone"
    assert "expired" in gone.json()["detail"]
    assert carer_browser.get("/shared/viewing").status_code == 410
    with TestClient(app, base_url="http://127.0.0.1") as other:
        page = other.get(f"/s/{token_of(link)}")
        assert page.status_code == 410 and "This link expired on" in page.text


def test_a_revoked_link_is_gone_at_once(
    family: Family, reel: Any, as_: Callable[[str], Caller], carer_browser: TestClient
) -> None:
    worker = as_("worker_a1")
    link = share(worker, family, reel)
    assert open_link(carer_browser, link).status_code == 303
    assert carer_browser.get("/shared/media").status_code == 200
    revoked = worker.ok("POST", f"/api/share-links/{link['id']}/revoke")
    assert revoked["state"] == "revoked"
    gone = carer_browser.get("/shared/media")
    assert gone.status_code == 410 and "switched off" in gone.json()["detail"]
    assert carer_browser.get(f"/s/{token_of(link)}").status_code == 410
    # outsiders cannot revoke (or learn of) someone else's link
    assert as_("worker_a2").post(f"/api/share-links/{link['id']}/revoke").status_code == 404
    assert as_("supervisor_a").post(f"/api/share-links/{link['id']}/revoke").status_code == 403


def test_sharing_needs_share_consent_and_withdrawing_it_stops_the_link(
    family: Family,
    clip: Any,
    as_: Callable[[str], Caller],
    carer_browser: TestClient,
) -> None:
    worker = as_("worker_a1")
    moment = mark(worker, clip["id"], start_ms=500, category="strengths", share_with_carer=True)
    body = {"carer_id": family.carer, "moment_ids": [moment["id"]]}
    path = f"/api/programmes/{family.programme}/share-links"
    refused = worker.post(path, json=body)
    assert refused.status_code == 409 and refused.json()["error"] == "consent_missing"
    share_consent(worker, family)
    # chosen moments are made into a reel for the link
    link = worker.ok("POST", path, 201, json=body)
    assert wait_for_reel(worker, link["reel_id"])["status"] == "ready"
    assert open_link(carer_browser, link).status_code == 303
    assert carer_browser.get("/shared/media").status_code == 200
    [consent] = [
        c
        for c in worker.ok("GET", f"/api/programmes/{family.programme}/consents")
        if c["scope"] == "share_with_carer"
    ]
    worker.ok("PATCH", f"/api/consents/{consent['id']}", json={"withdrawn_on": "2026-03-02"})
    gone = carer_browser.get("/shared/media")
    assert gone.status_code == 410 and "no longer shared" in gone.json()["detail"]


def test_a_link_needs_one_carer_of_the_programme_and_one_thing_to_share(
    family: Family, reel: Any, as_: Callable[[str], Caller]
) -> None:
    worker = as_("worker_a1")
    path = f"/api/programmes/{family.programme}/share-links"
    both = {"carer_id": family.carer, "reel_id": reel["id"], "moment_ids": ["0" * 32]}
    assert worker.post(path, json=both).status_code == 400
    assert worker.post(path, json={"carer_id": family.carer}).status_code == 400
    assert worker.post(path, json={"carer_id": "0" * 32, "reel_id": reel["id"]}).status_code == 400
    too_long = {"carer_id": family.carer, "reel_id": reel["id"], "expires_in_hours": 24 * 31}
    assert worker.post(path, json=too_long).status_code == 422
    assert (
        as_("supervisor_a")
        .post(path, json={"carer_id": family.carer, "reel_id": reel["id"]})
        .status_code
        == 403
    )


def test_a_made_up_token_is_gone_and_says_so(carer_browser: TestClient) -> None:
    response = carer_browser.get("/s/" + "A" * 22)
    assert response.status_code == 410
    assert "does not work" in response.text
    assert carer_browser.get("/shared/viewing").status_code == 410
