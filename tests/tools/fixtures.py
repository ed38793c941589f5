"""Pytest plugin: the Nu Html Checker and Chromium fixtures, and the helpers they hand out.

Registered for the whole suite by `pytest_plugins = ["tests.tools.fixtures"]` in
tests/conftest.py, and only there: importing these fixtures into another conftest or test
module as well would define `playwright` twice, and a second sync Playwright in the same
thread fails to start.

Fixtures: `vnu` (session), `playwright` and `browser` (session), `viewport`, `new_page`,
`page` (CSP enforced), `axe_page` (CSP bypassed, for axe) and `dialog_trap`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.tools.vnu import VnuService, shared_service, stop_shared_service

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        Dialog,
        Page,
        Playwright,
    )

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    # CI runs as root, where Chromium's sandbox cannot start; the pages are our own.
    "--no-sandbox",
    "--disable-gpu",
    # Nothing but the page under test may talk to the network (there is none to talk to,
    # and a background request that hangs until a time-out makes tests slow and flaky).
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
DEFAULT_TIMEOUT_MS = 15_000  # fail a stuck test in seconds, not in Playwright's 30 s default

Viewport = tuple[int, int]
PHONE: Viewport = (390, 844)
DESKTOP: Viewport = (1280, 900)

# Runs a test once per viewport: `@both_viewports` on a test that uses `page` or `axe_page`.
both_viewports = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])


# --- the Nu Html Checker -------------------------------------------------------------------


@pytest.fixture(scope="session")
def vnu() -> VnuService:
    """The checker: `vnu.validate(html)` returns the errors (a list of vnu's message dicts)."""
    return shared_service()


def pytest_collection_finish(session: pytest.Session) -> None:
    # The JVM takes seconds to start: launch it now, when a collected test will need it, so
    # that it starts while database set-up and the first tests run. `vnu` then only waits.
    if session.config.option.collectonly:
        return
    if any("vnu" in getattr(item, "fixturenames", ()) for item in session.items):
        shared_service(wait=False)


def pytest_sessionfinish(session: pytest.Session) -> None:
    # Free the JVM's memory as soon as the tests are done (pytest-xdist workers may leave
    # without running atexit handlers; the kernel would still stop it with its parent).
    stop_shared_service()


# --- Chromium ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio event loop in this thread; Django then takes
    # every ORM call from test code for a call from async code and refuses it
    # (SynchronousOnlyOperation). The tests are synchronous code: allow it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless; never a browser downloaded by `playwright install`."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium (or set CHROME_PATH)")
    instance = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield instance
    instance.close()


@pytest.fixture
def viewport() -> Viewport:
    """DESKTOP unless the test is parametrized over `viewport` (see `both_viewports`)."""
    return DESKTOP


@pytest.fixture
def new_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[..., Page]]:
    """Factory: `new_page(viewport=PHONE, bypass_csp=False, **context_options) -> Page`.

    Each page gets its own browser context (cookies, storage), closed after the test. When
    the test failed, every page it opened is saved as a screenshot first.
    """
    contexts = []

    def make(*, viewport: Viewport = DESKTOP, bypass_csp: bool = False, **options: Any) -> Page:
        context = browser.new_context(**_context_options(viewport, bypass_csp, options))
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    # A failed call phase is counted before fixtures are torn down: no report hook needed.
    failed_before = request.session.testsfailed
    yield make
    for number, context in enumerate(contexts):
        if request.session.testsfailed > failed_before:
            for page in context.pages:
                screenshot(page, f"FAILED-{request.node.nodeid}-{number}")
        silence(context)
        context.close()


def silence(context: BrowserContext) -> None:
    """Let no page of `context` reach the server again, then leave each page.

    A page still talks as it goes: the editor autosaves when its tab is hidden, as it is when
    the page is closed. Such a request could land while the test's database is being emptied
    and leave rows behind for the next test; aborted here, it never reaches the live server.
    """
    context.route("**/*", lambda route: route.abort())
    for page in context.pages:
        page.goto("about:blank")


def _context_options(viewport: Viewport, bypass_csp: bool, extra: dict[str, Any]) -> dict[str, Any]:
    width, height = viewport
    # A phone-sized context also behaves as a phone: touch, and <meta name=viewport> honoured
    # (a page without it renders 980 px wide and shrinks, as on a real phone).
    mobile = width < 600
    options: dict[str, Any] = {
        "viewport": {"width": width, "height": height},
        "is_mobile": mobile,
        "has_touch": mobile,
        "bypass_csp": bypass_csp,
        "locale": "en-GB",
        "timezone_id": "UTC",
    }
    options.update(extra)
    return options


@pytest.fixture
def page(new_page: Callable[..., Page], viewport: Viewport) -> Page:
    """A fresh page at `viewport`, the app's Content-Security-Policy enforced."""
    return new_page(viewport=viewport)


@pytest.fixture
def axe_page(new_page: Callable[..., Page], viewport: Viewport) -> Page:
    """A page for `run_axe`: CSP bypassed so that axe's inline script can be injected."""
    return new_page(viewport=viewport, bypass_csp=True)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG as test-artifacts/screenshots/NAME.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") + ".png")
    page.screenshot(path=path, full_page=True)
    return path


# --- catching script execution (XSS) -------------------------------------------------------

# Payloads may prove execution by setting `window.__xss` rather than calling alert(). The
# property forwards every write to the console, which survives navigation, where window
# state does not.
_XSS_MARKER_SCRIPT = """
(() => {
    const marks = [];
    Object.defineProperty(window, "__xss", {
        configurable: false,
        get() { return marks.length ? marks : undefined; },
        set(value) { marks.push(value); console.warn("__xss:" + String(value)); },
    });
})();
"""


@dataclass
class DialogTrap:
    """What scripts did in a page: dialogs opened, console output, `__xss` marks, errors."""

    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    @classmethod
    def attach(cls, page: Page) -> DialogTrap:
        """Watch `page` from its next navigation on (attach before `page.goto`)."""
        trap = cls()
        page.add_init_script(_XSS_MARKER_SCRIPT)
        page.on("dialog", trap._on_dialog)
        page.on("console", trap._on_console)
        page.on("pageerror", lambda error: trap.page_errors.append(str(error)))
        return trap

    @property
    def xss_marks(self) -> list[str]:
        return [line.removeprefix("warning: ") for line in self.console if "__xss:" in line]

    @property
    def executions(self) -> list[str]:
        """Evidence that injected script ran: every dialog and every `__xss` mark."""
        return self.dialogs + self.xss_marks

    def assert_no_execution(self) -> None:
        assert not self.executions, "script executed: " + "; ".join(self.executions)

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}({dialog.message!r})")
        # Dismiss, or the page waits on the dialog for ever.
        dialog.dismiss()

    def _on_console(self, message: ConsoleMessage) -> None:
        self.console.append(f"{message.type}: {message.text}")


def dialog_trap_for(page: Page) -> DialogTrap:
    """Start recording script execution in `page`; call it before navigating."""
    return DialogTrap.attach(page)


@pytest.fixture
def dialog_trap(page: Page) -> DialogTrap:
    """A DialogTrap already watching the `page` fixture."""
    return DialogTrap.attach(page)
