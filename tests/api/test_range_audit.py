"""Every viewing of footage is in the audit trail, whatever Range header asked for it: a Range is
read strictly (one range, RFC 9110), and any request that is not the rest of a recorded viewing
(same person, footage, action and address, within 30 minutes of its row) starts one."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support import Caller, FakeClock, Family, settings_for
from tests.support.api import open_link, share, trail
from vfb.api.byte_range import Part, Unsatisfiable, Whole, requested_range
from vfb.settings import Settings

# -- the header, read strictly ------------------------------------------------------------------

SIZE = 1000
HUGE = "9" * 5000  # more digits than int() takes from a string


@pytest.mark.parametrize(
    ("header", "answer"),
    [
        (None, Whole()),
        ("bytes=0-", Part(0, 999)),
        ("bytes=00-", Part(0, 999)),
        ("bytes=0000-", Part(0, 999)),
        ("bytes=1-", Part(1, 999)),
        ("bytes=100-199", Part(100, 199)),
        ("bytes=0-0", Part(0, 0)),
        ("bytes=999-", Part(999, 999)),
        ("bytes=5-1000000", Part(5, 999)),
        ("bytes=-10", Part(990, 999)),
        ("bytes=-999999999", Part(0, 999)),
        ("bytes=-1000", Part(0, 999)),
        ("Bytes=0-5", Part(0, 5)),
        ("BYTES=0-5", Part(0, 5)),
        (" bytes=7-8 ", Part(7, 8)),
        ("bytes=7-8, ", Part(7, 8)),  # empty list elements are skipped
        ("bytes=,7-8", Part(7, 8)),
        ("bytes=" + "0" * 5000 + "5-", Part(5, 999)),
        ("bytes=0-" + HUGE, Part(0, 999)),
        ("bytes=-" + HUGE, Part(0, 999)),
        # past the end: nothing to serve
        ("bytes=1000-", Unsatisfiable()),
        ("bytes=999999999-", Unsatisfiable()),
        ("bytes=" + HUGE + "-", Unsatisfiable()),
        ("bytes=-0", Unsatisfiable()),
        # more than one range: the whole file
        ("bytes=1-,0-0", Whole()),
        ("bytes=0-0,-1", Whole()),
        ("bytes=0-1,0-1", Whole()),
        ("bytes=1000-,2000-", Whole()),
        # not RFC 9110's syntax: ignored, the whole file
        ("bytes=5-1", Whole()),
        ("bytes=", Whole()),
        ("bytes=-", Whole()),
        ("bytes", Whole()),
        ("0-5", Whole()),
        ("bytes 0-5", Whole()),
        ("bytes =0-5", Whole()),
        ("items=0-5", Whole()),
        ("bytes=abc", Whole()),
        ("bytes=+1-", Whole()),
        ("bytes=1_0-", Whole()),
        ("bytes=0x10-", Whole()),
        ("bytes=1.5-", Whole()),
        ("bytes=1-2-3", Whole()),
        ("bytes=1 -2", Whole()),
        ("bytes=\u0663-", Whole()),  # an Arabic-Indic three: \d and int() would take it
        ("bytes=\uff11-", Whole()),  # a full-width one
        ("bytes=--1", Whole()),
    ],
)
def test_a_range_header_is_read_strictly(header: str | None, answer: object) -> None:
    assert requested_range(header, SIZE) == answer


@pytest.mark.parametrize("header", ["bytes=0-", "bytes=-5", "bytes=0-0"])
def test_nothing_of_an_empty_file_can_be_asked_for(header: str) -> None:
    assert requested_range(header, 0) == Unsatisfiable()
    assert requested_range(None, 0) == Whole()


def test_every_part_served_lies_inside_the_file() -> None:
    for size in (1, 2, 7, 1000):
        for header in ("bytes=0-", f"bytes={size - 1}-", "bytes=-1", f"bytes=-{size * 3}"):
            found = requested_range(header, size)
            assert isinstance(found, Part), (header, size)
            assert 0 <= found.first <= found.last < size and found.length >= 1


# -- every footage route, through HTTP -----------------------------------------------------------

# The headers that once fetched (nearly) the whole file unrecorded, and their neighbours.
ATTACKS = [
    "bytes=00-",
    "bytes=0000-",
    "bytes=-999999999",
    "bytes=1-,0-0",
    "bytes=1-",
    "bytes=0-",
    None,
    "bytes=7-3",
    "bytes=abc",
    "Bytes=5-",
    "bytes=-1",
]


@dataclass
class Footage:
    """One footage route, as the person allowed to watch it calls it."""

    request: Callable[..., Any]  # (method, url, headers=...)
    url: str
    rows: Callable[[], list[dict[str, Any]]]  # its viewings in the audit trail, newest first

    def get(self, headers: dict[str, str] | None = None) -> Any:
        return self.request("GET", self.url, headers=headers or {})


def _routes(
    family: Family,
    reel: Any,
    clip: Any,
    as_: Callable[[str], Caller],
    carer_browser: TestClient,
) -> dict[str, Footage]:
    worker, manager = as_("worker_a1"), as_("manager_a")
    link = share(worker, family, reel)
    assert open_link(carer_browser, link).status_code == 303

    def rows(action: str, target_id: str) -> Callable[[], list[dict[str, Any]]]:
        def found() -> list[dict[str, Any]]:
            return [r for r in trail(manager, action=action) if r["target_id"] == target_id]

        return found

    clip_media, reel_media = f"/api/clips/{clip['id']}/media", f"/api/reels/{reel['id']}/media"
    return {
        "clip": Footage(worker.request, clip_media, rows("clip.stream", clip["id"])),
        "reel": Footage(worker.request, reel_media, rows("reel.stream", reel["id"])),
        "reel download": Footage(
            worker.request, f"{reel_media}?download=true", rows("reel.download", reel["id"])
        ),
        "share link": Footage(
            carer_browser.request,
            f"/shared/{link['id']}/media",
            rows("share_link.view", link["id"]),
        ),
    }


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Sessions that outlast the clock's jumps from one viewing to the next."""
    return settings_for(tmp_path, database_url, session_idle_minutes=24 * 60)


@pytest.fixture
def carer_browser(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as browser:
        yield browser


@pytest.fixture(params=["clip", "reel", "reel download", "share link"])
def footage(
    request: pytest.FixtureRequest,
    family: Family,
    reel: Any,
    clip: Any,
    as_: Callable[[str], Caller],
    carer_browser: TestClient,
) -> Footage:
    return _routes(family, reel, clip, as_, carer_browser)[request.param]


def _headers(header: str | None) -> dict[str, str]:
    return {} if header is None else {"Range": header}


def test_every_header_shape_is_a_recorded_viewing_and_serves_what_it_asked_for(
    footage: Footage, clock: FakeClock
) -> None:
    whole = footage.get()
    assert whole.status_code == 200 and len(whole.content) > 2000
    size = len(whole.content)
    assert len(footage.rows()) == 1
    for header in ATTACKS:
        clock.advance(minutes=31)  # each one a new viewing: the last is over
        before = len(footage.rows())
        response = footage.get(_headers(header))
        answer = requested_range(header, size)
        if isinstance(answer, Part):
            assert response.status_code == 206, (header, response.status_code)
            assert response.headers["content-range"] == f"bytes {answer.first}-{answer.last}/{size}"
            assert response.content == whole.content[answer.first : answer.last + 1]
        else:
            assert response.status_code == 200, (header, response.status_code)
            assert response.content == whole.content
        assert response.headers["accept-ranges"] == "bytes"
        assert len(footage.rows()) == before + 1, f"{header!r} was not recorded"
        # the player's seeks inside that viewing add nothing, whatever their shape
        for seek in ("bytes=0-", "bytes=2000-", "bytes=-100", None, "bytes=1-,0-0"):
            assert footage.get(_headers(seek)).status_code in (200, 206)
        assert len(footage.rows()) == before + 1, f"a seek after {header!r} was recorded"


def test_requests_that_serve_no_byte_are_no_viewing(footage: Footage) -> None:
    for header in (None, "bytes=0-", "bytes=00-"):  # HEAD: the headers only
        head = footage.request("HEAD", footage.url, headers=_headers(header))
        assert head.status_code in (200, 206) and head.content == b""
        assert int(head.headers["content-length"]) > 0
    size = int(footage.request("HEAD", footage.url).headers["content-length"])
    for header in ("bytes=999999999-", f"bytes={size}-", "bytes=-0", "bytes=" + HUGE + "-"):
        refused = footage.get({"Range": header})  # past the end: refused, with the size
        assert refused.status_code == 416, header
        assert refused.headers["content-range"] == f"bytes */{size}"
        assert refused.json()["error"] == "range_not_satisfiable"
        assert f"{size} bytes" in refused.json()["detail"]
    assert footage.rows() == []


# -- what a viewing is -------------------------------------------------------------------------


@pytest.fixture
def clip_footage(
    family: Family,
    clip: Any,
    as_: Callable[[str], Caller],
) -> Footage:
    def rows() -> list[dict[str, Any]]:
        found = trail(as_("manager_a"), action="clip.stream")
        return [r for r in found if r["target_id"] == clip["id"]]

    return Footage(as_("worker_a1").request, f"/api/clips/{clip['id']}/media", rows)


def test_a_range_of_a_file_that_changed_gets_the_whole_file(clip_footage: Footage) -> None:
    footage = clip_footage
    first = footage.get({"Range": "bytes=0-99"})
    assert first.status_code == 206
    same = footage.get({"Range": "bytes=100-199", "If-Range": first.headers["etag"]})
    assert same.status_code == 206 and len(same.content) == 100
    same = footage.get({"Range": "bytes=100-199", "If-Range": first.headers["last-modified"]})
    assert same.status_code == 206 and len(same.content) == 100
    changed = footage.get({"Range": "bytes=100-199", "If-Range": '"old"'})
    assert changed.status_code == 200 and len(changed.content) > 200


def test_a_viewing_lasts_30_minutes_from_its_row_however_busy_the_player_is(
    clip_footage: Footage, clock: FakeClock
) -> None:
    footage = clip_footage
    assert footage.get({"Range": "bytes=5000-"}).status_code == 206
    [row] = footage.rows()
    for _ in range(29):  # a seek a minute: still the same viewing
        clock.advance(minutes=1)
        assert footage.get({"Range": "bytes=0-"}).status_code == 206
    assert len(footage.rows()) == 1
    clock.advance(minutes=1, seconds=1)  # 30 minutes after the row, seeks or not: a new viewing
    assert footage.get({"Range": "bytes=9000-"}).status_code == 206
    rows = footage.rows()
    assert len(rows) == 2 and rows[1]["seq"] == row["seq"]


def test_another_client_address_or_another_person_starts_a_viewing_of_their_own(
    clip_footage: Footage,
    app: FastAPI,
    as_: Callable[[str], Caller],
    family: Family,
) -> None:
    footage = clip_footage
    assert footage.get({"Range": "bytes=0-"}).status_code == 206
    worker = as_("worker_a1")
    laptop = TestClient(app, base_url="http://127.0.0.1", client=("10.9.8.7", 50000))
    for seek in ("bytes=100-", "bytes=200-"):
        response = laptop.get(footage.url, headers=worker.headers | {"Range": seek})
        assert response.status_code == 206
    supervision = {"programme_id": family.programme, "carer_id": family.carer}
    supervision |= {"scope": "supervision", "given_on": "2026-01-10"}
    worker.ok("POST", "/api/consents", 201, json=supervision)
    manager = as_("manager_a")
    assert manager.get(footage.url, headers={"Range": "bytes=300-"}).status_code == 206
    rows = footage.rows()
    assert sorted((r["actor_name"], r["origin"]) for r in rows) == [
        ("manager_a", "testclient"),
        ("worker_a1", "10.9.8.7"),
        ("worker_a1", "testclient"),
    ]


def test_requests_arriving_together_are_one_viewing(
    clip_footage: Footage, app: FastAPI, as_: Callable[[str], Caller]
) -> None:
    footage = clip_footage
    signed_in = as_("worker_a1").headers
    answers: list[int] = []
    start = threading.Barrier(6)

    def player(offset: int) -> None:
        client = TestClient(app, base_url="http://127.0.0.1")  # no lifespan: the app's is running
        start.wait()
        response = client.get(footage.url, headers=signed_in | {"Range": f"bytes={offset}-"})
        answers.append(response.status_code)

    threads = [threading.Thread(target=player, args=(1000 + n * 1000,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [206] * 6
    assert len(footage.rows()) == 1
