"""A share link that reaches the carer: its QR code only in the answer that made it (to the
worker who may make it, never cached), the address from VFB_PUBLIC_URL, a loopback address said
to be one, the list naming the reel, and the carer's page naming the worker and the team the
admin set up, in plain words."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from tests.support import SECRET, Caller, Cast, FakeClock, Family
from tests.support.api import share, token_of
from vfb.api import create_app
from vfb.settings import Settings

RIVERSIDE = {"display_name": "Riverside Family Support", "contact": "01234 567890, Mon–Fri"}


def test_the_link_is_made_once_with_its_qr_code_and_never_cached(
    family: Family,
    reel: Any,
    as_: Callable[[str], Caller],
) -> None:
    worker = as_("worker_a1")
    answer = worker.post(
        f"/api/programmes/{family.programme}/share-links",
        json={"carer_id": family.carer, "reel_id": reel["id"]},
    )
    assert answer.status_code == 201
    assert "no-store" in answer.headers["cache-control"]
    link = answer.json()
    svg = link["qr_svg"]
    assert svg.startswith("<svg") and 'viewBox="0 0 ' in svg and "<script" not in svg
    assert "QR code of the link for Sam" in svg and token_of(link) not in svg  # drawn, not said
    assert link["loopback"] is True  # the test client is http://127.0.0.1: no phone reaches it
    made = worker.ok("GET", f"/api/reels/{reel['id']}")
    assert (link["reel_moments"], link["reel_length_ms"]) == (1, made["length_ms"])
    assert made["length_ms"] > 0

    # after that answer, nothing gives the link or its code again: not the list, not a revoke
    [listed] = worker.ok("GET", f"/api/programmes/{family.programme}/share-links")
    assert listed["url"] is None and listed["qr_svg"] is None and listed["loopback"] is None
    assert listed["reel_moments"] == 1 and listed["reel_length_ms"] == link["reel_length_ms"]
    revoked = worker.ok("POST", f"/api/share-links/{link['id']}/revoke")
    assert revoked["qr_svg"] is None and revoked["url"] is None and revoked["state"] == "revoked"


def test_only_a_worker_who_may_share_gets_a_link_or_its_code(
    family: Family,
    reel: Any,
    as_: Callable[[str], Caller],
) -> None:
    body = {"carer_id": family.carer, "reel_id": reel["id"]}
    path = f"/api/programmes/{family.programme}/share-links"
    for who, status in (("worker_b", 404), ("manager_b", 404), ("supervisor_a", 403)):
        refused = as_(who).post(path, json=body)
        assert refused.status_code == status, (who, refused.text)
        assert "qr_svg" not in refused.text and "/s/" not in refused.text
    # a supervisor may see the list (its reels and dates), never an address
    share(as_("worker_a1"), family, reel)
    [listed] = as_("supervisor_a").ok("GET", path)
    assert listed["url"] is None and listed["qr_svg"] is None
    assert as_("worker_b").get(path).status_code == 404


def test_the_link_names_the_public_address_when_one_is_set(
    family: Family,
    reel: Any,
    cast: Cast,
    clock: FakeClock,
    tmp_path: Path,
    database_url: str,
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key=SECRET,
        public_url="https://vfb.riverside.example/",
    )
    served: FastAPI = create_app(settings, clock=clock)
    try:
        with TestClient(served, base_url="http://127.0.0.1") as client:
            worker = Caller(client, cast.tokens["worker_a1"])
            link = share(worker, family, reel)
    finally:
        served.state.engine.dispose()
    assert re.fullmatch(r"https://vfb\.riverside\.example/s/[A-Za-z0-9_-]{22}", link["url"])
    assert link["loopback"] is False


@pytest.mark.parametrize(
    "value", ["vfb.riverside.example", "ftp://vfb.example", "https://", "https://x.example/?a=1"]
)
def test_a_public_address_that_is_not_one_is_refused_in_words(value: str) -> None:
    with pytest.raises(ValidationError, match="VFB_PUBLIC_URL must"):
        Settings(public_url=value)


def test_the_carer_reads_who_the_video_is_from(
    family: Family,
    reel: Any,
    as_: Callable[[str], Caller],
    cast: Cast,
    app: FastAPI,
) -> None:
    admin = as_("admin")
    north = cast.team_ids["north"]
    worker_id = cast.user_ids["worker_a1"]
    # before the admin names anyone, the page still reads plainly
    bare = share(as_("worker_a1"), family, reel)
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as phone:
        page = phone.get(f"/s/{token_of(bare)}").text
    assert "<h1>A video for you</h1>" in page
    assert "Sam, this is from your worker." in page and "Contact:" not in page

    team = admin.ok("PATCH", f"/api/teams/{north}", json=RIVERSIDE)
    assert team["display_name"] == "Riverside Family Support"
    admin.ok("PATCH", f"/api/users/{worker_id}", json={"full_name": "Alex  Morgan & Co"})
    link = share(as_("worker_a1"), family, reel)
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as phone:
        page = phone.get(f"/s/{token_of(link)}").text
        assert "<h1>A video for you</h1>" in page
        assert (
            "Sam, this is from Alex Morgan &amp; Co at Riverside Family Support." in page
        )  # spaces tidied, & escaped
        assert '<p class="shared-contact">Contact: 01234 567890, Mon–Fri</p>' in page
        assert "$" not in page  # every blank filled
        phone.post(f"/s/{token_of(link)}")
        viewing = phone.get(f"/shared/{link['id']}/viewing").json()
    assert viewing["from_line"] == "Sam, this is from Alex Morgan & Co at Riverside Family Support."
    assert viewing["contact_line"] == "Contact: 01234 567890, Mon–Fri"
    # a link switched off still says whom to ask; a token vfb never made names no one
    as_("worker_a1").ok("POST", f"/api/share-links/{link['id']}/revoke")
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as phone:
        gone = phone.get(f"/s/{token_of(link)}")
        unknown = phone.get("/s/" + "x" * 22)
    assert gone.status_code == 410 and "switched off by your worker" in gone.text
    assert '<p class="shared-contact">Contact: 01234 567890, Mon–Fri</p>' in gone.text
    assert unknown.status_code == 410 and "Contact:" not in unknown.text

    # the trail says what changed, not the words
    trail = as_("manager_a").ok("GET", "/api/audit", params={"action": "team.update"})["data"]
    assert [r["detail"] for r in trail] == ["changed: name carers see, contact line"]
    # an empty value clears it
    cleared = admin.ok("PATCH", f"/api/teams/{north}", json={"contact": None})
    assert cleared["contact"] == "" and cleared["display_name"] == "Riverside Family Support"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"display_name": "R" * 81}, "The name carers see can be at most 80 characters"),
        ({"contact": "0" * 121}, "The contact line can be at most 120 characters"),
        ({"display_name": "<b>Bank</b>"}, "cannot hold < or >"),
        ({"contact": "call\x00now"}, "control character"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_what_carers_see_of_a_team_is_checked_in_plain_words(
    as_: Callable[[str], Caller], cast: Cast, body: dict[str, Any], words: str
) -> None:
    refused = as_("admin").patch(f"/api/teams/{cast.team_ids['north']}", json=body)
    assert refused.status_code == 422, refused.text
    detail = refused.json()["detail"]
    assert words in detail and "String should" not in detail and "Value error" not in detail


def test_only_an_admin_changes_what_carers_see(
    as_: Callable[[str], Caller], cast: Cast, client: TestClient
) -> None:
    north = cast.team_ids["north"]
    for who in ("worker_a1", "manager_a", "supervisor_a"):
        assert as_(who).patch(f"/api/teams/{north}", json=RIVERSIDE).status_code == 403
    assert as_("admin").patch("/api/teams/nosuchteam", json=RIVERSIDE).status_code == 404
    too_long = as_("admin").patch(
        f"/api/users/{cast.user_ids['worker_a1']}", json={"full_name": "A" * 81}
    )
    assert too_long.status_code == 422
    assert "The name carers see can be at most 80 characters" in too_long.json()["detail"]
    made = as_("admin").ok(
        "POST",
        "/api/teams",
        201,
        json={"name": "East Team", "display_name": "Eastside Families", "contact": "0800 000"},
    )
    assert (made["display_name"], made["contact"]) == ("Eastside Families", "0800 000")
    assert as_("worker_a1").ok("GET", "/api/teams")["data"][0]["display_name"] == ""
