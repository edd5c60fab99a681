"""The API tier: the `clip` and `reel` fixtures many modules here share, and the `database_url`
that gives a test asking for `clip` a copy of one prepared with it."""

from tests.support.api import clip, database_url, reel  # noqa: F401 (fixtures)
