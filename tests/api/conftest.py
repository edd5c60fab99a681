"""The API tier: the `clip` and `reel` fixtures many modules here share (a test asking for one
gets a copy of a database prepared with it: see `database_url` in tests/support/api.py), and
the `bucket` of a real S3-protocol server that tests of the object store keep footage in."""

from tests.support.api import clip, reel  # noqa: F401 (fixtures)
from tests.support.object_store import bucket, s3_endpoint  # noqa: F401 (fixtures)
