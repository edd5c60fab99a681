"""Children, carers and assessments through the API: validation in plain words, paging, filters."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support import Caller, Cast, Family, child_body


@pytest.fixture
def worker(as_: Callable[[str], Caller]) -> Caller:
    return as_("worker_a1")


def test_a_child_round_trips_with_the_contract_names(worker: Caller, cast: Cast) -> None:
    made = worker.ok("POST", "/api/children", 201, json=child_body(ethnicity="Mixed"))
    fetched = worker.ok("GET", f"/api/children/{made['id']}")
    assert fetched == made
    for name in (
        "reference",
        "date_of_birth",
        "attachment_status",
        "identified_on",
        "closed_on",
        "care_status",
        "ethnicity",
        "disability",
        "team_id",
        "worker_id",
        "id",
    ):
        assert name in fetched
    assert isinstance(fetched["id"], str)
    assert fetched["date_of_birth"] == "2024-05-10"


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"identified_on": "2024-05-09"}, "before they were born"),
        ({"closed_on": "2025-08-31"}, "cannot close"),
        ({"date_of_birth": "2026-03-03", "identified_on": "2026-03-03"}, "in the future"),
    ],
)
def test_child_dates_must_be_in_order(
    worker: Caller, overrides: dict[str, str], words: str
) -> None:
    response = worker.post("/api/children", json=child_body(**overrides))
    assert response.status_code == 400
    assert words in response.json()["detail"]


def test_the_boundaries_of_child_dates_are_allowed(worker: Caller) -> None:
    same_day = child_body(identified_on="2024-05-10", closed_on="2024-05-10")
    assert worker.post("/api/children", json=same_day).status_code == 201
    born_today = child_body(reference="C-2", date_of_birth="2026-03-02", identified_on="2026-03-02")
    assert worker.post("/api/children", json=born_today).status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("attachment_status", "worried"),
        ("care_status", "somewhere"),
        ("disability", "maybe"),
        ("date_of_birth", "10/05/2024"),
        ("reference", ""),
    ],
)
def test_bad_values_are_422_naming_the_field(worker: Caller, field: str, value: str) -> None:
    response = worker.post("/api/children", json=child_body(**{field: value}))
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_input"
    assert list(body["fields"]) == [field]
    assert body["fields"][field] in body["detail"]


def test_a_reference_is_unique_within_a_team(worker: Caller, as_: Callable[[str], Caller]) -> None:
    worker.ok("POST", "/api/children", 201, json=child_body())
    clash = worker.post("/api/children", json=child_body())
    assert clash.status_code == 409
    assert "C-100" in clash.json()["detail"]
    # another team may use the same reference
    as_("worker_b").ok("POST", "/api/children", 201, json=child_body())


def test_patch_changes_only_what_is_named_and_checks_dates(worker: Caller) -> None:
    made = worker.ok("POST", "/api/children", 201, json=child_body())
    path = f"/api/children/{made['id']}"
    closed = worker.ok("PATCH", path, json={"closed_on": "2026-02-01"})
    assert closed["closed_on"] == "2026-02-01"
    assert closed["care_status"] == "edge_of_care"
    reopened = worker.ok("PATCH", path, json={"closed_on": None})
    assert reopened["closed_on"] is None
    emptied = worker.patch(path, json={"reference": None})
    assert emptied.status_code == 422
    assert emptied.json()["detail"] == "Enter the child's reference: it cannot be left empty."
    assert emptied.json()["fields"] == {"reference": emptied.json()["detail"]}
    assert worker.patch(path, json={"identified_on": "2020-01-01"}).status_code == 400
    assert worker.ok("GET", path)["identified_on"] == "2025-09-01"


def test_no_one_moves_a_child_to_another_team_and_everyone_is_told_the_same(
    as_: Callable[[str], Caller], family: Family, cast: Cast
) -> None:
    path = f"/api/children/{family.child}"
    south = {"team_id": cast.team_ids["south"], "worker_id": None}
    for username in ("worker_a1", "manager_a"):
        refused = as_(username).patch(path, json=south)
        assert refused.status_code == 400, refused.text
        assert refused.json()["detail"] == "A child can only be on your own team's caseload."
    assert as_("worker_a1").ok("GET", path)["team_id"] == cast.team_ids["north"]


def test_lists_page_and_filter(as_: Callable[[str], Caller], cast: Cast) -> None:
    manager = as_("manager_a")
    for n in range(7):
        worker_id = cast.user_ids["worker_a1" if n % 2 else "worker_a2"]
        closed = "2026-01-01" if n == 6 else None
        manager.ok(
            "POST",
            "/api/children",
            201,
            json=child_body(reference=f"R-{n}", worker_id=worker_id, closed_on=closed),
        )
    first = manager.ok("GET", "/api/children?limit=3&offset=0")
    assert first["count"] == 7 and first["limit"] == 3
    assert [c["reference"] for c in first["data"]] == ["R-0", "R-1", "R-2"]
    last = manager.ok("GET", "/api/children?limit=3&offset=6")
    assert [c["reference"] for c in last["data"]] == ["R-6"]
    mine = manager.ok("GET", f"/api/children?worker_id={cast.user_ids['worker_a1']}")
    assert {c["reference"] for c in mine["data"]} == {"R-1", "R-3", "R-5"}
    assert manager.ok("GET", "/api/children?open=true")["count"] == 6
    assert manager.ok("GET", "/api/children?open=false")["count"] == 1
    assert manager.ok("GET", f"/api/children?team_id={cast.team_ids['south']}")["count"] == 0
    assert manager.get("/api/children?limit=0").status_code == 422
    assert manager.get("/api/children?limit=501").status_code == 422
    assert manager.get("/api/children?offset=-1").status_code == 422
    # every list pages the same way: an offset past what a database holds is refused, not a 500
    for listing in ("/api/children", "/api/reports/fidelity"):
        assert manager.get(f"{listing}?offset=9223372036854775808").status_code == 422


def test_carers_and_assessments(worker: Caller, family: Family) -> None:
    carers = worker.ok("GET", f"/api/children/{family.child}/carers")
    assert [(c["display_name"], c["relationship"]) for c in carers] == [("Sam", "birth_parent")]
    renamed = worker.ok("PATCH", f"/api/carers/{family.carer}", json={"display_name": "Sam B"})
    assert renamed["display_name"] == "Sam B"
    bad = worker.post(
        "/api/carers",
        json={"child_id": family.child, "display_name": "X", "relationship": "aunt"},
    )
    assert bad.status_code == 422
    too_early = worker.post(
        "/api/assessments", json={"child_id": family.child, "completed_on": "2024-05-09"}
    )
    assert too_early.status_code == 400
    assert "before the child was born" in too_early.json()["detail"]
    future = worker.post(
        "/api/assessments", json={"child_id": family.child, "completed_on": "2026-03-03"}
    )
    assert future.status_code == 400
    listed = worker.ok("GET", f"/api/children/{family.child}/assessments")
    assert [a["completed_on"] for a in listed] == ["2025-10-01"]


def test_a_mistyped_field_is_refused_not_ignored(worker: Caller, family: Family) -> None:
    response = worker.patch(f"/api/children/{family.child}", json={"closed_onn": "2026-01-01"})
    assert response.status_code == 422
    assert "closed_onn" in response.json()["detail"]
    session = worker.post(
        f"/api/programmes/{family.programme}/sessions",
        json={"held_om": "2026-02-01", "held_on": "2026-02-01"},
    )
    assert session.status_code == 422


def test_control_characters_are_refused_in_text_and_ids(worker: Caller, family: Family) -> None:
    """PostgreSQL cannot store a NUL byte; it must be a plain 422, never a 500."""
    made = worker.post("/api/children", json=child_body(reference="C-\x00"))
    assert made.status_code == 422
    assert "control character" in made.json()["detail"]
    carer = worker.patch(f"/api/carers/{family.carer}", json={"display_name": "Sam\nB"})
    assert carer.status_code == 422
    assert worker.get("/api/children/abc%00").status_code == 422
    assert worker.get("/api/programmes?worker_id=%00").status_code == 422
    sign_in = worker.client.post("/api/auth/token", data={"username": "x\x00", "password": "y"})
    assert sign_in.status_code == 422
