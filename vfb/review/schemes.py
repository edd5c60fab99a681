"""Coding schemes are data: one TOML file per scheme in `schemes/`, each category mapped onto one
of the five NICE highlights, so that fidelity reads the same whichever scheme a team uses."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from vfb.errors import InvalidInput

SCHEMES_DIR = Path(__file__).parent / "schemes"
NICE_HIGHLIGHTS = ("sensitivity", "responsiveness", "communication", "strengths", "positive_change")


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    nice: str  # the NICE highlight this category shows


@dataclass(frozen=True)
class Scheme:
    name: str
    title: str
    categories: tuple[Category, ...]

    def category(self, code: str) -> Category:
        for category in self.categories:
            if category.code == code:
                return category
        known = ", ".join(c.code for c in self.categories)
        raise InvalidInput(f"{code!r} is not a category of {self.title}; use one of: {known}.")

    def nice_highlight(self, code: str) -> str:
        return self.category(code).nice


def _read(path: Path) -> Scheme:
    data = tomllib.loads(path.read_text())
    categories = tuple(Category(**c) for c in data["category"])
    for category in categories:
        if category.nice not in NICE_HIGHLIGHTS:
            raise ValueError(f"{path.name}: {category.code} maps to unknown {category.nice!r}")
    if len({c.code for c in categories}) != len(categories):
        raise ValueError(f"{path.name}: a category code is used twice")
    return Scheme(name=data["name"], title=data["title"], categories=categories)


@cache
def all_schemes() -> dict[str, Scheme]:
    schemes = (_read(path) for path in sorted(SCHEMES_DIR.glob("*.toml")))
    return {scheme.name: scheme for scheme in schemes}


def load_scheme(name: str) -> Scheme:
    try:
        return all_schemes()[name]
    except KeyError:
        known = ", ".join(sorted(all_schemes()))
        raise InvalidInput(f"There is no coding scheme {name!r}; vfb has: {known}.") from None
