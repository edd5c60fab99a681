"""Programme models: the numbers a programme is delivered to, one TOML file per model."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from vfb.errors import InvalidInput
from vfb.vocabulary import Highlight, Location

MODELS_DIR = Path(__file__).parent / "programme_models"


@dataclass(frozen=True)
class ProgrammeModel:
    name: str
    title: str
    min_sessions: int
    min_session_minutes: int
    span_months: tuple[int, int]
    filmed_seconds: tuple[int, int]
    location: Location
    highlights_any_of: frozenset[Highlight]
    highlights_all_of: frozenset[Highlight]
    positive_change_from_session: int
    quiet_days: int  # an active programme with no held session for longer than this is flagged


def known_models() -> tuple[str, ...]:
    return tuple(sorted(path.stem for path in MODELS_DIR.glob("*.toml")))


@cache
def load_model(name: str) -> ProgrammeModel:
    if name not in known_models():
        raise InvalidInput(
            f"Unknown programme model {name!r}; vfb knows: {', '.join(known_models())}."
        )
    data = tomllib.loads((MODELS_DIR / f"{name}.toml").read_text())
    low_span, high_span = data["span_months"]
    low_film, high_film = data["filmed_seconds"]
    return ProgrammeModel(
        name=name,
        title=data["title"],
        min_sessions=int(data["min_sessions"]),
        min_session_minutes=int(data["min_session_minutes"]),
        span_months=(int(low_span), int(high_span)),
        filmed_seconds=(int(low_film), int(high_film)),
        location=Location(data["location"]),
        highlights_any_of=frozenset(Highlight(h) for h in data["highlights_any_of"]),
        highlights_all_of=frozenset(Highlight(h) for h in data["highlights_all_of"]),
        positive_change_from_session=int(data["positive_change_from_session"]),
        quiet_days=int(data["quiet_days"]),
    )
