"""Accessibility checks with axe-core, run inside a Playwright (sync API) page.

`add_script_tag(path=...)` injects axe as an *inline* script, which the app's
Content-Security-Policy (`script-src 'self'`) blocks. Pages checked with axe therefore come
from a browser context opened with `bypass_csp=True` (the `axe_page` fixture). That weakens
nothing being tested: axe reads the DOM and computed styles, which the CSP does not change.
Tests about scripts that must NOT run (XSS) use the ordinary `page` fixture, CSP enforced.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ("wcag2a", "wcag2aa", "wcag21aa", "best-practice")
SERIOUS = frozenset({"serious", "critical"})

Violation = dict[str, Any]

_RUN_AXE = """
async (tags) => {
    const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
    return results.violations;
}
"""


class AxeError(RuntimeError):
    """axe-core could not be loaded into the page."""


def run_axe(page: Page, tags: Sequence[str] = TAGS) -> list[Violation]:
    """Run axe-core on the page's current document and return its violations.

    Each violation is axe's own dict: `id`, `impact`, `help`, `helpUrl`, `nodes` (each with
    `target` selectors, `html` and `failureSummary`).
    """
    if not AXE_JS.is_file():
        raise AxeError(f"{AXE_JS} is missing: run `npm ci` at the repository root")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        _inject(page)
    violations: list[Violation] = page.evaluate(_RUN_AXE, list(tags))
    return violations


def _inject(page: Page) -> None:
    from playwright.sync_api import Error

    try:
        page.add_script_tag(path=AXE_JS)
    except Error as error:
        raise AxeError(
            "axe-core did not load, most likely blocked by the page's Content-Security-Policy: "
            "open the page in a context made with bypass_csp=True (the axe_page fixture)"
            f"\n{error.message}"
        ) from error


def serious(violations: Iterable[Violation]) -> list[Violation]:
    """Only the violations axe rates serious or critical."""
    return [v for v in violations if v.get("impact") in SERIOUS]


def format_violations(violations: Sequence[Violation], *, max_nodes: int = 5) -> str:
    """A readable assertion message: rule, impact, help, and the offending elements."""
    if not violations:
        return "no accessibility violations"
    lines = [f"{len(violations)} accessibility violation(s):"]
    for violation in violations:
        lines.append(
            f"- {violation.get('id')} [{violation.get('impact')}]: {violation.get('help')}"
            f" ({violation.get('helpUrl')})"
        )
        nodes = violation.get("nodes", [])
        for node in nodes[:max_nodes]:
            target = " ".join(str(t) for t in node.get("target", []))
            lines.append(f"    at {target}: {str(node.get('html', ''))[:120]}")
        if len(nodes) > max_nodes:
            lines.append(f"    ... and {len(nodes) - max_nodes} more element(s)")
    return "\n".join(lines)
