"""Moments through the API: marked at the millisecond, validated, stale edits refused, and
exported and imported without loss."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support import Caller, Family
from tests.support.api import imported, mark
from tests.support.media import Samples


def test_moments_are_kept_to_the_millisecond_in_time_order(
    clip: Any, as_: Callable[[str], Caller]
) -> None:
    worker = as_("worker_a1")
    later = mark(worker, clip["id"], start_ms=5000, end_ms=7250, category="communication")
    point = mark(
        worker,
        clip["id"],
        start_ms=1234,
        category="sensitivity",
        note="She waited until he looked at her",
        share_with_carer=True,
    )
    assert point["end_ms"] == 1234 and point["version"] == 1
    assert point["nice_category"] == "sensitivity"
    listed = worker.ok("GET", f"/api/clips/{clip['id']}/moments")
    assert [(m["id"], m["start_ms"], m["end_ms"]) for m in listed] == [
        (point["id"], 1234, 1234),
        (later["id"], 5000, 7250),
    ]
    assert as_("supervisor_a").ok("GET", f"/api/clips/{clip['id']}/moments") == listed
    mark(as_("supervisor_a"), clip["id"], 403, start_ms=1, category="sensitivity")


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"start_ms": 7000, "end_ms": 9000, "category": "strengths"}, "after the clip's end"),
        ({"start_ms": 3000, "end_ms": 2000, "category": "strengths"}, "end cannot come before"),
        ({"start_ms": 100, "category": "kindness"}, "not a category of NICE"),
    ],
)
def test_a_moment_outside_the_clip_or_the_scheme_is_explained(
    clip: Any, as_: Callable[[str], Caller], body: dict[str, Any], words: str
) -> None:
    refused = mark(as_("worker_a1"), clip["id"], 400, **body)
    assert words in refused["detail"]


def test_a_stale_edit_is_refused_not_silently_lost(clip: Any, as_: Callable[[str], Caller]) -> None:
    worker, manager = as_("worker_a1"), as_("manager_a")
    moment = mark(worker, clip["id"], start_ms=2000, category="strengths", note="first")
    path = f"/api/moments/{moment['id']}"
    theirs = manager.ok("PATCH", path, json={"version": 1, "note": "the manager's words"})
    assert theirs["version"] == 2
    stale = worker.patch(path, json={"version": 1, "note": "the worker's words"})
    assert stale.status_code == 409 and "Someone else changed this moment" in stale.json()["detail"]
    assert worker.ok("GET", f"/api/clips/{clip['id']}/moments")[0]["note"] == "the manager's words"
    fresh = worker.ok("PATCH", path, json={"version": 2, "end_ms": 3500})
    assert (fresh["start_ms"], fresh["end_ms"], fresh["version"]) == (2000, 3500, 3)
    assert worker.patch(path, json={"version": 3, "end_ms": 1000}).status_code == 400
    worker.ok("DELETE", path, 204)
    assert worker.ok("GET", f"/api/clips/{clip['id']}/moments") == []


def test_exports_and_imports_round_trip(
    family: Family, clip: Any, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    mark(worker, clip["id"], start_ms=1234, category="sensitivity", note='a, "quoted" note')
    mark(worker, clip["id"], start_ms=4000, end_ms=6500, category="positive_change",
         share_with_carer=True)  # fmt: skip
    csv = worker.get(f"/api/clips/{clip['id']}/moments.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    vtt = worker.get(f"/api/clips/{clip['id']}/moments.vtt")
    assert vtt.text.startswith("WEBVTT") and "Positive change" in vtt.text
    eaf = worker.get(f"/api/clips/{clip['id']}/moments.eaf")
    assert f'MEDIA_URL="clip-{clip["id"]}.mp4"' in eaf.text  # the name the clip downloads as
    media = worker.get(f"/api/clips/{clip['id']}/media", headers={"Range": "bytes=0-1"})
    assert media.headers["content-disposition"] == f'inline; filename="clip-{clip["id"]}.mp4"'

    def shape(moments: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        keys = ("start_ms", "end_ms", "category", "note", "share_with_carer")
        return [tuple(m[k] for k in keys) for m in moments]

    original = shape(worker.ok("GET", f"/api/clips/{clip['id']}/moments"))
    for kind, body in (("csv", csv.content), ("eaf", eaf.content)):
        other = imported(worker, family.session, samples.get("indexed.mp4"))
        made = worker.ok(
            "POST", f"/api/clips/{other['id']}/moments/import?format={kind}", 201, content=body
        )
        assert shape(made) == original, kind


def test_an_import_with_one_bad_moment_adds_none(clip: Any, as_: Callable[[str], Caller]) -> None:
    worker = as_("worker_a1")
    body = "start_ms,end_ms,category\n100,200,strengths\n100,99999,strengths\n"
    refused = worker.post(f"/api/clips/{clip['id']}/moments/import?format=csv", content=body)
    assert refused.status_code == 400 and "after the clip's end" in refused.json()["detail"]
    assert worker.ok("GET", f"/api/clips/{clip['id']}/moments") == []


def test_a_programme_coded_with_vig_maps_its_moments_onto_nice(
    family: Family, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    programme = worker.ok(
        "POST",
        "/api/programmes",
        201,
        json={"child_id": family.child, "offered_on": "2026-01-10", "coding_scheme": "vig",
              "carer_ids": [family.carer]},
    )  # fmt: skip
    assert programme["coding_scheme"] == "vig"
    worker.ok("POST", "/api/consents", 201, json={
        "programme_id": programme["id"], "carer_id": family.carer, "scope": "filming",
        "given_on": "2026-01-10"})  # fmt: skip
    session = worker.ok("POST", f"/api/programmes/{programme['id']}/sessions", 201,
                        json={"held_on": "2026-02-21"})  # fmt: skip
    clip = imported(worker, session["id"], samples.get("indexed.mp4"))
    moment = mark(worker, clip["id"], start_ms=10, category="being_attentive")
    assert moment["nice_category"] == "sensitivity"
    refused = mark(worker, clip["id"], 400, start_ms=10, category="sensitivity")
    assert "being_attentive" in refused["detail"]
    unknown = worker.post("/api/programmes", json={"child_id": family.child,
                          "offered_on": "2026-01-10", "coding_scheme": "boris"})  # fmt: skip
    assert unknown.status_code == 400 and "vipp-sd" in unknown.json()["detail"]


def test_what_the_child_might_say_is_kept_and_shown_to_the_carer(
    clip: Any, as_: Callable[[str], Caller]
) -> None:
    """VIPP-SD's "speaking for the child": the carer's words for the child are a caption of
    their own, kept beside the worker's caption and shown in the joint review."""
    worker = as_("worker_a1")
    made = mark(
        worker,
        clip["id"],
        start_ms=1000,
        end_ms=3000,
        category="communication",
        caption="You followed her lead",
        child_words="Look, Mummy, I built it!",
        share_with_carer=True,
    )
    assert made["child_words"] == "Look, Mummy, I built it!"
    path = f"/api/moments/{made['id']}"
    changed = worker.ok("PATCH", path, json={"version": 1, "child_words": "I did it!"})
    assert changed["child_words"] == "I did it!" and changed["caption"] == "You followed her lead"
    shared = worker.ok("GET", f"/api/clips/{clip['id']}/shared-moments")
    assert [(m["caption"], m["child_words"]) for m in shared] == [
        ("You followed her lead", "I did it!")
    ]
    too_long = worker.patch(path, json={"version": 2, "child_words": "x" * 201})
    assert too_long.status_code == 422
    assert worker.patch(path, json={"version": 2, "child_words": None}).status_code == 422
    plain = mark(worker, clip["id"], start_ms=4000, category="strengths")
    assert plain["child_words"] == ""
