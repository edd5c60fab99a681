"""Moments out to CSV, WebVTT and ELAN, and back: a round trip loses nothing; ELAN's own reader
(pympi-ling) opens what vfb writes; coding schemes all map onto the NICE highlights."""

from __future__ import annotations

from pathlib import Path

import pympi
import pytest

from vfb.errors import InvalidInput
from vfb.review.exchange import from_csv, from_eaf, to_csv, to_eaf, to_webvtt
from vfb.review.moments import Moment
from vfb.review.schemes import NICE_HIGHLIGHTS, all_schemes, load_scheme

MOMENTS = [
    Moment(
        1234, 1234, "sensitivity", "She waited until he looked at her", True, "You waited for him"
    ),
    Moment(5000, 9500, "communication", 'Naming his feelings, "you\'re cross"', False),
    Moment(
        9500, 12001, "strengths", "=SUM(A1) is not a formula here\nsecond line", True, "-ok: yes"
    ),
    Moment(20000, 20000, "positive_change", "", False),
    Moment(20000, 20000, "sensitivity", "same time, other category", False),
]


def key(moments: list[Moment]) -> list[Moment]:
    return sorted(moments, key=lambda m: (m.start_ms, m.end_ms, m.category, m.note))


def test_a_csv_round_trip_loses_nothing() -> None:
    text = to_csv(MOMENTS)
    assert (
        text.splitlines()[0] == "start,end,start_ms,end_ms,category,note,share_with_carer,caption"
    )
    assert "00:00:01.234,00:00:01.234,1234,1234,sensitivity" in text
    assert "'=SUM(A1)" in text  # a spreadsheet will not run it
    assert key(from_csv(text)) == key(MOMENTS)


def test_an_eaf_round_trip_loses_nothing_and_elan_reads_it(tmp_path: Path) -> None:
    text = to_eaf(MOMENTS, media_url="file:///clips/visit.mp4")
    assert key(from_eaf(text)) == key(MOMENTS)
    path = tmp_path / "moments.eaf"
    path.write_text(text)
    eaf = pympi.Elan.Eaf(str(path))
    assert set(eaf.get_tier_names()) >= {"sensitivity", "communication", "strengths"}
    assert eaf.get_annotation_data_for_tier("communication") == [
        (5000, 9500, 'Naming his feelings, "you\'re cross"')
    ]
    assert eaf.media_descriptors[0]["MEDIA_URL"] == "file:///clips/visit.mp4"


def test_webvtt_cues_show_every_moment_and_points_for_a_second() -> None:
    text = to_webvtt(MOMENTS, {"sensitivity": "Sensitivity"})
    assert text.startswith("WEBVTT\n\nmoment-1\n00:00:01.234 --> 00:00:02.234\nSensitivity: She")
    assert "00:00:05.000 --> 00:00:09.500\ncommunication: Naming" in text
    assert text.count("-->") == len(MOMENTS)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("start_ms,category\n1,sensitivity\n", "no column end_ms"),
        ("start_ms,end_ms,category\n5,1,sensitivity\n", "Line 2 of the CSV: A moment's end"),
        ("start_ms,end_ms,category\nx,1,sensitivity\n", "whole numbers"),
    ],
)
def test_a_bad_csv_is_explained_by_line(text: str, words: str) -> None:
    with pytest.raises(InvalidInput, match=words):
        from_csv(text)


def test_an_eaf_with_entities_or_no_times_is_refused() -> None:
    with pytest.raises(InvalidInput, match="DTD or entities"):
        from_eaf('<!DOCTYPE x [<!ENTITY a "b">]><ANNOTATION_DOCUMENT/>')
    with pytest.raises(InvalidInput, match="not an ELAN"):
        from_eaf("<html/>")


def test_a_moment_checks_itself() -> None:
    with pytest.raises(InvalidInput, match="end cannot come before"):
        Moment(100, 99, "sensitivity")
    with pytest.raises(InvalidInput, match="after the clip's end"):
        Moment(100, 9000, "sensitivity").check_inside(8000)


def test_every_scheme_maps_each_category_onto_a_nice_highlight() -> None:
    assert set(all_schemes()) == {"nice", "vig", "vipp-sd"}
    for scheme in all_schemes().values():
        assert all(c.nice in NICE_HIGHLIGHTS for c in scheme.categories)
    assert [c.code for c in load_scheme("nice").categories] == list(NICE_HIGHLIGHTS)
    assert load_scheme("vig").nice_highlight("being_attentive") == "sensitivity"
    with pytest.raises(InvalidInput, match="not a category of VIG"):
        load_scheme("vig").category("sensitivity")
