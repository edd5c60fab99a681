"""The browser tier: one Chromium per run, `vfb serve` per test, a signed-in page that fails the
test on any console error, the `child`, `clip` and `reel` the review tests share, and the
`database_url` that gives a test asking for `clip` a copy of one prepared with it."""

from tests.support.browser import (  # noqa: F401 (fixtures and the test-body hook)
    browser,
    child,
    clip,
    database_url,
    page,
    pytest_runtest_call,
    reel,
    server,
)
