"""Programmes, consents and sessions through the API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from tests.support import PASSWORD, Caller, Cast, FakeClock, Family, consent_body, session_body
from vfb.actions import ACTIONS, Action
from vfb.settings import Settings


@pytest.fixture
def worker(as_: Callable[[str], Caller]) -> Caller:
    return as_("worker_a1")


def test_a_programme_has_the_contract_fields(worker: Caller, family: Family, cast: Cast) -> None:
    programme = worker.ok("GET", f"/api/programmes/{family.programme}")
    assert programme["child_id"] == family.child
    assert programme["worker_id"] == cast.user_ids["worker_a1"]
    assert programme["model"] == "nice-ng26"
    assert programme["status"] == "active"  # its first held session started it
    assert programme["accepted"] is True
    assert programme["ended_on"] is None
    assert programme["carer_ids"] == [family.carer]


def test_offering_declining_and_accepting(worker: Caller, family: Family) -> None:
    declined = worker.ok(
        "POST",
        "/api/programmes",
        201,
        json={"child_id": family.child, "offered_on": "2026-02-01", "accepted": False},
    )
    assert declined["status"] == "declined"
    path = f"/api/programmes/{declined['id']}"
    refused = worker.post(f"{path}/sessions", json=session_body())
    assert refused.status_code == 409
    assert "declined" in refused.json()["detail"]
    changed_mind = worker.ok("PATCH", path, json={"accepted": True})
    assert changed_mind["status"] == "offered"
    assert worker.ok("PATCH", path, json={"accepted": False})["status"] == "declined"


def test_unknown_model_and_future_offer_are_refused(worker: Caller, family: Family) -> None:
    bad_model = worker.post(
        "/api/programmes",
        json={"child_id": family.child, "offered_on": "2026-02-01", "model": "made-up"},
    )
    assert bad_model.status_code == 400
    assert "nice-ng26" in bad_model.json()["detail"]
    future = worker.post(
        "/api/programmes", json={"child_id": family.child, "offered_on": "2026-03-03"}
    )
    assert future.status_code == 400


def test_finishing_a_programme_needs_an_end_date_in_order(worker: Caller, family: Family) -> None:
    path = f"/api/programmes/{family.programme}"
    no_date = worker.patch(path, json={"status": "completed"})
    assert no_date.status_code == 400
    assert "ended_on" in no_date.json()["detail"]
    early = worker.patch(path, json={"status": "completed", "ended_on": "2026-01-04"})
    assert early.status_code == 400
    assert "before it was offered" in early.json()["detail"]
    done = worker.ok("PATCH", path, json={"status": "completed", "ended_on": "2026-01-05"})
    assert (done["status"], done["ended_on"]) == ("completed", "2026-01-05")
    # a session after the end is refused until the programme is reopened
    late = worker.post(f"{path}/sessions", json=session_body(held_on="2026-02-25"))
    assert late.status_code == 409
    reopened = worker.ok("PATCH", path, json={"status": "active"})
    assert (reopened["status"], reopened["ended_on"]) == ("active", None)


def test_impossible_status_changes_are_409(worker: Caller, family: Family) -> None:
    offered = worker.ok(
        "POST", "/api/programmes", 201, json={"child_id": family.child, "offered_on": "2026-02-01"}
    )
    response = worker.patch(
        f"/api/programmes/{offered['id']}", json={"status": "completed", "ended_on": "2026-02-02"}
    )
    assert response.status_code == 409
    assert "offered cannot become completed" in response.json()["detail"]
    assert (
        worker.patch(f"/api/programmes/{offered['id']}", json={"status": "paused"}).status_code
        == 422
    )


def test_programme_lists_filter_by_status_worker_and_child(
    worker: Caller, family: Family, cast: Cast
) -> None:
    worker.ok(
        "POST", "/api/programmes", 201, json={"child_id": family.child, "offered_on": "2026-02-01"}
    )
    assert worker.ok("GET", "/api/programmes")["count"] == 2
    active = worker.ok("GET", "/api/programmes?status=active")
    assert active["count"] == 1
    assert active["data"][0]["carer_ids"] == [family.carer]
    assert worker.ok("GET", "/api/programmes?status=offered")["count"] == 1
    mine = worker.ok("GET", f"/api/programmes?worker_id={cast.user_ids['worker_a1']}")
    assert mine["count"] == 2
    assert worker.ok("GET", f"/api/programmes?child_id={family.child}&limit=1")["count"] == 2


def test_sessions_number_themselves_and_numbers_are_unique(worker: Caller, family: Family) -> None:
    path = f"/api/programmes/{family.programme}/sessions"
    second = worker.ok("POST", path, 201, json=session_body(held_on="2026-02-27"))
    assert second["number"] == 2
    clash = worker.post(path, json=session_body(number=2))
    assert clash.status_code == 409
    assert "already has a session 2" in clash.json()["detail"]
    renumber = worker.patch(f"/api/sessions/{second['id']}", json={"number": 1})
    assert renumber.status_code == 409
    listed = worker.ok("GET", path)
    assert [s["number"] for s in listed] == [1, 2]
    assert set(listed[0]) >= {
        "id",
        "number",
        "held_on",
        "status",
        "duration_minutes",
        "location",
        "filmed_seconds",
        "reviewed_with_carer",
        "review_minutes",
        "review_highlights",
    }


@pytest.mark.parametrize(
    ("overrides", "status", "words"),
    [
        ({"held_on": "2026-03-03"}, 400, "record it as planned"),
        ({"held_on": "2026-01-04"}, 400, "before the programme was offered"),
        ({"duration_minutes": -1}, 422, "duration_minutes"),
        ({"filmed_seconds": -5}, 422, "filmed_seconds"),
        ({"review_minutes": -5}, 422, "review_minutes"),
        ({"status": "postponed"}, 422, "status"),
        ({"location": "car"}, 422, "location"),
        ({"review_highlights": ["kindness"]}, 422, "review_highlights"),
        ({"reviewed_with_carer": False}, 400, "reviewed_with_carer"),
        ({"status": "planned", "held_on": "2026-03-09"}, 400, "has not happened yet"),
    ],
)
def test_session_values_are_checked(
    worker: Caller, family: Family, overrides: dict[str, object], status: int, words: str
) -> None:
    response = worker.post(
        f"/api/programmes/{family.programme}/sessions", json=session_body(**overrides)
    )
    assert response.status_code == status, response.text
    answer = response.json()
    if status == 422:  # a field's own problem: named by the field, in plain words beside it
        assert answer["fields"][words] in answer["detail"]
        assert "_" not in answer["detail"]  # the field's label, not its code name
    else:
        assert words in answer["detail"]


def test_planned_sessions_today_and_zero_values(worker: Caller, family: Family) -> None:
    path = f"/api/programmes/{family.programme}/sessions"
    planned = worker.ok("POST", path, 201, json={"held_on": "2026-03-09", "status": "planned"})
    assert planned["status"] == "planned" and planned["filmed_seconds"] is None
    today = worker.ok(
        "POST",
        path,
        201,
        json=session_body(held_on="2026-03-02", duration_minutes=0, filmed_seconds=0),
    )
    assert today["duration_minutes"] == 0
    held = worker.ok(
        "PATCH",
        f"/api/sessions/{planned['id']}",
        json={"held_on": "2026-03-02", **session_body(held_on="2026-03-02")},
    )
    assert held["status"] == "held"


def test_a_session_entered_by_mistake_can_be_deleted(worker: Caller, family: Family) -> None:
    assert worker.delete(f"/api/sessions/{family.session}").status_code == 204
    assert worker.get(f"/api/sessions/{family.session}").status_code == 404
    assert worker.ok("GET", f"/api/programmes/{family.programme}/sessions") == []


def test_consent_is_given_withdrawn_and_never_edited(worker: Caller, family: Family) -> None:
    consents = worker.ok("GET", f"/api/programmes/{family.programme}/consents")
    assert [(c["scope"], c["active"]) for c in consents] == [("filming", True)]
    twice = worker.post(
        "/api/consents",
        json=consent_body(family, given_on="2026-01-06"),
    )
    assert twice.status_code == 409
    assert "already gave filming consent" in twice.json()["detail"]
    path = f"/api/consents/{family.consent}"
    early = worker.patch(path, json={"withdrawn_on": "2026-01-04"})
    assert early.status_code == 400
    assert "before it was given" in early.json()["detail"]
    assert worker.patch(path, json={}).status_code == 400
    withdrawn = worker.ok("PATCH", path, json={"withdrawn_on": "2026-01-05"})
    assert (withdrawn["withdrawn_on"], withdrawn["active"]) == ("2026-01-05", False)
    again = worker.patch(path, json={"withdrawn_on": "2026-02-01"})
    assert again.status_code == 409
    # consenting again is a new record
    worker.ok(
        "POST",
        "/api/consents",
        201,
        json=consent_body(family, given_on="2026-02-01"),
    )


def test_consent_needs_a_carer_of_this_child_and_a_known_scope(
    worker: Caller, family: Family
) -> None:
    other_child = worker.ok(
        "POST",
        "/api/children",
        201,
        json={
            "reference": "C-2",
            "date_of_birth": "2024-01-01",
            "attachment_status": "at_risk",
            "identified_on": "2025-01-01",
            "care_status": "other",
        },
    )
    stranger = worker.ok(
        "POST",
        "/api/carers",
        201,
        json={"child_id": other_child["id"], "display_name": "Kim", "relationship": "other"},
    )
    response = worker.post(
        "/api/consents",
        json=consent_body(family, carer_id=stranger["id"], scope="storage"),
    )
    assert response.status_code == 400
    unknown = worker.post(
        "/api/consents",
        json=consent_body(family, scope="everything"),
    )
    assert unknown.status_code == 422


def test_today_is_the_services_calendar_day_not_utcs(
    worker: Caller, family: Family, clock: FakeClock
) -> None:
    """23:30 UTC on 1 June is 00:30 on 2 June in London: a visit that night is on 2 June."""
    clock.now = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
    token = worker.client.post(
        "/api/auth/token", data={"username": "worker_a1", "password": PASSWORD}
    ).json()["access_token"]
    worker = Caller(worker.client, token)
    response = worker.post(
        f"/api/programmes/{family.programme}/sessions", json=session_body(held_on="2026-06-02")
    )
    assert response.status_code == 201, response.text
    tomorrow = worker.post(
        f"/api/programmes/{family.programme}/sessions", json=session_body(held_on="2026-06-03")
    )
    assert tomorrow.status_code == 400


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        Settings(timezone="Mars/Olympus")


def test_a_programme_keeps_a_worker_and_changes_hands_within_the_team(
    as_: Callable[[str], Caller], family: Family, cast: Cast
) -> None:
    manager = as_("manager_a")
    path = f"/api/programmes/{family.programme}"
    assert manager.patch(path, json={"worker_id": None}).status_code == 422
    moved = manager.ok("PATCH", path, json={"worker_id": cast.user_ids["worker_a2"]})
    assert moved["worker_id"] == cast.user_ids["worker_a2"]
    assert manager.patch(path, json={"worker_id": cast.user_ids["worker_b"]}).status_code == 400
    # worker_a2 delivers it now, and may not hand it on: only a manager gives work to others
    given_away = as_("worker_a2").patch(path, json={"worker_id": cast.user_ids["worker_a1"]})
    assert given_away.status_code == 403
    assert given_away.json()["detail"] == ACTIONS[Action.case_allocate].refusal
    assert as_("worker_a1").patch(path, json={"carer_ids": []}).status_code == 200
