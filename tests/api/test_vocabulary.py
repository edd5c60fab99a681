"""GET /api/vocabulary: the lists of values the pages offer, served once from the server's own
enums and programme rules, with words, to the signed-in, cacheable with an ETag."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from tests.support import Caller
from vfb.programme.fidelity import Status
from vfb.vocabulary import CriterionCode, Verdict

WEB = Path(__file__).resolve().parents[2] / "web" / "js"

# As docs/domain.md says a programme moves (spelled out here, not read from the code).
TRANSITIONS = {
    "offered": ["declined", "active", "withdrawn"],
    "declined": ["offered", "active"],
    "active": ["completed", "withdrawn"],
    "completed": ["active"],
    "withdrawn": ["active"],
}


def test_the_vocabulary_lists_each_value_with_its_words_and_the_programme_transitions(
    as_: Callable[[str], Caller],
) -> None:
    vocab = as_("supervisor_a").ok("GET", "/api/vocabulary")
    assert vocab["programme_transitions"] == TRANSITIONS
    assert [t["value"] for t in vocab["consent_scopes"]] == [
        "filming",
        "storage",
        "share_with_carer",
        "supervision",
        "training",
    ]
    assert {"value": "share_with_carer", "words": "Share with carer"} in vocab["consent_scopes"]
    assert [t["value"] for t in vocab["highlights"]] == [
        "sensitivity",
        "responsiveness",
        "communication",
        "strengths",
        "positive_change",
    ]
    assert {"value": "residential_key_worker", "words": "Residential key worker"} in vocab[
        "relationships"
    ]
    assert vocab["session_statuses"][0]["value"] == "held"  # a form's default first
    assert [t["value"] for t in vocab["disabilities"]] == ["unknown", "yes", "no"]
    for terms in (v for v in vocab.values() if isinstance(v, list)):
        assert all(t["words"] and t["words"] != t["value"] for t in terms if "_" in t["value"])


def test_the_vocabulary_is_for_the_signed_in_and_cached_with_an_etag(
    client: TestClient, as_: Callable[[str], Caller]
) -> None:
    assert client.get("/api/vocabulary").status_code == 401
    worker = as_("worker_a1")
    first = worker.get("/api/vocabulary")
    assert first.status_code == 200
    assert first.headers["cache-control"] == "private, max-age=3600"
    etag = first.headers["etag"]
    again = worker.get("/api/vocabulary", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = worker.get("/api/vocabulary", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.json() == first.json()


def test_the_pages_words_for_every_value_come_from_the_server(
    as_: Callable[[str], Caller],
) -> None:
    vocab = as_("worker_a1").ok("GET", "/api/vocabulary")
    words = vocab["words"]
    lists = [v for k, v in vocab.items() if isinstance(v, list) and k != "criteria"]
    shown = [t["value"] for terms in lists for t in terms]
    shown += [v.value for v in Verdict] + [s.value for s in Status]
    missing = [value for value in shown if value not in words]
    assert not missing, missing
    assert words["on_track"] == "On track" and words["pass"] == "Pass"
    # every criterion, in the scorecard's order, with its own words (not its code's namesake's)
    criteria = {t["value"]: t["words"] for t in vocab["criteria"]}
    assert list(criteria) == [c.value for c in CriterionCode]
    assert criteria["filming"] == "10 to 20 minutes filmed" and words["filming"] == "Filming"
    # the pages keep no copy of them: ui.js fills its table from this answer
    ui = (WEB / "ui.js").read_text()
    assert "On track" not in ui and "Residential key worker" not in ui
    assert "useWords(vocab)" in ui
    assert "10 to 20 minutes filmed" not in (WEB / "child.js").read_text()


def test_the_colours_follow_the_highlights_in_the_servers_order(
    as_: Callable[[str], Caller],
) -> None:
    palette = (WEB / "palette.js").read_text()
    listed = re.search(r"export const NICE = \[([^\]]*)\]", palette)
    assert listed is not None
    order = re.findall(r'"(\w+)"', listed.group(1))
    served = as_("worker_a1").ok("GET", "/api/vocabulary")["highlights"]
    assert order == [t["value"] for t in served]
