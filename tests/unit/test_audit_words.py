"""The audit trail's Detail in words (vfb/audit/words.py): names instead of ids where the reader
may see the record, nothing named where they may not, and stored wording kept for kinds it does
not know."""

from __future__ import annotations

from datetime import date

from vfb.audit.words import (
    ClipFacts,
    Known,
    LinkFacts,
    ReelFacts,
    Row,
    Said,
    SessionFacts,
    describe,
)

CHILD, CLIP, PARENT, SESSION, REEL, LINK, MOMENT, USER = (f"{n:032x}" for n in range(1, 9))
VISIT = SessionFacts(4, date(2026, 12, 2))
KNOWN = Known(
    children={CHILD: "BROWSER-1"},
    users={USER: "worker_a1"},
    sessions={SESSION: VISIT},
    clips={CLIP: ClipFacts(3, VISIT), PARENT: ClipFacts(2, VISIT)},
    reels={REEL: ReelFacts(5, ("Sam",), CLIP)},
    links={LINK: LinkFacts("Sam", REEL)},
    moments={MOMENT: CLIP},
)


def test_a_row_names_its_record_and_where_to_open_it() -> None:
    watched = describe(Row("clip.stream", "clip", CLIP, CHILD), KNOWN)
    assert watched == Said("clip 3 of 2 Dec 2026", f"/clips/{CLIP}", None)
    made = describe(Row("reel.create", "reel", REEL, CHILD), KNOWN)
    assert made == Said("reel of 5 moments for Sam", f"/clips/{CLIP}/review", None)
    read = describe(Row("child.read", "child", CHILD, CHILD), KNOWN)
    assert read == Said("BROWSER-1", f"/children/{CHILD}", None)
    moment = describe(Row("moment.create", "moment", MOMENT, CHILD), KNOWN)
    assert moment.about == "a moment on clip 3 of 2 Dec 2026"
    assert moment.href == f"/clips/{CLIP}/review"
    consent = describe(Row("consent.create", "consent", "c" * 32, CHILD), KNOWN)
    assert consent == Said("a consent", f"/children/{CHILD}", None)


def test_details_are_in_words_with_names_not_ids() -> None:
    changed = Row(
        "session.update", "session", SESSION, CHILD, "changed: review_highlights, held_on"
    )
    assert describe(changed, KNOWN) == Said(
        "session 4 of 2 Dec 2026", f"/sessions/{SESSION}", "changed: review highlights, date held"
    )
    trim = Row("clip.create", "clip", CLIP, CHILD, f"trim of {PARENT}, 00:02:10.000–00:14:40.000")
    assert describe(trim, KNOWN).detail == (
        "trimmed from clip 2 of 2 Dec 2026 at 00:02:10.000–00:14:40.000"
    )
    assert describe(Row("clip.create", "clip", CLIP, CHILD, "upload"), KNOWN).detail == (
        "imported from a file"
    )
    shared = Row(
        "share_link.create", "share_link", LINK, CHILD,
        f"for Sam, reel {REEL}, until 2026-12-09 14:00Z",
    )  # fmt: skip
    assert describe(shared, KNOWN) == Said(
        "share link for Sam",
        f"/clips/{CLIP}/review",
        "for Sam: reel of 5 moments, open until 9 Dec 2026 14:00 (UTC)",
    )
    asked = Row("audit.read", None, None, CHILD, f"child {CHILD}, user {USER}, from 2026-12-01")
    assert describe(asked, KNOWN).detail == "child BROWSER-1, person worker_a1, from 1 Dec 2026"


def test_what_the_reader_cannot_see_is_not_named_nor_linked() -> None:
    nothing = Known()
    watched = describe(Row("clip.stream", "clip", CLIP, CHILD), nothing)
    assert watched == Said("a clip", None, None)
    trim = Row("clip.create", "clip", CLIP, CHILD, f"trim of {PARENT}, 00:01.000–00:02.000")
    assert describe(trim, nothing).detail == "trimmed from another clip at 00:01.000–00:02.000"
    asked = Row("audit.read", None, None, None, f"child {CHILD}, user {USER}")
    assert describe(asked, nothing).detail == (
        "child (not in your team), person (not in your team)"
    )
    shared = Row(
        "share_link.create",
        "share_link",
        LINK,
        CHILD,
        f"for Sam, reel {REEL}, until 2026-12-09 14:00Z",
    )
    assert describe(shared, nothing) == Said(
        "a share link", None, "for Sam: a reel, open until 9 Dec 2026 14:00 (UTC)"
    )


def test_a_kind_it_does_not_know_keeps_its_stored_words() -> None:
    odd = Row("widget.polish", "widget_thing", "x", None, "polished: 3 of them")
    assert describe(odd, KNOWN) == Said("widget thing", None, "polished: 3 of them")
    assert describe(Row("sign_in", None, None, None, None), KNOWN) == Said(None, None, None)
    report = describe(
        Row("report.statement3", None, None, None, "CSV, 2026-04-01 to 2026-06-30"), KNOWN
    )
    assert report == Said("the dashboard", "/dashboard", "CSV, 1 Apr 2026 to 30 Jun 2026")


def test_a_consent_is_named_by_whose_and_what_and_a_sign_in_by_how() -> None:
    consent = f"{9:032x}"
    known = Known(children={CHILD: "BROWSER-1"}, consents={consent: "Sam's filming consent"})
    withdrawn = describe(
        Row("consent.update", "consent", consent, CHILD, "changed: withdrawn_on"), known
    )
    assert withdrawn == Said(
        "Sam's filming consent", f"/children/{CHILD}", "changed: date withdrawn"
    )
    unseen = describe(Row("consent.update", "consent", consent, CHILD), Known())
    assert unseen.about == "a consent" and unseen.href is None
    assert describe(Row("sign_in", "user", USER, None, "cookie"), KNOWN).detail == (
        "on the sign-in page"
    )
    assert describe(Row("sign_in", "user", USER, None, "bearer"), KNOWN).detail == (
        "with a token (an app or a script)"
    )
