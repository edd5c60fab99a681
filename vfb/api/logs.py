"""The server's logs never hold a share link's token: `/s/<token>` is written as `/s/[hidden]`
(a token in a log file would let whoever reads it open the carer's video)."""

from __future__ import annotations

import logging
import re
from typing import Any

SHARE_PATH = re.compile(r"/s/[A-Za-z0-9_-]+")
HIDDEN = "/s/[hidden]"
# Every logger that writes a request's path: uvicorn's access log, its error log, vfb's own.
LOGGERS = ("uvicorn.access", "uvicorn.error", "vfb.api")


def hide_tokens(text: str) -> str:
    return SHARE_PATH.sub(HIDDEN, text)


def _hidden(value: Any) -> Any:
    return hide_tokens(value) if isinstance(value, str) else value


class HideShareTokens(logging.Filter):
    """Rewrites a record's message and arguments before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = hide_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_hidden(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _hidden(v) for k, v in record.args.items()}
        return True


def hide_share_tokens() -> None:
    """Put the filter on every logger that writes request paths (once: the app may be built many
    times in one process). Logging configured later (uvicorn's) keeps a logger's filters."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, HideShareTokens) for f in logger.filters):
            logger.addFilter(HideShareTokens())
