"""Routes whose request gives its database connection back as soon as its code is done.

FastAPI runs a plain (`def`) route in a worker thread, then turns its answer into JSON in another
worker thread, and closes the request's session only after the answer is sent. Under a burst, the
requests whose route had finished held their connections while they queued for that second
thread, and the threads (40) all waited for a connection: nothing moved until the pool's wait ran
out (503s). So a route's session ends its transaction the moment the route returns, in the route's
own thread, when it holds nothing unsaved (a route that left changes unsaved keeps them unsaved:
they are rolled back when the session closes, as before)."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute
from sqlmodel import Session

from vfb.db import release_connection


class ReleasingRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _releasing(endpoint)
        super().__init__(path, endpoint, **kwargs)


def _releasing(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(endpoint)  # FastAPI reads the parameters through __wrapped__
    def run(*args: Any, **kwargs: Any) -> Any:
        answer = endpoint(*args, **kwargs)
        for value in kwargs.values():
            if isinstance(value, Session) and not (value.new or value.dirty or value.deleted):
                release_connection(value)
        return answer

    return run
