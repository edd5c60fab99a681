"""A joint review recorded on a visit booked for today makes that visit held (the review evidence
would count for nothing on a planned one); a visit booked for later cannot hold one yet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support import TODAY, Caller, Family
from tests.support.api import mark
from tests.support.media import Samples


def book(worker: Caller, family: Family, on: str) -> Any:
    body = {"held_on": on, "status": "planned"}
    return worker.ok("POST", f"/api/programmes/{family.programme}/sessions", 201, json=body)


@pytest.mark.media
def test_a_review_held_in_todays_booked_visit_makes_it_held(
    family: Family, clip: Any, as_: Callable[[str], Caller]
) -> None:
    worker = as_("worker_a1")
    moment = mark(worker, clip["id"], start_ms=1000, category="sensitivity", share_with_carer=True)
    today = book(worker, family, TODAY.isoformat())
    later = book(worker, family, "2026-03-09")
    body = {"clip_id": clip["id"], "minutes": 10, "shown_moment_ids": [moment["id"]]}

    refused = worker.post(f"/api/sessions/{later['id']}/shared-review", json=body)
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        f"Session {later['number']} is booked for 9 March 2026; a review can be recorded on it "
        "once it is held."
    )
    assert worker.ok("GET", f"/api/sessions/{later['id']}")["status"] == "planned"

    held = worker.ok("POST", f"/api/sessions/{today['id']}/shared-review", json=body)
    assert (held["status"], held["reviewed_with_carer"], held["review_minutes"]) == (
        "held",
        True,
        10,
    )
    assert held["review_highlights"] == ["sensitivity"]


def test_filming_a_visit_booked_for_later_asks_first_then_holds_it_today(
    family: Family, as_: Callable[[str], Caller]
) -> None:
    """The same rule as the review's: a booked visit is not filmed before its day unless the worker
    says it is being held today; then it is held today (its booked date was not the real one)."""
    worker = as_("worker_a1")
    later = book(worker, family, "2026-03-09")
    path = f"/api/sessions/{later['id']}/recordings"
    refused = worker.post(path, json={"mime_type": "video/webm"})
    assert refused.status_code == 409
    assert refused.json() == {
        "error": "booked_for_later",
        "detail": f"Session {later['number']} is booked for 9 March 2026; film it then, or say "
        "that it is being held today.",
    }
    assert worker.ok("GET", f"/api/sessions/{later['id']}")["status"] == "planned"
    assert worker.ok("GET", f"/api/sessions/{later['id']}/clips") == []
    # a supervisor cannot hold it by saying so
    assert as_("supervisor_a").post(path, json={"held_today": True}).status_code == 403
    assert worker.ok("GET", f"/api/sessions/{later['id']}")["status"] == "planned"

    worker.ok("POST", path, 201, json={"mime_type": "video/webm", "held_today": True})
    held = worker.ok("GET", f"/api/sessions/{later['id']}")
    assert (held["status"], held["held_on"]) == ("held", TODAY.isoformat())
    # a visit held already is not moved by the confirmation
    again = worker.ok("POST", path, 201, json={"held_today": True})
    assert again["session_id"] == later["id"]
    assert worker.ok("GET", f"/api/sessions/{later['id']}")["held_on"] == TODAY.isoformat()


def test_filming_todays_booked_visit_makes_it_held(
    family: Family, as_: Callable[[str], Caller]
) -> None:
    worker = as_("worker_a1")
    today = book(worker, family, TODAY.isoformat())
    worker.ok("POST", f"/api/sessions/{today['id']}/recordings", 201, json={})
    assert worker.ok("GET", f"/api/sessions/{today['id']}")["status"] == "held"


@pytest.mark.media
def test_importing_into_a_visit_booked_for_later_asks_first_then_holds_it_today(
    family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    """Imported footage follows filming's rule: refused before a byte is stored, unless the worker
    says the visit is being held today; then the visit is held today, with the clip."""
    worker = as_("worker_a1")
    later = book(worker, family, "2026-03-09")
    path = f"/api/sessions/{later['id']}/clips"
    video = samples.get("indexed.mp4")

    def send(query: str = "", who: Caller = worker) -> Any:
        with video.open("rb") as file:
            return who.post(path + query, files={"file": (video.name, file, "video/mp4")})

    refused = send()
    assert refused.status_code == 409
    assert refused.json() == {
        "error": "booked_for_later",
        "detail": f"Session {later['number']} is booked for 9 March 2026; import its footage "
        "then, or say that it is being held today.",
    }
    assert send("?held_today=true", as_("supervisor_a")).status_code == 403
    assert worker.ok("GET", path) == []
    assert worker.ok("GET", f"/api/sessions/{later['id']}")["status"] == "planned"

    made = send("?held_today=true")
    assert made.status_code == 201, made.text
    held = worker.ok("GET", f"/api/sessions/{later['id']}")
    assert (held["status"], held["held_on"]) == ("held", TODAY.isoformat())
    assert [clip["id"] for clip in worker.ok("GET", path)] == [made.json()["id"]]
