"""Moments exchanged with ELAN, BORIS and Datavyu through the API: a preview says what an import
would add, skip and leave outside the clip; the import follows the mapping chosen; every real
ELAN file imports; a moments file may be 5 MB whatever the app's request limit."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import webvtt

from tests.support import Caller, Family
from tests.support.api import imported
from tests.support.media import Samples

REAL = Path(__file__).resolve().parents[3] / "shared" / "real-media"
BORIS = REAL / "csv" / "boris__test_export_events_tabular.csv"


def query(kind: str, mapping: dict[str, str] | None = None, **more: Any) -> str:
    pairs = [("format", kind)] + [("map", f"{k}={v}") for k, v in (mapping or {}).items()]
    return urlencode(pairs + [(k, str(v).lower()) for k, v in more.items()])


def preview(worker: Caller, clip_id: str, body: bytes, kind: str, **more: Any) -> Any:
    path = f"/api/clips/{clip_id}/moments/import/preview?{query(kind, **more)}"
    return worker.ok("POST", path, content=body)


def moments(worker: Caller, clip_id: str) -> list[Any]:
    return list(worker.ok("GET", f"/api/clips/{clip_id}/moments"))


def test_a_boris_export_is_previewed_mapped_and_imported(
    clip: Any, as_: Callable[[str], Caller]
) -> None:
    if not BORIS.exists():
        pytest.skip("no real BORIS export beside the repository")
    worker, body = as_("worker_a1"), BORIS.read_bytes()
    seen = preview(worker, clip["id"], body, "csv")
    assert seen["format"] == "boris" and seen["undecided"] == ["s"]
    assert seen["columns"]["start"] == "Time" and seen["columns"]["status"] == "Status"
    assert [(s["name"], s["count"], s["proposed"]) for s in seen["sources"]] == [("s", 4, None)]
    refused = worker.post(f"/api/clips/{clip['id']}/moments/import?{query('csv')}", content=body)
    assert refused.status_code == 400 and "Choose a category for s" in refused.json()["detail"]
    chosen = {"s": "sensitivity"}
    seen = preview(worker, clip["id"], body, "csv", mapping=chosen)
    assert seen["moments"] == 1 and seen["outside_count"] == 3  # the clip is 8 s long
    assert [o["start_ms"] for o in seen["outside"]] == [9900, 18350, 38425]
    path = f"/api/clips/{clip['id']}/moments/import?{query('csv', chosen)}"
    refused = worker.post(path, content=body)
    assert refused.status_code == 400 and "after the clip's end" in refused.json()["detail"]
    assert moments(worker, clip["id"]) == []
    path = f"/api/clips/{clip['id']}/moments/import?{query('csv', chosen, skip_outside=True)}"
    made = worker.ok("POST", path, 201, content=body)
    assert [(m["start_ms"], m["end_ms"], m["category"], m["note"]) for m in made] == [
        (3300, 7750, "sensitivity", "subject1")
    ]


def test_a_datavyu_export_through_a_column_of_its_own(
    clip: Any, as_: Callable[[str], Caller]
) -> None:
    worker = as_("worker_a1")
    body = b"praise.ordinal,praise.onset,praise.offset,praise.code01\n1,1000,2500,well done\n"
    seen = preview(worker, clip["id"], body, "csv", mapping={"praise": "strengths"})
    assert seen["format"] == "datavyu" and seen["moments"] == 1
    path = f"/api/clips/{clip['id']}/moments/import?{query('csv', {'praise': 'strengths'})}"
    made = worker.ok("POST", path, 201, content=body)
    assert [(m["start_ms"], m["end_ms"], m["note"]) for m in made] == [(1000, 2500, "well done")]


def test_any_table_imports_through_the_columns_chosen(
    clip: Any, as_: Callable[[str], Caller]
) -> None:
    worker = as_("worker_a1")
    body = b"when,until,what\n1.5,2.25,Praise\n"
    refused = worker.post(
        f"/api/clips/{clip['id']}/moments/import/preview?format=csv", content=body
    )
    assert refused.status_code == 400
    assert "which column holds the start or the behaviour" in refused.json()["detail"]
    assert "when, until, what" in refused.json()["detail"]
    columns = {"start": "when", "end": "until", "behaviour": "what", "unit": "s"}
    seen = preview(worker, clip["id"], body, "csv", mapping={"Praise": "strengths"}, **columns)
    assert seen["moments"] == 1 and seen["header"] == ["when", "until", "what"]


def test_an_elan_round_trip_keeps_the_childs_words_and_a_point(
    family: Family, clip: Any, as_: Callable[[str], Caller], samples: Samples
) -> None:
    worker = as_("worker_a1")
    shape = ("start_ms", "end_ms", "category", "note", "caption", "child_words", "share_with_carer")
    worker.ok("POST", f"/api/clips/{clip['id']}/moments", 201, json={
        "start_ms": 1234, "category": "sensitivity", "caption": "You waited",
        "child_words": "I like it when you wait", "share_with_carer": True})  # fmt: skip
    worker.ok("POST", f"/api/clips/{clip['id']}/moments", 201, json={
        "start_ms": 2000, "end_ms": 3000, "category": "strengths",
        "note": "a <b> & c"})  # fmt: skip
    eaf = worker.get(f"/api/clips/{clip['id']}/moments.eaf")
    assert 'TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"' in eaf.text
    assert 'TIME_VALUE="1267"' in eaf.text  # the point lasts one frame (33 ms at 30 fps)
    other = imported(worker, family.session, samples.get("indexed.mp4"))
    path = f"/api/clips/{other['id']}/moments/import?format=eaf"
    made = worker.ok("POST", path, 201, content=eaf.content)
    assert [tuple(m[k] for k in shape) for m in made] == [
        tuple(m[k] for k in shape) for m in moments(worker, clip["id"])
    ]


def test_two_webvtt_tracks_the_carers_and_the_teams(
    clip: Any, as_: Callable[[str], Caller], tmp_path: Path
) -> None:
    worker = as_("worker_a1")
    worker.ok("POST", f"/api/clips/{clip['id']}/moments", 201, json={
        "start_ms": 1000, "end_ms": 2000, "category": "sensitivity", "note": "private <note>",
        "caption": "You & him", "child_words": "More!", "share_with_carer": True})  # fmt: skip
    worker.ok("POST", f"/api/clips/{clip['id']}/moments", 201, json={
        "start_ms": 3000, "category": "strengths", "note": "not shared"})  # fmt: skip
    captions = worker.get(f"/api/clips/{clip['id']}/moments.vtt")
    notes = worker.get(f"/api/clips/{clip['id']}/moments.vtt?track=notes")
    assert captions.headers["content-type"].startswith("text/vtt")
    assert 'filename="moments-' in notes.headers["content-disposition"]
    assert notes.headers["content-disposition"].endswith('-notes.vtt"')
    read = {}
    for name, response in (("captions", captions), ("notes", notes)):
        (tmp_path / f"{name}.vtt").write_bytes(response.content)
        read[name] = [c.raw_text for c in webvtt.read(str(tmp_path / f"{name}.vtt"))]
    assert read["captions"] == ["You &amp; him\n<v Child>More!</v>"]
    assert read["notes"] == ["Sensitivity: private &lt;note&gt;", "Strengths: not shared"]
    assert worker.get(f"/api/clips/{clip['id']}/moments.vtt?track=all").status_code == 422


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in (REAL / "eaf").glob("*.eaf")) or ["none"],
)
def test_every_real_elan_file_imports_with_a_mapping_or_says_what_it_skipped(
    clip: Any, as_: Callable[[str], Caller], name: str
) -> None:
    path = REAL / "eaf" / name
    if not path.exists():
        pytest.skip("no real .eaf files beside the repository")
    worker, body = as_("worker_a1"), path.read_bytes()  # up to 2.4 MB: over the app's 1 MB
    seen = preview(worker, clip["id"], body, "eaf")
    tiers = [s for s in seen["sources"] if s["kind"] == "moments"]
    assert seen["undecided"] == [s["name"] for s in tiers]  # no tier is named as a category
    mapping = {tiers[0]["name"]: "sensitivity"} | {s["name"]: "" for s in tiers[1:]}
    seen = preview(worker, clip["id"], body, "eaf", mapping=mapping)
    assert seen["undecided"] == []
    for s in tiers[1:]:
        assert f"{s['name']}: {s['count']} annotation" in "\n".join(seen["skipped"])
    for s in seen["sources"]:
        if s["kind"] == "field":
            assert any(line.startswith(s["name"]) for line in seen["skipped"]), s
    query_string = query("eaf", mapping, skip_outside=True)
    made = worker.ok(
        "POST", f"/api/clips/{clip['id']}/moments/import?{query_string}", 201, content=body
    )
    assert len(made) == seen["moments"]
    assert seen["moments"] + seen["outside_count"] == tiers[0]["count"]


def test_a_moments_file_may_be_five_mb_not_more(clip: Any, as_: Callable[[str], Caller]) -> None:
    worker = as_("worker_a1")
    row = b"100,200,strengths,padding padding padding padding padding padding,no,\r\n"
    head = b"start_ms,end_ms,category,note,share_with_carer,caption\r\n"
    big = head + row * (3 * 1024 * 1024 // len(row))  # 3 MB: over the app's 1 MB limit
    seen = preview(worker, clip["id"], big, "csv")
    assert seen["moments"] == (len(big) - len(head)) // len(row)
    too_big = head + row * (6 * 1024 * 1024 // len(row))
    refused = worker.post(f"/api/clips/{clip['id']}/moments/import?format=csv", content=too_big)
    assert refused.status_code == 413
    assert refused.json()["detail"].startswith("A moments file may be at most 5 MB; this one is")
    chunked = worker.post(
        f"/api/clips/{clip['id']}/moments/import?format=csv",
        content=iter([too_big[:1_000_000]] * 7),  # no length given: counted as it comes
    )
    assert chunked.status_code == 413
    assert chunked.json()["detail"] == "A moments file may be at most 5 MB."
    other = worker.post(f"/api/clips/{clip['id']}/moments", content=io.BytesIO(too_big).read())
    assert other.status_code == 413 and "VFB_MAX_REQUEST_KB" in other.json()["detail"]
