"""Access you can prove: every route the API answers (from the app's own route table) × every role
× own family / another worker's / another team's, each cell with the status it must answer.

A route with no rule here fails the test, so a new route cannot ship without deciding who may use
it. Outsiders answer 404 as if the record did not exist; a role that may not do a thing answers
403; no sign-in 401; watching footage as a supervisor or manager without the carer's
`supervision` consent 409; the carer's share-link routes 410 to anyone without the link's cookie.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from tests.support import AppRoute, Caller, Family, app_routes, session_body
from tests.support.api import imported, share_consent, wait_for_reel
from tests.support.media import Samples
from vfb.actions import ACTIONS, Action, markdown_table
from vfb.errors import NotAllowed
from vfb.models import User
from vfb.services.protection.access import require
from vfb.vocabulary import Role

# The principals: the family's own worker, a colleague in the same team, the team's supervisor
# and manager, a worker and a manager of another team, an admin, and nobody signed in.
OWNER, COLLEAGUE, SUPERVISOR, MANAGER = "worker_a1", "worker_a2", "supervisor_a", "manager_a"
OTHER_WORKER, OTHER_MANAGER, ADMIN, ANONYMOUS = "worker_b", "manager_b", "admin", "anonymous"
PRINCIPALS = (OWNER, COLLEAGUE, SUPERVISOR, MANAGER, OTHER_WORKER, OTHER_MANAGER, ADMIN, ANONYMOUS)
OK = 0  # stands for the route's own success status


def rule(
    allowed: set[str], *, role_refused: set[str] = frozenset(), else_: int = 404, **special: int
):  # type: ignore[no-untyped-def,assignment]
    """Expected status by principal: OK for `allowed`, 403 for `role_refused`, `else_` for the
    rest, 401 with no sign-in, or a `special` status for a named principal."""

    def expect(principal: str) -> int:
        if principal == ANONYMOUS:
            return special.get(ANONYMOUS, 401)
        if principal in special:
            return special[principal]
        if principal in allowed:
            return OK
        if principal in role_refused:
            return 403
        return else_

    return expect


EVERYONE = {OWNER, COLLEAGUE, SUPERVISOR, MANAGER, OTHER_WORKER, OTHER_MANAGER, ADMIN}
SIGNED_IN = rule(EVERYONE)
ROLE_OF = {
    OWNER: Role.worker,
    COLLEAGUE: Role.worker,
    OTHER_WORKER: Role.worker,
    SUPERVISOR: Role.supervisor,
    MANAGER: Role.manager,
    OTHER_MANAGER: Role.manager,
    ADMIN: Role.admin,
}


def by_role(action: Action):  # type: ignore[no-untyped-def]
    """A route that asks nothing of reach: the actions table says who may (others 403)."""
    return rule({p for p, role in ROLE_OF.items() if role in ACTIONS[action].roles}, else_=403)


# Reach, as vfb.actions says it: the family's own worker and their team's supervisor and manager
# reach its records; a colleague, another team and an admin do not (404, as if nothing were there).
REACH = {OWNER, SUPERVISOR, MANAGER}


def on_the_family(action: Action, **special: int):  # type: ignore[no-untyped-def]
    """A route on one of the family's records: those who reach it may if the actions table says
    their role may (else 403); everyone else is told it is not there."""
    allowed = {p for p in REACH if ROLE_OF[p] in ACTIONS[action].roles}
    return rule(allowed, role_refused=REACH - allowed, **special)


ADMIN_ONLY = by_role(Action.accounts)
REPORTS = by_role(Action.reports)
MANAGERS = by_role(Action.audit)
NEW_CHILD = by_role(Action.case_write)  # a new child is in no one's reach yet
CASE_READ = on_the_family(Action.case_read)
CASE_WRITE = on_the_family(Action.case_write)
ATTACH = CASE_WRITE  # a new record on the family's child
FOOTAGE = on_the_family(Action.footage_watch, **{SUPERVISOR: 409, MANAGER: 409})  # no supervision
PUBLIC = rule(EVERYONE, **{ANONYMOUS: OK})
CARER_COOKIE = rule(set(), else_=410, **{ANONYMOUS: 410})

RULES: dict[tuple[str, str], Callable[[str], int]] = {
    ("POST", "/api/auth/token"): PUBLIC,
    ("POST", "/api/auth/session"): PUBLIC,
    ("GET", "/api/auth/session"): SIGNED_IN,
    ("POST", "/api/auth/sign-out"): SIGNED_IN,
    ("GET", "/api/openapi.json"): PUBLIC,
    ("GET", "/api/users/me"): SIGNED_IN,
    ("GET", "/api/users"): SIGNED_IN,
    ("GET", "/api/users/{user_id}"): rule({OWNER, COLLEAGUE, SUPERVISOR, MANAGER, ADMIN}),
    ("POST", "/api/users"): ADMIN_ONLY,
    # refused for its role before anything is looked up, so another team's staff learn nothing
    ("PATCH", "/api/users/{user_id}"): ADMIN_ONLY,
    ("GET", "/api/teams"): SIGNED_IN,
    ("POST", "/api/teams"): ADMIN_ONLY,
    ("PATCH", "/api/teams/{team_id}"): ADMIN_ONLY,
    ("GET", "/api/storage"): SIGNED_IN,
    ("GET", "/api/schemes"): SIGNED_IN,
    ("GET", "/api/vocabulary"): SIGNED_IN,
    ("GET", "/api/caseload"): SIGNED_IN,
    ("GET", "/api/children"): SIGNED_IN,
    ("GET", "/api/programmes"): SIGNED_IN,
    ("POST", "/api/children"): NEW_CHILD,
    ("GET", "/api/children/{child_id}"): CASE_READ,
    ("PATCH", "/api/children/{child_id}"): CASE_WRITE,
    ("GET", "/api/children/{child_id}/assessments"): CASE_READ,
    ("GET", "/api/children/{child_id}/carer-scores"): CASE_READ,
    ("GET", "/api/children/{child_id}/carers"): CASE_READ,
    ("GET", "/api/children/{child_id}/placement-breakdowns"): CASE_READ,
    ("POST", "/api/carers"): ATTACH,
    ("GET", "/api/carers/{carer_id}"): CASE_READ,
    ("PATCH", "/api/carers/{carer_id}"): CASE_WRITE,
    ("POST", "/api/assessments"): ATTACH,
    ("GET", "/api/assessments/{assessment_id}"): CASE_READ,
    ("POST", "/api/carer-scores"): ATTACH,
    ("POST", "/api/placement-breakdowns"): ATTACH,
    ("POST", "/api/programmes"): ATTACH,
    ("GET", "/api/programmes/{programme_id}"): CASE_READ,
    ("PATCH", "/api/programmes/{programme_id}"): CASE_WRITE,
    ("GET", "/api/programmes/{programme_id}/consents"): CASE_READ,
    ("GET", "/api/programmes/{programme_id}/fidelity"): CASE_READ,
    ("GET", "/api/programmes/{programme_id}/moments"): CASE_READ,
    ("GET", "/api/programmes/{programme_id}/sessions"): CASE_READ,
    ("POST", "/api/programmes/{programme_id}/sessions"): CASE_WRITE,
    ("GET", "/api/programmes/{programme_id}/reels"): CASE_READ,
    ("POST", "/api/programmes/{programme_id}/reels"): CASE_WRITE,
    ("POST", "/api/programmes/{programme_id}/reels/plan"): CASE_READ,
    ("GET", "/api/programmes/{programme_id}/share-links"): CASE_READ,
    ("POST", "/api/programmes/{programme_id}/share-links"): CASE_WRITE,
    ("POST", "/api/share-links/{share_link_id}/revoke"): CASE_WRITE,
    ("POST", "/api/consents"): ATTACH,
    ("GET", "/api/consents/{consent_id}"): CASE_READ,
    ("PATCH", "/api/consents/{consent_id}"): CASE_WRITE,
    ("GET", "/api/consents/{consent_id}/withdrawal"): CASE_WRITE,
    ("GET", "/api/sessions/{session_id}"): CASE_READ,
    ("PATCH", "/api/sessions/{session_id}"): CASE_WRITE,
    ("DELETE", "/api/sessions/{session_id}"): CASE_WRITE,
    ("GET", "/api/sessions/{session_id}/clips"): CASE_READ,
    ("POST", "/api/sessions/{session_id}/clips"): CASE_WRITE,
    ("POST", "/api/sessions/{session_id}/recordings"): CASE_WRITE,
    ("POST", "/api/sessions/{session_id}/shared-review"): CASE_WRITE,
    ("GET", "/api/recordings/{recording_id}"): CASE_READ,
    ("PUT", "/api/recordings/{recording_id}/chunks/{index}"): CASE_WRITE,
    ("POST", "/api/recordings/{recording_id}/finish"): CASE_WRITE,
    ("OPTIONS", "/api/uploads"): PUBLIC,  # what the server speaks of tus
    ("OPTIONS", "/api/uploads/{upload_id}"): PUBLIC,
    ("POST", "/api/uploads"): CASE_WRITE,  # into the visit its metadata names
    ("GET", "/api/uploads/{upload_id}"): CASE_READ,
    ("PATCH", "/api/uploads/{upload_id}"): CASE_WRITE,
    ("DELETE", "/api/uploads/{upload_id}"): CASE_WRITE,
    ("GET", "/api/clips/{clip_id}"): CASE_READ,
    ("DELETE", "/api/clips/{clip_id}"): CASE_WRITE,
    ("GET", "/api/clips/{clip_id}/media"): FOOTAGE,
    ("GET", "/api/clips/{clip_id}/still"): FOOTAGE,
    ("GET", "/api/clips/{clip_id}/frames"): FOOTAGE,
    ("GET", "/api/clips/{clip_id}/{kind}"): FOOTAGE,
    ("POST", "/api/clips/{clip_id}/trim"): CASE_WRITE,
    ("GET", "/api/clips/{clip_id}/moments"): CASE_READ,
    ("POST", "/api/clips/{clip_id}/moments"): CASE_WRITE,
    ("GET", "/api/clips/{clip_id}/moments.{extension}"): CASE_READ,
    ("POST", "/api/clips/{clip_id}/moments/import"): CASE_WRITE,
    ("POST", "/api/clips/{clip_id}/moments/import/preview"): CASE_WRITE,
    ("GET", "/api/clips/{clip_id}/shared-moments"): CASE_READ,
    ("PATCH", "/api/moments/{moment_id}"): CASE_WRITE,
    ("DELETE", "/api/moments/{moment_id}"): CASE_WRITE,
    ("POST", "/api/moments/{moment_id}/carer-comments"): CASE_WRITE,
    ("GET", "/api/reels/{reel_id}"): CASE_READ,
    ("GET", "/api/reels/{reel_id}/media"): FOOTAGE,
    ("DELETE", "/api/reels/{reel_id}"): CASE_WRITE,
    ("GET", "/api/reports/statement3"): REPORTS,
    ("GET", "/api/reports/statement3/quarters"): REPORTS,
    ("GET", "/api/reports/fidelity"): REPORTS,
    ("GET", "/api/reports/alerts"): REPORTS,
    ("GET", "/api/reports/outcomes"): REPORTS,
    ("GET", "/api/reports/periods"): SIGNED_IN,  # dates only: the dashboard's quarters
    ("GET", "/api/audit"): MANAGERS,
    ("POST", "/api/field-laptops"): ADMIN_ONLY,
    ("GET", "/api/field-laptops"): ADMIN_ONLY,
    ("POST", "/api/field-laptops/{laptop_id}/withdraw"): ADMIN_ONLY,
    ("POST", "/api/field/enrol"): PUBLIC,  # the code is the key
    ("GET", "/api/field/link"): rule(set(), else_=403),  # only a laptop's credential may ask
    # the carer's side: no account counts, only the cookie a share link gives
    ("GET", "/s/{token}"): CARER_COOKIE,
    ("POST", "/s/{token}"): CARER_COOKIE,
    ("GET", "/shared/{share_link_id}"): CARER_COOKIE,
    ("GET", "/shared/{share_link_id}/viewing"): CARER_COOKIE,
    ("GET", "/shared/{share_link_id}/media"): CARER_COOKIE,
}
# The pages are shells (their data comes from the routes above): public, or sign-in first.
PUBLIC_PAGES = {"/signin"}


def covered(route: AppRoute) -> bool:
    api = route.path.startswith(("/api/", "/s/", "/shared/"))
    return api and route.method != "HEAD"


@dataclass
class World:
    """The family's records, and what each cell of the matrix sends."""

    family: Family
    owner: Caller
    clip: str
    moment: str
    recording: str
    reel: str
    link: str
    user: str
    team: str = ""
    upload: str = ""
    laptop: str = ""
    numbers: Any = None

    def __post_init__(self) -> None:
        self.numbers = itertools.count(20)

    # Routes that change a record for good get a record of their own for each allowed caller.
    def fresh(self, method: str, path: str) -> dict[str, str]:
        owner, family = self.owner, self.family
        if path == "/api/moments/{moment_id}":
            body = {"start_ms": 100 + next(self.numbers), "category": "sensitivity"}
            made = owner.ok("POST", f"/api/clips/{self.clip}/moments", 201, json=body)
            return {"moment_id": made["id"]}
        if path == "/api/sessions/{session_id}" and method == "DELETE":
            body = session_body(number=next(self.numbers))
            made = owner.ok("POST", f"/api/programmes/{family.programme}/sessions", 201, json=body)
            return {"session_id": made["id"]}
        if path == "/api/clips/{clip_id}" and method == "DELETE":
            cut = owner.ok(
                "POST", f"/api/clips/{self.clip}/trim", 201, json={"from_ms": 0, "to_ms": 500}
            )
            return {"clip_id": cut["id"]}
        if path == "/api/reels/{reel_id}" and method == "DELETE":
            body = {"moment_ids": [self.moment]}
            made = owner.ok("POST", f"/api/programmes/{family.programme}/reels", 202, json=body)
            wait_for_reel(owner, made["id"])
            return {"reel_id": made["id"]}
        if path == "/api/consents" or path == "/api/consents/{consent_id}":
            carer = owner.ok(
                "POST",
                "/api/carers",
                201,
                json={"child_id": family.child, "display_name": "Jo", "relationship": "other"},
            )
            if method == "POST":
                return {"carer_id": carer["id"]}  # a carer of the child, with nothing given yet
            body = {"programme_id": family.programme, "carer_id": carer["id"], "scope": "training"}
            made = owner.ok("POST", "/api/consents", 201, json=body | {"given_on": "2026-01-05"})
            return {"consent_id": made["id"]}
        if path == "/api/recordings/{recording_id}/finish":
            made = owner.ok("POST", f"/api/sessions/{family.session}/recordings", 201, json={})
            return {"recording_id": made["id"]}
        if path == "/api/uploads/{upload_id}" and method in {"PATCH", "DELETE"}:
            return {"upload_id": self.new_upload()}
        return {}

    def upload_headers(self) -> dict[str, str]:
        meta = {"visit": self.family.session, "sha256": "a" * 64}
        encoded = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items())
        return {"Tus-Resumable": "1.0.0", "Upload-Length": "10", "Upload-Metadata": encoded}

    def new_upload(self) -> str:
        made = self.owner.post("/api/uploads", headers=self.upload_headers())
        assert made.status_code == 201, made.text
        return str(made.json()["id"])

    def body(self, method: str, path: str, fresh: dict[str, str]) -> dict[str, Any]:
        """A valid request for the route, so that only access decides the answer."""
        family = self.family
        number = next(self.numbers)
        bodies: dict[tuple[str, str], dict[str, Any]] = {
            ("POST", "/api/auth/token"): {"data": {"username": f"no{number}", "password": "x"}},
            ("POST", "/api/auth/session"): {"data": {"username": f"no{number}", "password": "x"}},
            ("POST", "/api/field-laptops"): {
                "json": {"user_id": self.user, "name": f"Laptop {number}"}
            },
            ("POST", "/api/field/enrol"): {"json": {"code": "ABCD-EFGH-JKMN"}},
            ("POST", "/api/users"): {
                "json": {
                    "username": f"new{number}",
                    "password": "long enough password",
                    "role": "worker",
                    "team_id": self.team,
                }
            },
            ("PATCH", "/api/users/{user_id}"): {"json": {"trained_on": "2025-01-01"}},
            ("PATCH", "/api/teams/{team_id}"): {"json": {"contact": "01234 567890"}},
            ("POST", "/api/teams"): {"json": {"name": f"Team {number}"}},
            ("POST", "/api/children"): {
                "json": {
                    "reference": f"M-{number}",
                    "date_of_birth": "2024-05-01",
                    "attachment_status": "at_risk",
                    "identified_on": "2025-11-01",
                    "care_status": "edge_of_care",
                    "disability": "no",
                }
            },
            ("PATCH", "/api/children/{child_id}"): {"json": {"care_status": "foster_care"}},
            ("POST", "/api/carers"): {
                "json": {"child_id": family.child, "display_name": "Al", "relationship": "other"}
            },
            ("PATCH", "/api/carers/{carer_id}"): {"json": {"display_name": "Sam"}},
            ("POST", "/api/assessments"): {
                "json": {"child_id": family.child, "completed_on": "2025-12-01"}
            },
            ("POST", "/api/carer-scores"): {
                "json": {
                    "child_id": family.child,
                    "scale": "S",
                    "value": 1,
                    "measured_on": "2026-01-01",
                    "timing": "before",
                }
            },
            ("POST", "/api/placement-breakdowns"): {
                "json": {"child_id": family.child, "occurred_on": "2026-01-01"}
            },
            ("POST", "/api/programmes"): {
                "json": {"child_id": family.child, "offered_on": "2026-01-01"}
            },
            ("PATCH", "/api/programmes/{programme_id}"): {"json": {"accepted": True}},
            ("POST", "/api/programmes/{programme_id}/sessions"): {
                "json": session_body(number=number)
            },
            ("POST", "/api/programmes/{programme_id}/reels"): {
                "json": {"moment_ids": [self.moment]}
            },
            ("POST", "/api/programmes/{programme_id}/reels/plan"): {
                "json": {"moment_ids": [self.moment]}
            },
            ("POST", "/api/programmes/{programme_id}/share-links"): {
                "json": {"carer_id": family.carer, "reel_id": self.reel}
            },
            ("POST", "/api/consents"): {
                "json": {
                    "programme_id": family.programme,
                    "carer_id": fresh.get("carer_id", family.carer),
                    "scope": "training",
                    "given_on": "2026-01-05",
                }
            },
            ("GET", "/api/reports/statement3"): {"params": PERIOD},
            ("GET", "/api/reports/outcomes"): {"params": PERIOD},
            ("GET", "/api/reports/statement3/quarters"): {"params": {"to": "2026-03-31"}},
            ("PATCH", "/api/consents/{consent_id}"): {"json": {"withdrawn_on": "2026-02-01"}},
            ("PATCH", "/api/sessions/{session_id}"): {"json": {"duration_minutes": 65}},
            ("POST", "/api/sessions/{session_id}/clips"): {"files": {"file": ("v.mp4", b"x")}},
            ("POST", "/api/sessions/{session_id}/recordings"): {"json": {}},
            ("POST", "/api/sessions/{session_id}/shared-review"): {
                "json": {"clip_id": self.clip, "minutes": 5, "shown_moment_ids": [self.moment]}
            },
            ("PUT", "/api/recordings/{recording_id}/chunks/{index}"): {"content": b"x"},
            ("POST", "/api/uploads"): {"headers": self.upload_headers()},
            ("PATCH", "/api/uploads/{upload_id}"): {
                "content": b"x",
                "headers": {
                    "Tus-Resumable": "1.0.0",
                    "Upload-Offset": "0",
                    "Content-Type": "application/offset+octet-stream",
                },
            },
            ("DELETE", "/api/uploads/{upload_id}"): {"headers": {"Tus-Resumable": "1.0.0"}},
            ("POST", "/api/recordings/{recording_id}/finish"): {},
            ("POST", "/api/clips/{clip_id}/trim"): {"json": {"from_ms": 0, "to_ms": 500}},
            ("POST", "/api/clips/{clip_id}/moments"): {
                "json": {"start_ms": number, "category": "sensitivity"}
            },
            ("POST", "/api/clips/{clip_id}/moments/import"): {
                "content": b"start_ms,end_ms,category\n10,20,strengths\n"
            },
            ("POST", "/api/clips/{clip_id}/moments/import/preview"): {
                "content": b"start_ms,end_ms,category\n10,20,strengths\n"
            },
            ("PATCH", "/api/moments/{moment_id}"): {"json": {"version": 1, "note": "Looked up"}},
            ("POST", "/api/moments/{moment_id}/carer-comments"): {"json": {"text": "I liked it"}},
        }
        return bodies.get((method, path), {})


PERIOD = {"from": "2025-04-01", "to": "2026-03-31"}

# What an allowed call answers where it is not simply the route's own status.
OK_OVERRIDES = {
    ("POST", "/api/auth/token"): 401,  # allowed to try; "nobody" is not a user
    ("POST", "/api/auth/session"): 401,
    ("POST", "/api/field/enrol"): 401,  # allowed to try; no laptop was given that code
    ("POST", "/api/sessions/{session_id}/clips"): 422,  # reached the file: not a video
    ("POST", "/api/recordings/{recording_id}/finish"): 409,  # nothing was recorded in it
}


@pytest.fixture
def world(family: Family, as_: Callable[[str], Caller], samples: Samples, cast: Any) -> World:
    owner = as_(OWNER)
    clip = imported(owner, family.session, samples.get("indexed.mp4"))["id"]
    share_consent(owner, family)
    moment = owner.ok(
        "POST",
        f"/api/clips/{clip}/moments",
        201,
        json={"start_ms": 500, "category": "strengths", "share_with_carer": True},
    )["id"]
    recording = owner.ok("POST", f"/api/sessions/{family.session}/recordings", 201, json={})["id"]
    reel = owner.ok(
        "POST", f"/api/programmes/{family.programme}/reels", 202, json={"moment_ids": [moment]}
    )["id"]
    wait_for_reel(owner, reel)
    link = owner.ok(
        "POST",
        f"/api/programmes/{family.programme}/share-links",
        201,
        json={"carer_id": family.carer, "reel_id": reel},
    )["id"]
    found = World(family, owner, clip, moment, recording, reel, link, cast.user_ids[COLLEAGUE])
    found.team = cast.team_ids["north"]
    found.upload = found.new_upload()
    laptop = {"user_id": found.user, "name": "Laptop 1"}
    found.laptop = as_(ADMIN).ok("POST", "/api/field-laptops", 201, json=laptop)["id"]
    return found


def fill(path: str, world: World, override: dict[str, str]) -> str:
    family = world.family
    values = {
        "child_id": family.child,
        "carer_id": family.carer,
        "assessment_id": family.assessment,
        "programme_id": family.programme,
        "consent_id": family.consent,
        "session_id": family.session,
        "clip_id": world.clip,
        "recording_id": world.recording,
        "upload_id": world.upload,
        "laptop_id": world.laptop,
        "moment_id": world.moment,
        "reel_id": world.reel,
        "share_link_id": world.link,
        "user_id": world.user,
        "team_id": world.team,
        "token": "A" * 22,
        "index": "0",
        "kind": "poster",
        "extension": "csv",
    } | override
    return path.format(**values)


def test_every_route_has_an_access_rule(app: FastAPI) -> None:
    routes = {(r.method, r.path) for r in app_routes(app) if covered(r)}
    missing = sorted(routes - RULES.keys())
    assert not missing, f"decide who may use these routes, in RULES: {missing}"
    stale = sorted(RULES.keys() - routes)
    assert not stale, f"these rules name routes that no longer exist: {stale}"


def test_every_page_is_public_or_asks_strangers_to_sign_in(app: FastAPI, client: Any) -> None:
    pages = 0
    for route in app_routes(app):
        if route.method != "GET" or covered(route) or route.path.startswith("/static"):
            continue
        pages += 1
        path = route.path
        for name in route.params:
            path = path.replace("{" + name + "}", "f" * 32)
        response = client.get(path, follow_redirects=False)
        if route.path in PUBLIC_PAGES:
            assert response.status_code == 200, path
        elif route.path == "/":
            assert response.headers["location"] == "/caseload"
        else:
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/signin?next="), path
    assert pages >= 10, f"only {pages} pages found: the route listing has lost the pages"


def test_the_access_matrix(app: FastAPI, world: World, client: Any, cast: Any) -> None:
    callers = {p: Caller(client, cast.tokens.get(p)) for p in PRINCIPALS}
    cells = 0
    wrong: list[str] = []
    routes = [r for r in app_routes(app) if covered(r)]
    # the sign-out route ends the caller's sign-in: last, so every other cell has one
    routes.sort(key=lambda r: r.path == "/api/auth/sign-out")
    for route in routes:
        expect = RULES[(route.method, route.path)]
        for principal in PRINCIPALS:
            wanted = expect(principal)
            override = world.fresh(route.method, route.path) if wanted == OK else {}
            if wanted == OK:
                wanted = OK_OVERRIDES.get((route.method, route.path), route.status_code or 200)
            kwargs = world.body(route.method, route.path, override)
            response = callers[principal].request(
                route.method, fill(route.path, world, override), **kwargs
            )
            cells += 1
            if response.status_code != wanted:
                wrong.append(
                    f"{route.method} {route.path} as {principal}: {response.status_code}, "
                    f"expected {wanted} ({response.text[:120]})"
                )
    assert not wrong, "\n".join(wrong)
    assert cells == len(routes) * len(PRINCIPALS) and cells > 600


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", list(Role))
def test_each_action_is_allowed_or_refused_for_each_role_as_the_actions_table_says(
    action: Action, role: Role
) -> None:
    rule = ACTIONS[action]
    by = User(username=f"a-{role.value}", role=role, team_id="t", password_hash="x")
    if role in rule.roles:
        require(by, action)
        return
    with pytest.raises(NotAllowed) as refused:
        require(by, action)
    assert refused.value.status == 403
    assert str(refused.value) == rule.refusal_for(role)


def test_the_readme_access_table_is_the_actions_table() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme
