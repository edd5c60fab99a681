"""docs/domain.md tells the truth about the fidelity criteria and the programme's changes of status:
its marked criteria table names the criteria vfb scores, in order, and every number of the
`nice-ng26` model; its transition table is the one the code enforces."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from vfb.programme.fidelity import ProgrammeRecord, score
from vfb.programme.programme_models import MODELS_DIR, load_model
from vfb.vocabulary import PROGRAMME_TRANSITIONS, ProgrammeStatus

DOMAIN = Path(__file__).parents[2] / "docs" / "domain.md"


def marked_table(name: str = "criteria") -> list[tuple[str, str]]:
    """(code, settings cell) for each row between the `name` markers."""
    text = DOMAIN.read_text()
    found = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, flags=re.S)
    assert found, f"docs/domain.md has no <!-- {name}:start --> … <!-- {name}:end --> table"
    rows = re.findall(r"^\| `([a-z_]+)` \| .+? \| (.+?) \|$", found.group(1), flags=re.M)
    assert rows, f"the {name} table has no rows"
    return rows


def criteria_table() -> list[tuple[str, str]]:
    return marked_table("criteria")


def documented_settings() -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for _, cell in criteria_table() + marked_table("alerts"):
        for setting in re.findall(r"`([^`]+)`", cell):
            parsed = tomllib.loads(setting)
            assert not parsed.keys() & settings.keys(), f"{setting} is documented twice"
            settings.update(parsed)
    return settings


def test_the_criteria_are_the_ones_vfb_scores_in_order() -> None:
    record = ProgrammeRecord(ProgrammeStatus.active, [], [], None)
    scored = score(record, load_model("nice-ng26"), today=date(2026, 1, 1))
    codes = [criterion.code for criterion in scored.criteria]
    assert len(codes) == 10
    assert [code for code, _ in criteria_table()] == codes


def test_the_documented_numbers_are_the_model_file() -> None:
    model_file = tomllib.loads((MODELS_DIR / "nice-ng26.toml").read_text())
    del model_file["title"]
    assert documented_settings() == model_file


def test_the_transition_table_is_the_one_the_code_enforces() -> None:
    text = DOMAIN.read_text()
    header = re.search(r"^ *\| from \\ to \|(.+)\|$", text, flags=re.M)
    assert header, "docs/domain.md has no `| from \\ to |` table"
    targets = [ProgrammeStatus(cell.strip()) for cell in header.group(1).split("|")]
    documented: dict[ProgrammeStatus, frozenset[ProgrammeStatus]] = {}
    for source in ProgrammeStatus:
        row = re.search(rf"^ *\| {source.value} \|(.+)\|$", text, flags=re.M)
        assert row, f"the transition table has no row for {source.value}"
        cells = [cell.strip() for cell in row.group(1).split("|")]
        assert len(cells) == len(targets)
        pairs = zip(targets, cells, strict=True)
        documented[source] = frozenset(target for target, cell in pairs if cell == "yes")
        assert all(cell in ("yes", "no", "—") for cell in cells)
    assert set(targets) == set(ProgrammeStatus)
    assert documented == PROGRAMME_TRANSITIONS
