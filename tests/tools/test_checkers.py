"""The checkers catch known-bad pages.

A validator that cannot start, or an axe that never loads, must fail the suite rather than let
every page "pass": these tests prove each checker reports a defect planted on purpose, and
stays quiet on a page without one.

The fixtures come from the tests.tools.fixtures plugin, registered in tests/conftest.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.tools.axe import AxeError, format_violations, run_axe, serious
from tests.tools.vnu import VnuService, format_messages

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.tools.fixtures import DialogTrap

VALID = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>A valid page</title></head>
<body><main><h1>A valid page</h1><p>Some text.</p>
<img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" alt="A dot" width="1" height="1">
</main></body>
</html>
"""

MISNESTED = VALID.replace("<p>Some text.</p>", "<p><div>Some text.</div></p>")
IMAGE_WITHOUT_ALT = VALID.replace(' alt="A dot"', "")
SCRIPTED = VALID.replace("<p>Some text.</p>", "<script>alert(1); window.__xss = 2;</script>")
ORIGIN = "http://checker.test/"


def serve(page: Page, html: str, headers: dict[str, str] | None = None) -> None:
    """Open `html` as a page of a real http origin (routed in-browser; no server, no network)."""
    page.route(
        ORIGIN,
        lambda route: route.fulfill(body=html, content_type="text/html", headers=headers or {}),
    )
    page.goto(ORIGIN)


def test_vnu_reports_a_p_end_tag_without_an_open_p(vnu: VnuService) -> None:
    errors = vnu.validate(MISNESTED)

    assert any("“p” end tag" in error["message"] for error in errors), format_messages(errors)


def test_vnu_accepts_a_minimal_valid_document(vnu: VnuService) -> None:
    messages = vnu.validate(VALID, warnings=True)

    assert messages == [], format_messages(messages)


@pytest.mark.browser
def test_axe_reports_an_image_without_alt_text(axe_page: Page) -> None:
    serve(axe_page, IMAGE_WITHOUT_ALT)

    violations = serious(run_axe(axe_page))

    assert [v["id"] for v in violations] == ["image-alt"], format_violations(violations)
    assert "image-alt" in format_violations(violations)


@pytest.mark.browser
def test_axe_finds_nothing_on_an_accessible_page(axe_page: Page) -> None:
    serve(axe_page, VALID)

    violations = run_axe(axe_page)

    assert violations == [], format_violations(violations)


@pytest.mark.browser
def test_axe_loads_under_the_apps_csp_only_with_bypass(axe_page: Page, page: Page) -> None:
    csp = {"Content-Security-Policy": "default-src 'self'; script-src 'self'"}
    serve(page, VALID, csp)
    serve(axe_page, VALID, csp)

    with pytest.raises(AxeError, match="bypass_csp"):
        run_axe(page)
    assert run_axe(axe_page) == []


@pytest.mark.browser
def test_dialog_trap_records_alerts_and_xss_marks(page: Page, dialog_trap: DialogTrap) -> None:
    serve(page, SCRIPTED)

    assert dialog_trap.dialogs == ["alert('1')"]
    assert dialog_trap.xss_marks == ["__xss:2"]
    with pytest.raises(AssertionError, match="script executed"):
        dialog_trap.assert_no_execution()


@pytest.mark.browser
def test_dialog_trap_sees_nothing_when_csp_blocks_inline_script(
    page: Page, dialog_trap: DialogTrap
) -> None:
    serve(page, SCRIPTED, {"Content-Security-Policy": "script-src 'self'"})

    dialog_trap.assert_no_execution()
    assert any("Content Security Policy" in line for line in dialog_trap.console)
