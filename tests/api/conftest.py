"""The API tier: the `clip` and `reel` fixtures many modules here share (a test asking for one
gets a copy of a database prepared with it: see `database_url` in tests/support/api.py)."""

from tests.support.api import clip, reel  # noqa: F401 (fixtures)
