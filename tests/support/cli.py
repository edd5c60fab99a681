"""`vfb` run as a worker would run it: the installed command in its own process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

VFB = [str(Path(sys.executable).parent / "vfb")]


def vfb(
    *args: str, env: dict[str, str] | None = None, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [*VFB, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=120,
        **kwargs,
    )
