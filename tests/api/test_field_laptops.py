"""Enrolling a field laptop: an admin's one-time code, traded once for the laptop's own credential,
which sends footage and syncs as its worker and nothing more, until the admin withdraws it."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx2 as httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from tests.support import Caller, Cast, FakeClock, Family
from tests.support.api import token_for, trail
from tests.support.media import Samples


def begin_upload(caller: Caller, family: Family, data: bytes) -> httpx.Response:
    """The first request of a resumable upload into the family's visit."""
    visit = base64.b64encode(family.session.encode()).decode()
    headers = {"Tus-Resumable": "1.0.0", "Upload-Length": str(len(data))}
    return caller.post("/api/uploads", headers=headers | {"Upload-Metadata": f"visit {visit}"})


def laptop_of(client: TestClient, admin: Caller, user_id: str) -> Caller:
    """A laptop enrolled for the user, signed in by its credential."""
    return Caller(client, enrol(client, make_code(admin, user_id)["code"])["credential"])


def make_code(admin: Caller, user_id: str, name: str = "Laptop 3") -> dict[str, Any]:
    made: dict[str, Any] = admin.ok(
        "POST", "/api/field-laptops", 201, json={"user_id": user_id, "name": name}
    )
    return made


def enrol(client: TestClient, code: str, expected: int = 201) -> dict[str, Any]:
    answer = client.post("/api/field/enrol", json={"code": code})
    assert answer.status_code == expected, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_a_laptop_trades_its_one_time_code_for_a_credential_that_signs_it_in_as_its_worker(
    client: TestClient, as_: Callable[[str], Caller], cast: Cast, app: FastAPI
) -> None:
    admin = as_("admin")
    made = make_code(admin, cast.user_ids["worker_a1"])
    assert made["state"] == "waiting" and made["username"] == "worker_a1"
    code = made["code"]
    assert len(code) == 14 and code.count("-") == 2
    # typed as it is read out: lower case, with spaces
    enrolled = enrol(client, code.lower().replace("-", " "))
    assert enrolled["user"]["username"] == "worker_a1" and enrolled["team"]["name"] == "North Team"
    assert enrolled["device_name"] == "Laptop 3" and enrolled["credential"].startswith("vfbd_")
    laptop = Caller(client, enrolled["credential"])
    link = laptop.ok("GET", "/api/field/link")
    assert link["device_id"] == made["id"] and link["user"]["username"] == "worker_a1"
    # once only
    again = enrol(client, code, 401)
    assert again["error"] == "not_signed_in" and "works once, for 30 minutes" in again["detail"]
    [listed] = [d for d in admin.ok("GET", "/api/field-laptops")["data"] if d["id"] == made["id"]]
    assert listed["state"] == "enrolled" and listed["code"] is None
    assert listed["enrolled_at"] is not None and listed["last_seen_at"] is not None
    # neither the code nor the credential is kept
    with Session(app.state.engine) as db:
        stored = db.execute(text("SELECT * FROM field_device")).all()
    flat = repr(stored)
    assert code.replace("-", "") not in flat and enrolled["credential"] not in flat


def test_a_code_runs_out_after_30_minutes(
    client: TestClient, as_: Callable[[str], Caller], cast: Cast, clock: FakeClock
) -> None:
    made = make_code(as_("admin"), cast.user_ids["worker_a1"])
    clock.advance(minutes=31)
    assert "ask your admin for a new one" in enrol(client, made["code"], 401)["detail"]
    admin = Caller(client, token_for(client, "admin"))  # the first sign-in has timed out too
    [listed] = [d for d in admin.ok("GET", "/api/field-laptops")["data"] if d["id"] == made["id"]]
    assert listed["state"] == "code expired"
    assert enrol(client, "ABCD-EFGH-JKMN", 401)["error"] == "not_signed_in"
    assert enrol(client, "short", 401)["error"] == "not_signed_in"


def test_a_laptops_credential_sends_footage_as_its_worker_with_the_laptop_named_and_nothing_more(
    client: TestClient, as_: Callable[[str], Caller], cast: Cast, family: Family, samples: Samples
) -> None:
    laptop = laptop_of(client, as_("admin"), cast.user_ids["worker_a1"])
    data = samples.get("indexed.mp4").read_bytes()
    upload = begin_upload(laptop, family, data)
    assert upload.status_code == 201, upload.text
    piece = {
        "Tus-Resumable": "1.0.0",
        "Upload-Offset": "0",
        "Content-Type": "application/offset+octet-stream",
    }
    sent = laptop.patch(upload.headers["Location"], content=data, headers=piece)
    assert sent.status_code == 204, sent.text
    clip_id = sent.headers["Vfb-Clip-Id"]
    rows = trail(as_("manager_a"), child_id=family.child)
    [made] = [r for r in rows if r["target_id"] == clip_id and r["action"] == "clip.create"]
    assert made["actor_name"] == "worker_a1" and made["origin"] == "testclient · Laptop 3"
    # a lost laptop's credential opens nothing else: not the caseload, the trail or the reports
    for path in ("/api/caseload", "/api/audit", f"/api/children/{family.child}", "/api/users/me"):
        refused = laptop.get(path)
        assert refused.status_code == 403, path
        assert "can send footage and sync, nothing more" in refused.json()["detail"]
    assert laptop.post("/api/auth/sign-out").status_code == 403


def test_a_withdrawn_laptop_is_refused_in_words_and_told_nothing_on_it_was_deleted(
    client: TestClient, as_: Callable[[str], Caller], cast: Cast, family: Family
) -> None:
    admin = as_("admin")
    made = make_code(admin, cast.user_ids["worker_a1"])
    laptop = Caller(client, enrol(client, made["code"])["credential"])
    withdrawn = admin.ok("POST", f"/api/field-laptops/{made['id']}/withdraw")
    assert withdrawn["state"] == "withdrawn" and withdrawn["revoked_at"] is not None
    refused = laptop.get("/api/field/link")
    assert refused.status_code == 401 and refused.json()["error"] == "device_withdrawn"
    assert "Nothing on the laptop has been deleted" in refused.json()["detail"]
    assert begin_upload(laptop, family, b"0123456789").status_code == 401
    # withdrawing twice is one withdrawal; a code withdrawn before it was used does not enrol
    admin.ok("POST", f"/api/field-laptops/{made['id']}/withdraw")
    unused = make_code(admin, cast.user_ids["worker_a1"], "Laptop 4")
    admin.ok("POST", f"/api/field-laptops/{unused['id']}/withdraw")
    enrol(client, unused["code"], 401)
    rows = trail(as_("manager_a"), action="field_device.")
    assert [r["action"] for r in rows if r["target_id"] == made["id"]] == [
        "field_device.withdraw",  # newest first
        "field_device.enrol",
        "field_device.create",
    ]
    for row in rows:
        for secret in (made["code"], unused["code"]):
            assert secret not in repr(row)


def test_a_disabled_workers_laptop_is_refused(
    client: TestClient, as_: Callable[[str], Caller], cast: Cast
) -> None:
    admin = as_("admin")
    laptop = laptop_of(client, admin, cast.user_ids["worker_a1"])
    admin.ok("PATCH", f"/api/users/{cast.user_ids['worker_a1']}", json={"disabled": True})
    refused = laptop.get("/api/field/link")
    assert refused.status_code == 401 and "disabled" in refused.json()["detail"]


def test_only_a_worker_or_supervisor_has_a_laptop_and_only_an_admin_makes_codes(
    as_: Callable[[str], Caller], cast: Cast
) -> None:
    admin = as_("admin")
    refused = admin.post(
        "/api/field-laptops", json={"user_id": cast.user_ids["manager_a"], "name": "Office"}
    )
    assert refused.status_code == 400 and "holds a caseload" in refused.json()["detail"]
    make_code(admin, cast.user_ids["supervisor_a"])
    body = {"user_id": cast.user_ids["worker_a1"], "name": "Mine"}
    assert as_("worker_a1").post("/api/field-laptops", json=body).status_code == 403
    assert as_("manager_a").get("/api/field-laptops").status_code == 403
    assert admin.post("/api/field-laptops", json=body | {"name": "  "}).status_code in (400, 422)
