"""The README tells the truth about the settings (datasette's test_docs.py, in miniature)."""

from __future__ import annotations

import re
from pathlib import Path

from vfb.settings import Settings

README = Path(__file__).parents[2] / "README.md"


def documented_settings() -> dict[str, str]:
    rows = re.findall(r"^\| `(VFB_[A-Z0-9_]+)` \| (.+?) \|", README.read_text(), flags=re.M)
    return dict(rows)


def test_every_setting_is_documented_and_nothing_else() -> None:
    expected = {f"VFB_{name.upper()}" for name in Settings.model_fields}
    assert set(documented_settings()) == expected


def test_documented_plain_defaults_are_the_real_ones() -> None:
    documented = documented_settings()
    for name, field in Settings.model_fields.items():
        default = field.default
        if isinstance(default, int | str) and not isinstance(default, bool):
            assert documented[f"VFB_{name.upper()}"] == f"`{default}`", name


def test_the_first_screen_shows_the_two_commands() -> None:
    first_screen = "\n".join(README.read_text().splitlines()[:25])
    assert "make run" in first_screen
    assert "make test" in first_screen
