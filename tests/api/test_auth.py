"""Signing in and out: tokens, cookies, lockout, expiry, disabling a user."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.support import PASSWORD, Caller, Cast, FakeClock
from tests.support.api import token_for


def test_a_token_signs_in_and_names_the_user(client: TestClient) -> None:
    token = token_for(client, "worker_a1")
    me = Caller(client, token).ok("GET", "/api/users/me")
    assert me["username"] == "worker_a1"
    assert me["role"] == "worker"
    assert "password" not in str(me) and "hash" not in str(me)


def test_usernames_are_not_case_sensitive(client: TestClient) -> None:
    token = token_for(client, "Worker_A1")
    assert Caller(client, token).ok("GET", "/api/users/me")["username"] == "worker_a1"


def test_wrong_password_is_401_in_plain_words(client: TestClient) -> None:
    response = client.post("/api/auth/token", data={"username": "worker_a1", "password": "nope"})
    assert response.status_code == 401
    assert response.json() == {
        "error": "wrong_credentials",
        "detail": "Wrong username or password.",
    }


def test_no_token_and_a_bad_token_are_401(client: TestClient) -> None:
    assert client.get("/api/children").status_code == 401
    response = Caller(client, "made-up").get("/api/children")
    assert response.status_code == 401
    assert response.json()["error"] == "not_signed_in"


def test_five_failures_lock_the_username_for_fifteen_minutes(
    client: TestClient, clock: FakeClock
) -> None:
    for _ in range(5):
        bad = client.post("/api/auth/token", data={"username": "worker_a1", "password": "x"})
        assert bad.status_code == 401
    locked = client.post("/api/auth/token", data={"username": "worker_a1", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Try again in 15 minutes" in locked.json()["detail"]
    # another username is unaffected
    token_for(client, "worker_a2")
    clock.advance(minutes=14, seconds=59)
    still = client.post("/api/auth/token", data={"username": "worker_a1", "password": PASSWORD})
    assert still.status_code == 429
    clock.advance(seconds=2)
    token_for(client, "worker_a1")


def test_four_failures_then_success_resets_the_count(client: TestClient) -> None:
    for _ in range(4):
        client.post("/api/auth/token", data={"username": "worker_a1", "password": "x"})
    token_for(client, "worker_a1")
    for _ in range(4):
        client.post("/api/auth/token", data={"username": "worker_a1", "password": "x"})
    token_for(client, "worker_a1")


def test_unknown_usernames_lock_too_so_lockout_reveals_nothing(client: TestClient) -> None:
    for _ in range(5):
        client.post("/api/auth/token", data={"username": "nobody", "password": "x"})
    response = client.post("/api/auth/token", data={"username": "nobody", "password": "x"})
    assert response.status_code == 429


def test_a_session_ends_after_thirty_idle_minutes(client: TestClient, clock: FakeClock) -> None:
    caller = Caller(client, token_for(client, "worker_a1"))
    clock.advance(minutes=29)
    assert caller.get("/api/users/me").status_code == 200
    clock.advance(minutes=29)  # 29 idle minutes again: still alive, activity kept it going
    assert caller.get("/api/users/me").status_code == 200
    clock.advance(minutes=31)
    response = caller.get("/api/users/me")
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    clock.advance(seconds=1)
    assert caller.get("/api/users/me").status_code == 401  # ended, not revived


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(
    client: TestClient, clock: FakeClock
) -> None:
    caller = Caller(client, token_for(client, "worker_a1"))
    for _ in range(24):
        clock.advance(minutes=29, seconds=59)
        assert caller.get("/api/users/me").status_code == 200
    clock.advance(minutes=1)
    assert caller.get("/api/users/me").status_code == 401


def test_sign_out_ends_the_token(client: TestClient) -> None:
    caller = Caller(client, token_for(client, "worker_a1"))
    assert caller.post("/api/auth/sign-out").status_code == 204
    assert caller.get("/api/users/me").status_code == 401


def test_disabling_a_user_ends_their_sessions_at_once(
    as_: Callable[[str], Caller], cast: Cast, client: TestClient
) -> None:
    worker = Caller(client, token_for(client, "worker_a2"))
    assert worker.get("/api/users/me").status_code == 200
    as_("admin").ok("PATCH", f"/api/users/{cast.user_ids['worker_a2']}", json={"disabled": True})
    assert worker.get("/api/users/me").status_code == 401
    again = client.post("/api/auth/token", data={"username": "worker_a2", "password": PASSWORD})
    assert again.status_code == 401


def test_changing_a_password_ends_old_sessions(
    as_: Callable[[str], Caller], cast: Cast, client: TestClient
) -> None:
    worker = Caller(client, token_for(client, "worker_a2"))
    new = "a brand new passphrase"
    as_("admin").ok("PATCH", f"/api/users/{cast.user_ids['worker_a2']}", json={"password": new})
    assert worker.get("/api/users/me").status_code == 401
    token_for(client, "worker_a2", new)


def test_cookie_session_is_httponly_strict_and_needs_the_csrf_header_to_change(
    client: TestClient,
) -> None:
    response = client.post(
        "/api/auth/session", data={"username": "worker_a1", "password": PASSWORD}
    )
    assert response.status_code == 200
    cookies = response.headers.get_list("set-cookie")
    session_cookie = next(c for c in cookies if c.startswith("vfb_session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=strict" in session_cookie or "SameSite=Strict" in session_cookie
    assert "Secure" not in session_cookie  # loopback default; on by default elsewhere
    csrf = client.cookies.get("vfb_csrf")
    assert csrf
    assert client.get("/api/users/me").json()["username"] == "worker_a1"
    body = {
        "reference": "X",
        "date_of_birth": "2024-01-01",
        "attachment_status": "at_risk",
        "identified_on": "2024-02-01",
        "care_status": "other",
    }
    refused = client.post("/api/children", json=body)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    wrong = client.post("/api/children", json=body, headers={"X-CSRF-Token": "0" * 64})
    assert wrong.status_code == 403
    made = client.post("/api/children", json=body, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201, made.text
    out = client.post("/api/auth/sign-out", headers={"X-CSRF-Token": csrf})
    assert out.status_code == 204
    client.cookies.clear()
    assert client.get("/api/users/me").status_code == 401


def test_an_admin_setting_a_new_password_lifts_a_lockout(
    as_: Callable[[str], Caller], cast: Cast, client: TestClient
) -> None:
    for _ in range(5):
        client.post("/api/auth/token", data={"username": "worker_a2", "password": "x"})
    locked = client.post("/api/auth/token", data={"username": "worker_a2", "password": PASSWORD})
    assert locked.status_code == 429
    new = "reset by the admin today"
    as_("admin").ok("PATCH", f"/api/users/{cast.user_ids['worker_a2']}", json={"password": new})
    token_for(client, "worker_a2", new)
