"""The API tier: the `clip` and `reel` fixtures many modules here share."""

from tests.support.api import clip, reel  # noqa: F401 (fixtures)
