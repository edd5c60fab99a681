"""Where vfb reads the time, so tests can move it (session expiry, sign-in lockout).

A clock returns an aware datetime. vfb asks it through `local_now`, so that `now.date()` is the
date on the service's own calendar (a visit at 00:30 in London is on that day, not the day
before in UTC); stored timestamps are converted to UTC on the way into the database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(UTC)


def local_now(clock: Clock, zone: ZoneInfo) -> datetime:
    return clock().astimezone(zone)
