"""A field laptop's link to its team server, kept in the laptop's data folder: the server's
address, the laptop's credential (a secret: the file is readable by its owner only) and whom
the laptop is for. One link per laptop."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from vfb.errors import InvalidInput

LINK_FILE = "field-link.json"


@dataclass(frozen=True)
class FieldLink:
    server: str  # https://vfb.example.org (no trailing slash)
    device_id: str
    device_name: str
    credential: str
    user_id: str
    username: str
    team_id: str
    team_name: str
    enrolled_at: str  # ISO 8601, the laptop's clock

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credential}"}


def link_path(data_dir: Path) -> Path:
    return data_dir / LINK_FILE


def load(data_dir: Path) -> FieldLink | None:
    """The laptop's link, or None if it has not been enrolled."""
    path = link_path(data_dir)
    try:
        kept = json.loads(path.read_text())
        return FieldLink(**kept)
    except FileNotFoundError:
        return None
    except (ValueError, TypeError):
        raise InvalidInput(
            f"This laptop's link to its team ({LINK_FILE} in the data folder) is damaged. "
            "Remove it with `vfb field forget` and enrol the laptop again."
        ) from None


def save(link: FieldLink, data_dir: Path) -> None:
    """Written whole or not at all (a new file renamed into place), readable by its owner only."""
    path = link_path(data_dir)
    part = path.with_suffix(".part")
    descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(asdict(link), file, indent=2)
        file.flush()
        os.fsync(file.fileno())
    os.replace(part, path)


def forget(data_dir: Path) -> bool:
    """Remove the link (not the records or footage on the laptop); whether there was one."""
    try:
        link_path(data_dir).unlink()
    except FileNotFoundError:
        return False
    return True
