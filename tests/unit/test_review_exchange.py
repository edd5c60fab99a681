"""Moments out to CSV, WebVTT and ELAN, and back: a round trip loses nothing; ELAN's own reader
(pympi-ling) opens what vfb writes and moving an annotation there keeps its dependent tiers; the
export validates against ELAN's schema; real ELAN, BORIS and Datavyu files are read."""

from __future__ import annotations

from pathlib import Path

import pympi
import pytest
import webvtt
import xmlschema

from vfb.errors import InvalidInput
from vfb.review.csv_import import Columns, read_csv
from vfb.review.elan import parse, read_eaf, slot_times, to_eaf
from vfb.review.exchange import from_csv, to_csv
from vfb.review.imports import Reading, plan
from vfb.review.moments import MarkedMoment
from vfb.review.schemes import NICE_HIGHLIGHTS, all_schemes, load_scheme
from vfb.review.webvtt import to_webvtt

REAL = Path(__file__).resolve().parents[3] / "shared" / "real-media"
NICE = {c.code: c.label for c in load_scheme("nice").categories}
FRAME = 40  # one frame at 25 fps

MOMENTS = [
    MarkedMoment(
        1234,
        1234,
        "sensitivity",
        "She waited until he looked at her",
        True,
        "You waited for him",
        "Look, Mummy & me!",
    ),
    MarkedMoment(5000, 9500, "communication", 'Naming his feelings, "you\'re cross"', False),
    MarkedMoment(
        9500, 12001, "strengths", "=SUM(A1) is not a formula here\nsecond line", True, "-ok: yes"
    ),
    MarkedMoment(20000, 20000, "positive_change", "", False),
    MarkedMoment(20000, 20000, "sensitivity", "same time, other category", False),
    MarkedMoment(21000, 22000, "strengths", "a carriage\rreturn & <b>tags</b>", True, "a < b"),
]


def key(moments: list[MarkedMoment]) -> list[MarkedMoment]:
    return sorted(moments, key=lambda m: (m.start_ms, m.end_ms, m.category, m.note))


def back(reading: Reading, duration_ms: int = 60_000, **mapping: str) -> list[MarkedMoment]:
    found = plan(reading, mapping=mapping, categories=NICE, duration_ms=duration_ms, frame_ms=FRAME)
    assert not found.undecided and not found.outside
    return found.moments


def real(kind: str) -> list[Path]:
    files = sorted((REAL / kind).glob(f"*.{kind}"))
    if not files:
        pytest.skip(f"no real .{kind} files beside the repository")
    return files


def test_a_csv_round_trip_loses_nothing() -> None:
    text = to_csv(MOMENTS)
    assert (
        text.splitlines()[0]
        == "start,end,start_ms,end_ms,category,note,share_with_carer,caption,child_words"
    )
    assert "00:00:01.234,00:00:01.234,1234,1234,sensitivity" in text
    assert "'=SUM(A1)" in text  # a spreadsheet will not run it
    assert key(from_csv(text)) == key(MOMENTS)
    assert key(back(read_csv(text, NICE))) == key(MOMENTS)


# -- ELAN ---------------------------------------------------------------------------------------


def eaf_of(moments: list[MarkedMoment]) -> str:
    return to_eaf(moments, media_name="clip-abc.mp4", categories=NICE, one_frame_ms=FRAME)


def test_an_eaf_round_trip_loses_nothing_and_elan_reads_it(tmp_path: Path) -> None:
    text = eaf_of(MOMENTS)
    assert key(back(read_eaf(text, NICE))) == key(MOMENTS)
    path = tmp_path / "moments.eaf"
    path.write_text(text)
    eaf = pympi.Elan.Eaf(str(path))
    assert set(eaf.get_tier_names()) >= set(NICE) | {"note@sensitivity", "child-words@sensitivity"}
    assert eaf.get_ref_annotation_data_for_tier("child-words@sensitivity")[0][2] == (
        "Look, Mummy & me!"
    )
    assert eaf.get_annotation_data_for_tier("communication") == [(5000, 9500, "communication")]
    assert eaf.get_parameters_for_tier("share@strengths")["PARENT_REF"] == "strengths"
    kind = eaf.get_parameters_for_tier("caption@sensitivity")["LINGUISTIC_TYPE_REF"]
    assert eaf.linguistic_types[kind]["CONSTRAINTS"] == "Symbolic_Association"
    moment_type = eaf.get_parameters_for_tier("sensitivity")["LINGUISTIC_TYPE_REF"]
    vocabulary = eaf.linguistic_types[moment_type]["CONTROLLED_VOCABULARY_REF"]
    assert set(eaf.get_cv_entries(vocabulary)) == set(NICE)
    descriptor = eaf.media_descriptors[0]
    assert descriptor["MEDIA_URL"] == "clip-abc.mp4"
    assert descriptor["RELATIVE_MEDIA_URL"] == "./clip-abc.mp4"


def test_a_point_is_one_frame_in_elan_and_a_point_again_back() -> None:
    eaf = read_eaf(eaf_of([MarkedMoment(1234, 1234, "sensitivity")]), NICE)
    assert [(c.start_ms, c.end_ms) for c in eaf.coded] == [(1234, 1234 + FRAME)]
    assert back(eaf) == [MarkedMoment(1234, 1234, "sensitivity")]


def test_moving_an_annotation_in_elan_keeps_its_caption_and_share(tmp_path: Path) -> None:
    """ELAN keeps a dependent tier's annotations on their parent wherever it moves: so must the
    import (a time-aligned caption tier lost them)."""
    path = tmp_path / "moments.eaf"
    path.write_text(eaf_of(MOMENTS))
    eaf = pympi.Elan.Eaf(str(path))
    for ident, (first, second, _, _) in eaf.tiers["strengths"][0].items():
        if eaf.timeslots[first] == 9500:  # the strengths moment at 9.5–12.001 s
            eaf.timeslots[first], eaf.timeslots[second] = 30_000, 31_500
            moved = ident
    assert moved
    pympi.Elan.to_eaf(str(tmp_path / "moved.eaf"), eaf)
    found = back(read_eaf((tmp_path / "moved.eaf").read_text(), NICE))
    assert (
        MarkedMoment(
            30_000,
            31_500,
            "strengths",
            "=SUM(A1) is not a formula here\nsecond line",
            True,
            "-ok: yes",
        )
        in found
    )
    assert not any(m.start_ms == 9500 for m in found)
    assert len(found) == len(MOMENTS)


def test_a_carriage_return_in_a_note_survives_elan() -> None:
    note = "first\rsecond\r\nthird"
    assert back(read_eaf(eaf_of([MarkedMoment(100, 900, "strengths", note)]), NICE))[0].note == note


def test_the_eaf_export_is_valid_against_elans_schema() -> None:
    schema_file = REAL / "xsd" / "EAFv3.0.xsd"
    if not schema_file.exists():
        pytest.skip("no EAF schema beside the repository")
    schema = xmlschema.XMLSchema(str(schema_file))
    errors = [str(e.reason) for e in schema.iter_errors(eaf_of(MOMENTS))]
    assert errors == []
    assert schema.is_valid(eaf_of([]))


def test_unaligned_time_slots_are_spread_over_their_parent() -> None:
    text = """<ANNOTATION_DOCUMENT><HEADER/><TIME_ORDER>
      <TIME_SLOT TIME_SLOT_ID="t1" TIME_VALUE="1000"/><TIME_SLOT TIME_SLOT_ID="t2"/>
      <TIME_SLOT TIME_SLOT_ID="t3"/><TIME_SLOT TIME_SLOT_ID="t4" TIME_VALUE="4000"/>
    </TIME_ORDER>
    <TIER TIER_ID="words" LINGUISTIC_TYPE_REF="sub" PARENT_REF="utterance">
      <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="t1" TIME_SLOT_REF2="t2">
        <ANNOTATION_VALUE>one</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
      <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a3" TIME_SLOT_REF1="t2" TIME_SLOT_REF2="t3">
        <ANNOTATION_VALUE>two</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
      <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a4" TIME_SLOT_REF1="t3" TIME_SLOT_REF2="t4">
        <ANNOTATION_VALUE>three</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
    </TIER></ANNOTATION_DOCUMENT>"""
    reading = read_eaf(text, NICE)
    assert [(c.start_ms, c.end_ms, c.note) for c in reading.coded] == [
        (1000, 2000, "one"),
        (2000, 3000, "two"),
        (3000, 4000, "three"),
    ]
    assert [s.name for s in reading.sources] == ["words"]
    assert reading.sources[0].proposed is None  # not a category: the worker chooses


def test_every_real_eaf_reads_with_every_annotation_timed_and_each_tier_accounted_for() -> None:
    for path in real("eaf"):
        text = path.read_text(encoding="utf-8")
        reading = read_eaf(text, NICE)
        pympi_eaf = pympi.Elan.Eaf(str(path), suppress_version_warning=True)
        aligned = sum(len(pympi_eaf.tiers[t][0]) for t in pympi_eaf.tiers)
        assert len(reading.coded) == aligned, path.name  # every one timed, none refused
        parents = {t: pympi_eaf.tiers[t][2].get("PARENT_REF") for t in pympi_eaf.tiers}
        assert {s.name for s in reading.sources} == {
            t for t in pympi_eaf.tiers if pympi_eaf.tiers[t][0] or pympi_eaf.tiers[t][1]
        }, path.name
        assert all(c.end_ms >= c.start_ms >= 0 for c in reading.coded), path.name
        mapping = {s.name: "sensitivity" for s in reading.sources if s.kind == "moments"}
        found = plan(reading, mapping=mapping, categories=NICE, duration_ms=10_000, frame_ms=FRAME)
        assert not found.undecided
        assert len(found.moments) + len(found.outside) == aligned, path.name
        assert all(c.end_ms > 10_000 for c in found.outside)
        for s in reading.sources:  # each dependent tier not mapped is named in the report
            if s.kind == "field":
                assert any(line.startswith(s.name) for line in found.skipped), (path.name, s)
                assert parents[s.name]
        if "sample_3.0" in path.name:
            times = slot_times(parse(text))
            assert len(times) == len(pympi_eaf.timeslots)  # the 1572 unaligned slots too


def test_an_eaf_with_entities_or_no_document_is_refused() -> None:
    with pytest.raises(InvalidInput, match="DTD or entities"):
        read_eaf('<!DOCTYPE x [<!ENTITY a "b">]><ANNOTATION_DOCUMENT/>', NICE)
    with pytest.raises(InvalidInput, match="not an ELAN"):
        read_eaf("<html/>", NICE)


def test_a_mapping_to_something_not_in_the_scheme_is_refused_in_words() -> None:
    reading = read_eaf(eaf_of(MOMENTS), NICE)
    with pytest.raises(InvalidInput, match="'strengths' can become a category"):
        plan(reading, mapping={"strengths": "kindness"}, categories=NICE, duration_ms=60_000)
    with pytest.raises(InvalidInput, match="no tier or behaviour called 'nobody'"):
        plan(reading, mapping={"nobody": ""}, categories=NICE, duration_ms=60_000)


# -- WebVTT -------------------------------------------------------------------------------------


def test_the_carers_captions_track_is_only_what_the_carer_sees(tmp_path: Path) -> None:
    text = to_webvtt(MOMENTS, {"sensitivity": "Sensitivity"}, "captions")
    path = tmp_path / "captions.vtt"
    path.write_text(text)
    cues = webvtt.read(str(path))
    assert [c.raw_text for c in cues] == [
        "You waited for him\n<v Child>Look, Mummy &amp; me!</v>",
        "-ok: yes",
        "a &lt; b",
    ]
    assert cues[0].text == "You waited for him\nLook, Mummy &amp; me!"  # a voice span
    assert cues[0].start == "00:00:01.234" and cues[0].end == "00:00:02.234"  # a point: 1 s
    assert "She waited" not in text and "SUM" not in text  # no note reaches the carer


def test_the_notes_track_escapes_markup_and_keeps_every_cue_whole(tmp_path: Path) -> None:
    hostile = MarkedMoment(0, 500, "strengths", "one\n\n\ntwo --> three & <i>four</i>\r\n\r\nfive")
    text = to_webvtt([*MOMENTS, hostile], {"sensitivity": "Sensitivity"}, "notes")
    path = tmp_path / "notes.vtt"
    path.write_text(text)
    cues = webvtt.read(str(path))
    assert len(cues) == len(MOMENTS) + 1 == text.count("-->")  # a blank line would split one
    assert cues[0].text == "strengths: one\ntwo --&gt; three &amp; &lt;i&gt;four&lt;/i&gt;\nfive"
    assert cues[0].start == "00:00:00.000" and cues[0].end == "00:00:00.500"
    assert "Sensitivity: She waited until he looked at her" in [c.text for c in cues]


# -- CSV from BORIS, Datavyu and any table ------------------------------------------------------


def test_a_boris_events_export_pairs_start_and_stop() -> None:
    (path,) = real("csv")
    reading = read_csv(path.read_text(encoding="utf-8"), NICE)
    assert reading.format == "boris"
    assert reading.columns["start"] == "Time" and reading.columns["behaviour"] == "Behavior"
    assert [(s.name, s.count, s.proposed) for s in reading.sources] == [("s", 4, None)]
    found = plan(reading, mapping={"s": "sensitivity"}, categories=NICE, duration_ms=30_000)
    assert [(m.start_ms, m.end_ms, m.note) for m in found.moments] == [
        (3300, 7750, "subject1"),
        (9900, 16200, "subject1"),
        (18350, 24475, "subject1"),
    ]
    assert [(c.start_ms, c.end_ms) for c in found.outside] == [(38425, 46100)]


def test_boris_point_events_and_unpaired_rows_are_reported() -> None:
    text = (
        "Time,Media file path,Total length,FPS,Subject,Behavior,Behavioral category,Comment,"
        "Status\n"
        "1.5,v.mp4,60,25,,Praise,,well done,POINT\n"
        "2.0,v.mp4,60,25,,Follows lead,,,START\n"
        "4.25,v.mp4,60,25,,Follows lead,,,STOP\n"
        "5.0,v.mp4,60,25,,Follows lead,,,STOP\n"
        "6.0,v.mp4,60,25,,Sensitivity,,,START\n"
    )
    reading = read_csv(text, NICE)
    assert {s.name: s.proposed for s in reading.sources} == {"Praise": None, "Follows lead": None}
    found = plan(
        reading,
        mapping={"Praise": "strengths", "Follows lead": "sensitivity"},
        categories=NICE,
        duration_ms=60_000,
    )
    assert [(m.start_ms, m.end_ms, m.category, m.note) for m in found.moments] == [
        (1500, 1500, "strengths", "well done"),
        (2000, 4250, "sensitivity", ""),
    ]
    assert found.skipped == [
        "Line 5: Follows lead stopped without a start, not imported.",
        "Line 6: Sensitivity started but never stopped, not imported.",
    ]


def test_a_datavyu_export_reads_each_column_in_ms() -> None:
    text = (
        "looking.ordinal,looking.onset,looking.offset,looking.code01,talk.ordinal,talk.onset,"
        "talk.offset,talk.code01\n"
        "1,1200,2500,toy,1,300,900,naming\n"
        "2,4000,4000,face,,,,\n"
    )
    reading = read_csv(text, NICE)
    assert reading.format == "datavyu"
    found = plan(
        reading,
        mapping={"looking": "sensitivity", "talk": "communication"},
        categories=NICE,
        duration_ms=60_000,
    )
    assert sorted((m.start_ms, m.end_ms, m.category, m.note) for m in found.moments) == [
        (300, 900, "communication", "naming"),
        (1200, 2500, "sensitivity", "toy"),
        (4000, 4000, "sensitivity", "face"),
    ]


def test_any_table_is_read_through_the_columns_chosen() -> None:
    text = "when,until,what,remarks\n1500,2500,Praise,good\n"
    with pytest.raises(InvalidInput, match="which column holds the start or the behaviour"):
        read_csv(text, NICE)
    chosen = Columns("columns", "when", "until", "what", note="remarks", unit="ms")
    found = back(read_csv(text, NICE, chosen), Praise="strengths")
    assert found == [MarkedMoment(1500, 2500, "strengths", "good")]


def test_a_bad_vfb_csv_is_explained_by_line() -> None:
    reading = read_csv("start_ms,end_ms,category\n5,1,sensitivity\n", NICE)
    with pytest.raises(InvalidInput, match=r"line 2 .*A moment's end cannot come before"):
        plan(reading, mapping={}, categories=NICE, duration_ms=60_000)
    reading = read_csv("start_ms,end_ms,category\nx,1,sensitivity\n", NICE)
    assert reading.not_read == ["Line 2: its time is not a number, not imported."]


def test_a_moment_checks_itself() -> None:
    with pytest.raises(InvalidInput, match="end cannot come before"):
        MarkedMoment(100, 99, "sensitivity")
    with pytest.raises(InvalidInput, match="after the clip's end"):
        MarkedMoment(100, 9000, "sensitivity").check_inside(8000)


def test_every_scheme_maps_each_category_onto_a_nice_highlight() -> None:
    # NG26 1.4.2's five, spelled out here (docs/domain.md, "Moment categories"), not read from vfb
    nice = ["sensitivity", "responsiveness", "communication", "strengths", "positive_change"]
    assert list(NICE_HIGHLIGHTS) == nice
    assert set(all_schemes()) == {"nice", "vig", "vipp-sd"}
    for scheme in all_schemes().values():
        assert scheme.categories
        assert all(c.nice in nice for c in scheme.categories)
    assert [c.code for c in load_scheme("nice").categories] == nice
    assert load_scheme("vig").nice_highlight("being_attentive") == "sensitivity"
    with pytest.raises(InvalidInput, match="not a category of VIG"):
        load_scheme("vig").category("sensitivity")


def test_a_time_too_large_for_any_clip_is_reported_not_a_crash() -> None:
    reading = read_csv("start_ms,end_ms,category\ninf,1e400,strengths\n", NICE)
    assert reading.not_read == ["Line 2: its time is not a number, not imported."]
    infinite = '<ANNOTATION_DOCUMENT><TIME_ORDER><TIME_SLOT TIME_SLOT_ID="t" TIME_VALUE="inf"/>'
    with pytest.raises(InvalidInput, match="Time slot t has no number"):
        read_eaf(infinite + "</TIME_ORDER></ANNOTATION_DOCUMENT>", NICE)
