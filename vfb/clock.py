"""Where vfb reads the time, so tests can move it (session expiry, sign-in lockout)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(UTC)


def today(clock: Clock) -> date:
    return clock().date()
