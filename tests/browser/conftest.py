"""The browser tier: one Chromium per run, `vfb serve` per test, a signed-in page that fails the
test on any console error, and the `child`, `clip` and `reel` the review tests share."""

from tests.support.browser import (  # noqa: F401 (fixtures and the test-body hook)
    browser,
    child,
    clip,
    page,
    pytest_runtest_call,
    reel,
    server,
)
