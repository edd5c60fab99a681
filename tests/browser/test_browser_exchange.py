"""Importing moments on the review page at 1366×768: a BORIS export and an ELAN example go
through the dialog (what the file holds, each behaviour or tier to a category or skip, what
lies after the clip's end skipped only when ticked); the mapping is remembered for the scheme;
a file vfb cannot read is explained next to the file input; the video carries the captions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.axe import assert_accessible
from tests.support.browser import call, no_sideways_scroll, open_review, wait_until

pytestmark = pytest.mark.browser
REAL = Path(__file__).resolve().parents[3] / "shared" / "real-media"
BORIS = REAL / "csv" / "boris__test_export_events_tabular.csv"
ELAN = REAL / "eaf" / "poio__example.eaf"


def choose_file(page: Page, path: Path) -> None:
    if not page.locator("#exchange").evaluate("details => details.open"):
        page.locator("#exchange > summary").click()
    page.set_input_files("#import-file", str(path))
    page.get_by_role("button", name="Import…").click()


def test_a_boris_export_and_an_elan_example_import_through_the_dialog(
    page: Page, server: str, child: dict[str, str], clip: dict[str, Any]
) -> None:
    if not (BORIS.exists() and ELAN.exists()):
        pytest.skip("no real BORIS and ELAN files beside the repository")
    page.set_viewport_size({"width": 1366, "height": 768})
    open_review(page, server, clip)
    captions = page.locator("#player track[kind=captions]")
    expected = re.escape(f"/api/clips/{clip['id']}/moments.vtt?track=captions")
    expect(captions).to_have_attribute("src", re.compile(f"^{expected}&v=\\d+$"))
    choose_file(page, BORIS)
    dialog = page.get_by_role("dialog", name="Import moments from boris__test")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("This is a BORIS events export with 4 annotations")
    go = dialog.locator("#import-go")
    expect(go).to_be_disabled()
    expect(dialog.locator("#import-hint")).to_contain_text("Choose a category, or Skip, for s")
    dialog.get_by_label("s", exact=True).select_option(label="Sensitivity")
    expect(dialog.locator("#import-outside")).to_contain_text(
        "3 annotations end after the clip's end (00:00:08.000)"
    )
    expect(dialog.locator("#import-outside-list li")).to_have_count(3)
    expect(go).to_have_text("Import 1 moment")
    expect(go).to_be_disabled()  # not until the worker agrees to skip the rest
    assert_accessible(page)
    no_sideways_scroll(page)
    dialog.get_by_label("Skip them and import the rest").check()
    go.click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#status")).to_contain_text(
        "Imported 1 moment from boris__test_export_events_tabular.csv; 3 after the clip's end"
    )
    made = call(server, child, "GET", f"/api/clips/{clip['id']}/moments")
    assert [(m["start_ms"], m["end_ms"], m["category"]) for m in made] == [
        (3300, 7750, "sensitivity")
    ]
    expect(page.locator("#moment-list li")).to_have_count(1)

    choose_file(page, BORIS)  # again: the mapping is remembered for the NICE scheme
    expect(dialog.get_by_label("s", exact=True)).to_have_value("sensitivity")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()

    choose_file(page, ELAN)
    dialog = page.get_by_role("dialog", name="Import moments from poio__example.eaf")
    expect(dialog).to_contain_text("This is an ELAN file with 183 annotations")
    expect(dialog.locator("#import-skipped-count")).to_have_text("4")  # the dependent tiers
    for tier in ("K-Spch", "W-Words", "W-RGU", "W-RGph", "K-RGU", "K-RGph"):
        dialog.get_by_label(tier, exact=True).select_option(label="Skip: do not import")
    dialog.get_by_label("W-Spch", exact=True).select_option(label="Communication")
    dialog.get_by_label("W-IPA (belongs to W-Spch)").select_option(label="As the note")
    expect(dialog.locator("#import-hint")).to_contain_text("Tick the box")
    no_sideways_scroll(page)
    dialog.get_by_label("Skip them and import the rest").check()
    expect(dialog.locator("#import-go")).to_be_enabled()
    dialog.locator("#import-go").click()
    expect(page.locator("#status")).to_contain_text("from poio__example.eaf")
    made = call(server, child, "GET", f"/api/clips/{clip['id']}/moments")
    spoken = [m for m in made if m["category"] == "communication"]
    assert spoken and all(m["end_ms"] <= 8000 for m in spoken)
    assert all(m["note"] for m in spoken)  # the W-IPA transcription, joined on as the note
    wait_until(page, "document.querySelectorAll('#moment-list li').length === 1 + "
               f"{len(spoken)}")  # fmt: skip


def test_a_file_vfb_cannot_read_is_explained_next_to_the_file_input(
    page: Page, server: str, clip: dict[str, Any], tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    open_review(page, server, clip)
    bad = tmp_path / "notes.eaf"
    bad.write_text("<html>not ELAN</html>")
    choose_file(page, bad)
    error = page.locator("#import-error")
    expect(error).to_contain_text("notes.eaf cannot be imported: This is not an ELAN .eaf file")
    expect(page.locator("#import-file")).to_have_attribute("aria-describedby", "import-error")
    expect(page.locator("#import-dialog")).to_be_hidden()
