"""An accessibility scan in the browser tests: axe-core (vendored, MPL-2.0) run in the page.

The script is evaluated through the DevTools protocol, so the page's Content-Security-Policy stays
as strict as it is for users; a test calls `assert_accessible(page)` once the page is drawn.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
# WCAG 2.2 A and AA, plus axe's best practices for landmarks and headings
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(page: Page, *, exclude: list[str] | None = None) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    context = {"exclude": [[selector] for selector in exclude or []]}
    found: list[dict[str, Any]] = page.evaluate(
        """async ([context, tags]) => {
            const result = await axe.run(context, { runOnly: { type: "tag", values: tags } });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ") + " — " + n.failureSummary),
            }));
        }""",
        [context, TAGS],
    )
    return found


def assert_accessible(page: Page, *, exclude: list[str] | None = None) -> None:
    found = axe_violations(page, exclude=exclude)
    assert not found, "axe-core found:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"][:5])
        for v in found
    )
