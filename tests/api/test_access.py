"""Who can reach what: outside a user's reach everything answers 404, exactly as if missing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI

from tests.support import Caller, Cast, Family, child_body, session_body
from tests.support.api import wait_for_reel, wait_ready
from tests.support.media import Samples

# A valid body for every route that changes a case record, so that only reach decides the answer.
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("PATCH", "/api/children/{child_id}"): {"care_status": "foster_care"},
    ("PATCH", "/api/carers/{carer_id}"): {"display_name": "Someone"},
    ("PATCH", "/api/programmes/{programme_id}"): {"status": "withdrawn", "ended_on": "2026-02-28"},
    ("PATCH", "/api/consents/{consent_id}"): {"withdrawn_on": "2026-02-01"},
    ("POST", "/api/programmes/{programme_id}/sessions"): session_body(number=7),
    ("PATCH", "/api/sessions/{session_id}"): {"duration_minutes": 90},
    # footage: reach is decided before a byte of the body is read
    ("POST", "/api/sessions/{session_id}/clips"): {},
    ("POST", "/api/sessions/{session_id}/recordings"): {},
    ("POST", "/api/clips/{clip_id}/trim"): {"from_ms": 0, "to_ms": 500},
    ("PUT", "/api/recordings/{recording_id}/chunks/{index}"): {},
    ("POST", "/api/recordings/{recording_id}/finish"): {},
    ("POST", "/api/clips/{clip_id}/moments"): {"start_ms": 1, "category": "sensitivity"},
    ("PATCH", "/api/moments/{moment_id}"): {"version": 1, "note": "Someone else's words"},
    ("POST", "/api/clips/{clip_id}/moments/import"): {},
    ("POST", "/api/clips/{clip_id}/moments/import/preview"): {},
    ("POST", "/api/moments/{moment_id}/carer-comments"): {"text": "I liked that bit"},
    ("POST", "/api/sessions/{session_id}/shared-review"): {"clip_id": "0" * 32, "minutes": 5},
    ("POST", "/api/programmes/{programme_id}/reels/plan"): {"moment_ids": ["0" * 32]},
    ("POST", "/api/programmes/{programme_id}/reels"): {"moment_ids": ["0" * 32]},
    ("POST", "/api/programmes/{programme_id}/share-links"): {"carer_id": "0" * 32},
    ("POST", "/api/share-links/{share_link_id}/revoke"): {},
}
CASE_PARAMS = {
    "child_id",
    "carer_id",
    "assessment_id",
    "programme_id",
    "consent_id",
    "session_id",
    "clip_id",
    "recording_id",
    "moment_id",
    "reel_id",
    "share_link_id",
}


def case_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every (method, path) of the API addressing one case record by its id, from the app's own
    OpenAPI schema: a new route is checked as soon as it exists."""
    found = []
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            params = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            if params & CASE_PARAMS:
                found.append((method.upper(), path))
    return found


@pytest.fixture
def filmed(family: Family, as_: Callable[[str], Caller], samples: Samples) -> Family:
    """The family with a clip and a recording in progress."""
    worker = as_("worker_a1")
    with samples.get("indexed.mp4").open("rb") as f:
        files = {"file": ("visit.mp4", f, "video/mp4")}
        family.clip = worker.ok("POST", f"/api/sessions/{family.session}/clips", 201, files=files)[
            "id"
        ]
    wait_ready(worker, family.clip)
    family.moment = worker.ok(
        "POST",
        f"/api/clips/{family.clip}/moments",
        201,
        json={
            "start_ms": 500,
            "category": "strengths",
            "note": "Held out the cup",
            "share_with_carer": True,
        },
    )["id"]
    family.recording = worker.ok(
        "POST", f"/api/sessions/{family.session}/recordings", 201, json={}
    )["id"]
    share = {
        "programme_id": family.programme,
        "carer_id": family.carer,
        "scope": "share_with_carer",
    }
    worker.ok("POST", "/api/consents", 201, json=share | {"given_on": "2026-01-10"})
    family.reel = worker.ok(
        "POST",
        f"/api/programmes/{family.programme}/reels",
        202,
        json={"moment_ids": [family.moment]},
    )["id"]
    wait_for_reel(worker, family.reel)
    family.link = worker.ok(
        "POST",
        f"/api/programmes/{family.programme}/share-links",
        201,
        json={"carer_id": family.carer, "reel_id": family.reel},
    )["id"]
    return family


def fill(path: str, family: Family) -> str:
    return path.format(
        clip_id=family.clip,
        recording_id=family.recording,
        moment_id=family.moment,
        reel_id=family.reel,
        share_link_id=family.link,
        extension="csv",
        index=0,
        kind="poster",
        child_id=family.child,
        carer_id=family.carer,
        assessment_id=family.assessment,
        programme_id=family.programme,
        consent_id=family.consent,
        session_id=family.session,
    )


def test_every_case_route_has_a_body_when_it_needs_one(app: FastAPI) -> None:
    for method, path in case_routes(app):
        if method in ("POST", "PATCH", "PUT"):
            assert (method, path) in BODIES, f"add a valid body for {method} {path} to BODIES"
    assert len(case_routes(app)) >= 15


@pytest.mark.parametrize("outsider", ["worker_a2", "manager_b", "worker_b", "admin"])
def test_outsiders_get_404_on_every_verb_of_another_workers_records(
    app: FastAPI, filmed: Family, as_: Callable[[str], Caller], outsider: str
) -> None:
    family = filmed
    caller = as_(outsider)
    for method, path in case_routes(app):
        response = caller.request(method, fill(path, family), json=BODIES.get((method, path)))
        assert response.status_code == 404, (outsider, method, path, response.text)
        assert response.json()["error"] == "not_found"
        assert (
            family.child not in response.json()["detail"]
            or "not one of yours" in (response.json()["detail"])
        )
    # and nothing changed: the owner sees the records as they were
    owner = as_("worker_a1")
    assert owner.ok("GET", f"/api/children/{family.child}")["care_status"] == "edge_of_care"
    assert owner.ok("GET", f"/api/sessions/{family.session}")["duration_minutes"] == 65
    assert len(owner.ok("GET", f"/api/programmes/{family.programme}/sessions")) == 1
    assert [c["id"] for c in owner.ok("GET", f"/api/sessions/{family.session}/clips")] == [
        family.clip
    ]
    assert owner.ok("GET", f"/api/recordings/{family.recording}")["status"] == "open"
    [moment] = owner.ok("GET", f"/api/clips/{family.clip}/moments")
    assert (moment["note"], moment["version"]) == ("Held out the cup", 1)
    assert moment["carer_comments"] == []
    assert owner.ok("GET", f"/api/reels/{family.reel}")["status"] == "ready"
    [link] = owner.ok("GET", f"/api/programmes/{family.programme}/share-links")
    assert link["state"] == "active"
    assert owner.ok("GET", f"/api/sessions/{family.session}")["review_minutes"] == 20


def test_a_missing_record_and_someone_elses_answer_the_same(
    family: Family, as_: Callable[[str], Caller]
) -> None:
    outsider = as_("worker_a2")
    theirs = outsider.get(f"/api/children/{family.child}")
    missing = outsider.get("/api/children/ffffffffffffffffffffffffffffffff")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["error"] == missing.json()["error"]


@pytest.mark.parametrize("outsider", ["worker_a2", "manager_b", "admin"])
def test_outsiders_cannot_attach_records_to_another_workers_child(
    family: Family, as_: Callable[[str], Caller], outsider: str
) -> None:
    caller = as_(outsider)
    attempts = [
        ("/api/carers", {"child_id": family.child, "display_name": "X", "relationship": "other"}),
        ("/api/assessments", {"child_id": family.child, "completed_on": "2026-01-01"}),
        ("/api/programmes", {"child_id": family.child, "offered_on": "2026-01-01"}),
        (
            "/api/carer-scores",
            {
                "child_id": family.child,
                "scale": "S",
                "value": 1,
                "measured_on": "2026-01-01",
                "timing": "before",
            },
        ),
        ("/api/placement-breakdowns", {"child_id": family.child, "occurred_on": "2026-01-01"}),
        (
            "/api/consents",
            {
                "programme_id": family.programme,
                "carer_id": family.carer,
                "scope": "storage",
                "given_on": "2026-01-01",
            },
        ),
    ]
    for path, body in attempts:
        response = caller.post(path, json=body)
        assert response.status_code == 404, (outsider, path, response.text)


def test_lists_show_only_what_is_in_reach(family: Family, as_: Callable[[str], Caller]) -> None:
    for outsider in ("worker_a2", "manager_b", "worker_b", "admin"):
        caller = as_(outsider)
        assert caller.ok("GET", "/api/children")["count"] == 0
        assert caller.ok("GET", "/api/programmes")["count"] == 0
        assert caller.ok("GET", "/api/caseload")["count"] == 0
    for insider in ("worker_a1", "manager_a", "supervisor_a"):
        caller = as_(insider)
        assert [c["id"] for c in caller.ok("GET", "/api/children")["data"]] == [family.child]
        assert caller.ok("GET", "/api/programmes")["count"] == 1


def test_supervisors_see_their_team_but_change_nothing(
    family: Family, as_: Callable[[str], Caller]
) -> None:
    supervisor = as_("supervisor_a")
    assert supervisor.ok("GET", f"/api/children/{family.child}")["reference"] == "C-100"
    assert supervisor.ok("GET", f"/api/sessions/{family.session}")["number"] == 1
    refused = supervisor.patch(f"/api/sessions/{family.session}", json={"duration_minutes": 1})
    assert refused.status_code == 403
    assert "Supervisors" in refused.json()["detail"]
    assert supervisor.post("/api/children", json=child_body(reference="S-1")).status_code == 403


def test_managers_change_their_teams_records_and_allocate_workers(
    family: Family, as_: Callable[[str], Caller], cast: Cast
) -> None:
    manager = as_("manager_a")
    moved = manager.ok(
        "PATCH", f"/api/children/{family.child}", json={"worker_id": cast.user_ids["worker_a2"]}
    )
    assert moved["worker_id"] == cast.user_ids["worker_a2"]
    # worker_a1 still delivers the programme, so still reaches the child; worker_a2 now does too
    assert as_("worker_a2").get(f"/api/children/{family.child}").status_code == 200
    assert as_("worker_a1").get(f"/api/children/{family.child}").status_code == 200
    other_team = manager.patch(
        f"/api/children/{family.child}", json={"worker_id": cast.user_ids["worker_b"]}
    )
    assert other_team.status_code == 400


def test_workers_cannot_allocate_children_to_others(
    as_: Callable[[str], Caller], cast: Cast
) -> None:
    worker = as_("worker_a1")
    response = worker.post("/api/children", json=child_body(worker_id=cast.user_ids["worker_a2"]))
    assert response.status_code == 403
    made = worker.ok("POST", "/api/children", 201, json=child_body())
    assert made["worker_id"] == cast.user_ids["worker_a1"]
    assert made["team_id"] == cast.team_ids["north"]


def test_only_admins_manage_teams_and_users(as_: Callable[[str], Caller], cast: Cast) -> None:
    body = {
        "username": "newbie",
        "password": "long enough password",
        "role": "worker",
        "team_id": cast.team_ids["south"],
    }
    for role in ("worker_a1", "supervisor_a", "manager_a"):
        assert as_(role).post("/api/users", json=body).status_code == 403
        assert as_(role).post("/api/teams", json={"name": "X"}).status_code == 403
        target = f"/api/users/{cast.user_ids['worker_a2']}"
        assert as_(role).patch(target, json={"disabled": True}).status_code == 403
    admin = as_("admin")
    made = admin.ok("POST", "/api/users", 201, json=body)
    assert made["username"] == "newbie" and made["trained_on"] is None
    assert admin.ok("POST", "/api/teams", 201, json={"name": "East Team"})["name"] == "East Team"
    assert admin.post("/api/teams", json={"name": "east team"}).status_code == 409
    assert admin.post("/api/users", json=body).status_code == 409


def test_users_see_their_own_team_only(as_: Callable[[str], Caller], cast: Cast) -> None:
    north = {u["username"] for u in as_("worker_a1").ok("GET", "/api/users")["data"]}
    assert north == {"admin", "manager_a", "supervisor_a", "worker_a1", "worker_a2"}
    assert as_("worker_a1").get(f"/api/users/{cast.user_ids['worker_b']}").status_code == 404
    assert as_("admin").ok("GET", "/api/users")["count"] == 7
    assert as_("worker_b").ok("GET", "/api/teams")["data"] == [
        {"id": cast.team_ids["south"], "name": "South Team", "display_name": "", "contact": ""}
    ]


def test_an_admin_cannot_lock_themselves_out(as_: Callable[[str], Caller], cast: Cast) -> None:
    admin = as_("admin")
    me = f"/api/users/{cast.user_ids['admin']}"
    assert admin.patch(me, json={"disabled": True}).status_code == 409
    assert admin.patch(me, json={"role": "worker"}).status_code == 409
    assert admin.ok("PATCH", me, json={"trained_on": "2025-01-01"})["trained_on"] == "2025-01-01"
