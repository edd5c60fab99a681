"""Carer share links: a random 128-bit token exchanged on first open for a cookie, streaming only,
expiring on time, revoked at once, and every open and view in the audit trail."""

from __future__ import annotations

import base64
import logging
import secrets
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.support import Caller, Cast, FakeClock, Family, RunningServer
from tests.support.api import (
    mark,
    open_link,
    share,
    share_consent,
    token_of,
    wait_for_reel,
)


@pytest.fixture
def carer_browser(app: FastAPI) -> Iterator[TestClient]:
    """The carer's phone: a browser with no vfb account, only the cookie a link gives it."""
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as browser:
        yield browser


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
    video = f"/shared/{link['id']}"
    assert opened.status_code == 303 and opened.headers["location"] == video
    cookie = opened.headers["set-cookie"]
    assert f"vfb_share_{link['id']}=" in cookie and "HttpOnly" in cookie and "Path=/" in cookie
    assert "samesite=strict" in cookie.lower() and token not in cookie

    page = carer_browser.get(video)
    assert page.status_code == 200 and "shared.js" in page.text
    viewing = carer_browser.get(f"{video}/viewing").json()
    assert viewing["carer_name"] == "Sam" and viewing["today"] == "2026-03-02"
    assert viewing["status"] == "ready" and viewing["media_url"] == f"{video}/media"

    media = carer_browser.get(f"{video}/media", headers={"Range": "bytes=0-"})
    assert media.status_code == 206 and media.headers["content-type"] == "video/mp4"
    assert media.headers["content-disposition"] == "inline"
    assert "no-store" in media.headers["cache-control"]
    assert carer_browser.get(f"{video}/media", headers={"Range": "bytes=100-"}).status_code == 206

    # the same link again, in the carer's own browser, goes straight to the video ...
    again = carer_browser.get(f"/s/{token}")
    assert again.status_code == 303 and again.headers["location"] == video
    # ... and in anyone else's, it is spent
    with TestClient(app, base_url="http://127.0.0.1") as someone_else:
        forwarded = someone_else.post(f"/s/{token}")
        assert forwarded.status_code == 410
        assert "already been opened" in forwarded.text
        assert someone_else.get(f"{video}/media").status_code == 410
        assert someone_else.get(video).status_code == 410

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
    assert carer_browser.get(f"/shared/{link['id']}/media").status_code == 200
    clock.advance(minutes=2)
    gone = carer_browser.get(f"/shared/{link['id']}/media")
    assert gone.status_code == 410 and gone.json()["error"] == "gone"
    assert "expired" in gone.json()["detail"]
    assert carer_browser.get(f"/shared/{link['id']}/viewing").status_code == 410
    with TestClient(app, base_url="http://127.0.0.1") as other:
        page = other.get(f"/s/{token_of(link)}")
        assert page.status_code == 410 and "This link expired on" in page.text


def test_a_revoked_link_is_gone_at_once(
    family: Family, reel: Any, as_: Callable[[str], Caller], carer_browser: TestClient
) -> None:
    worker = as_("worker_a1")
    link = share(worker, family, reel)
    assert open_link(carer_browser, link).status_code == 303
    assert carer_browser.get(f"/shared/{link['id']}/media").status_code == 200
    revoked = worker.ok("POST", f"/api/share-links/{link['id']}/revoke")
    assert revoked["state"] == "revoked"
    gone = carer_browser.get(f"/shared/{link['id']}/media")
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
    assert carer_browser.get(f"/shared/{link['id']}/media").status_code == 200
    [consent] = [
        c
        for c in worker.ok("GET", f"/api/programmes/{family.programme}/consents")
        if c["scope"] == "share_with_carer"
    ]
    worker.ok("PATCH", f"/api/consents/{consent['id']}", json={"withdrawn_on": "2026-03-02"})
    gone = carer_browser.get(f"/shared/{link['id']}/media")
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
    assert carer_browser.get(f"/shared/{'f' * 32}/viewing").status_code == 410


def test_the_server_log_never_holds_a_link_token(database_url: str, tmp_path: Path) -> None:
    tokens = [secrets.token_urlsafe(16) for _ in range(3)]
    with RunningServer(tmp_path, database_url) as server:
        assert httpx.get(f"{server.base}/s/{tokens[0]}").status_code == 410
        assert httpx.post(f"{server.base}/s/{tokens[1]}").status_code == 410
        assert httpx.get(f"{server.base}/s/{tokens[2]}?from=sms").status_code == 410
    log = server.log_path.read_text()
    assert log.count('"GET /s/[hidden]') == 2 and '"POST /s/[hidden] HTTP/1.1" 410' in log
    assert not any(token in log for token in tokens)


def test_vfb_s_own_log_lines_hide_link_tokens_too(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    token = secrets.token_urlsafe(16)
    with caplog.at_level(logging.INFO):
        logging.getLogger("vfb.api").error("unexpected error on %s %s", "POST", f"/s/{token}")
        logging.getLogger("uvicorn.error").info(f"closing /s/{token}/")
    assert token not in caplog.text and caplog.text.count("/s/[hidden]") == 2


def _carer_leaves(worker: Caller, family: Family, admin: Caller, cast: Cast) -> str:
    other = worker.ok(
        "POST",
        "/api/carers",
        201,
        json={"child_id": family.child, "display_name": "Alex", "relationship": "birth_parent"},
    )
    path = f"/api/programmes/{family.programme}"
    worker.ok("PATCH", path, json={"carer_ids": [other["id"]]})
    return "no longer shared"


def _case_closes(worker: Caller, family: Family, admin: Caller, cast: Cast) -> str:
    worker.ok("PATCH", f"/api/children/{family.child}", json={"closed_on": "2026-03-02"})
    return "has finished"


def _worker_disabled(worker: Caller, family: Family, admin: Caller, cast: Cast) -> str:
    admin.ok("PATCH", f"/api/users/{cast.user_ids['worker_a1']}", json={"disabled": True})
    return "no longer sharing videos"


@pytest.mark.parametrize("change", [_carer_leaves, _case_closes, _worker_disabled])
def test_a_link_stops_when_sharing_would_no_longer_be_allowed(
    family: Family,
    reel: Any,
    as_: Callable[[str], Caller],
    carer_browser: TestClient,
    cast: Cast,
    change: Callable[[Caller, Family, Caller, Cast], str],
) -> None:
    worker = as_("worker_a1")
    link = share(worker, family, reel)
    assert open_link(carer_browser, link).status_code == 303
    video = f"/shared/{link['id']}"
    assert carer_browser.get(f"{video}/media").status_code == 200
    words = change(worker, family, as_("admin"), cast)
    for path in (f"{video}/media", f"{video}/viewing"):
        gone = carer_browser.get(path)
        assert gone.status_code == 410 and words in gone.json()["detail"], path
        assert "Ask" in gone.json()["detail"]
    for path in (video, f"/s/{token_of(link)}"):
        page = carer_browser.get(path)
        assert page.status_code == 410 and words in page.text, path
        assert "This video is not available" in page.text


def test_one_browser_holds_several_links_at_once(
    family: Family,
    reel: Any,
    as_: Callable[[str], Caller],
    carer_browser: TestClient,
    app: FastAPI,
) -> None:
    worker = as_("worker_a1")
    first, second = share(worker, family, reel), share(worker, family, reel)
    assert open_link(carer_browser, first).status_code == 303
    assert open_link(carer_browser, second).status_code == 303  # the second ends nothing
    for link in (first, second):
        again = carer_browser.get(f"/s/{token_of(link)}")
        assert again.status_code == 303 and again.headers["location"] == f"/shared/{link['id']}"
        assert carer_browser.post(f"/s/{token_of(link)}").status_code == 303
        assert carer_browser.get(f"/shared/{link['id']}").status_code == 200
        assert carer_browser.get(f"/shared/{link['id']}/media").status_code == 200
    # each link's cookie opens that link only
    first_cookie = carer_browser.cookies.get(f"vfb_share_{first['id']}")
    assert first_cookie
    with TestClient(app, base_url="http://127.0.0.1") as other:
        other.cookies.set(f"vfb_share_{second['id']}", first_cookie)
        assert other.get(f"/shared/{second['id']}/media").status_code == 410
        other.cookies.set(f"vfb_share_{first['id']}", first_cookie)
        assert other.get(f"/shared/{first['id']}/media").status_code == 200


def test_a_view_is_a_viewing_not_a_range_request(
    family: Family,
    reel: Any,
    as_: Callable[[str], Caller],
    carer_browser: TestClient,
    clock: FakeClock,
) -> None:
    worker = as_("worker_a1")
    link = share(worker, family, reel)
    assert open_link(carer_browser, link).status_code == 303
    media = f"/shared/{link['id']}/media"

    def views() -> int:
        [found] = worker.ok("GET", f"/api/programmes/{family.programme}/share-links")
        return int(found["views"])

    # a player that starts anywhere but byte 0 is still watching
    assert carer_browser.get(media, headers={"Range": "bytes=100-"}).status_code == 206
    assert views() == 1
    for seek in ("bytes=0-", "bytes=5000-", "bytes=-2000", "bytes=0-", None):
        headers = {"Range": seek} if seek else {}
        assert carer_browser.get(media, headers=headers).status_code in (200, 206)
    assert carer_browser.request("HEAD", media).status_code == 200
    assert views() == 1  # seeks within the viewing are not views
    for minutes in (20, 11):  # half an hour on, with the staff's sessions kept alive
        clock.advance(minutes=minutes)
        worker.ok("GET", "/api/users/me")
        as_("manager_a").ok("GET", "/api/users/me")
    assert carer_browser.get(media, headers={"Range": "bytes=0-"}).status_code == 206
    assert views() == 2
    rows = as_("manager_a").ok("GET", "/api/audit", params={"action": "share_link.view"})["data"]
    assert len(rows) == 2 and all(r["target_id"] == link["id"] for r in rows)
