"""Pages full of corpus payloads, loaded in Chromium: no script runs, no dialog opens.

Hundreds of payloads per page (post titles and bodies in HTML and in Markdown, labels, comment
names, URLs and text, the blog's description and comment-form message, and a studio list that
an admin opens), each page loaded twice: once with the app's Content-Security-Policy enforced,
as readers get it, and once with the policy switched off, which proves that the sanitiser and
the templates hold on their own. `DialogTrap` records alert/confirm/prompt dialogs, the
`window.__xss` marker and page errors; every element then gets the events a reader's mouse
and keyboard would send, so payloads that wait for a hover or a focus get their chance.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from broadsheet.blogs.models import Membership
from broadsheet.posts.models import Post
from tests.security.corpus import one_line, payloads
from tests.security.hostile_site import (
    HTML,
    MARKDOWN,
    CommentSpec,
    PostSpec,
    add_posts,
    host,
    make_blog,
    make_user,
)
from tests.tools.fixtures import DialogTrap

pytestmark = pytest.mark.django_db(transaction=True)

PER_PAGE = 100
TEXTS = [payload.text for payload in payloads()]


def spread(count: int, offset: int = 0) -> list[str]:
    """`count` payloads spread over the whole corpus (every source file gets a turn)."""
    step = max(1, len(TEXTS) // count)
    return TEXTS[offset::step][:count]


@pytest.fixture
def hostile(live_server: Any) -> dict[str, Any]:
    admin = make_user("grace")
    blog = make_blog(
        "hostile",
        is_default=True,
        description="\n".join(spread(60, 5)),
        comment_form_message="\n".join(spread(60, 7)),
    )
    Membership.objects.create(blog=blog, user=admin, role=Membership.Role.ADMIN)
    specs = [PostSpec(t, t, HTML, labels=(one_line(t)[:200],)) for t in spread(PER_PAGE)]
    specs += [PostSpec(t, t, MARKDOWN) for t in spread(PER_PAGE, 3)]
    comments = tuple(CommentSpec(t[:200], t[:500], t) for t in spread(200, 1))
    specs.append(PostSpec("Commented", "Plain words.", comments=comments))
    posts = add_posts(blog, admin, specs)
    signed_in = Client()
    signed_in.force_login(admin)
    return {
        "blog": blog,
        "commented": posts[-1],
        "session": signed_in.cookies[settings.SESSION_COOKIE_NAME].value,
    }


# What a reader's mouse and keyboard would do to every element: payloads waiting for a hover,
# a focus or a key get their chance (a click would follow links away, so none is sent).
POKE = """
() => {
    const kinds = ["mouseover", "mouseenter", "mousemove", "mousedown", "mouseup",
                   "pointerover", "pointerenter", "focus", "focusin", "keydown", "input"];
    for (const element of document.querySelectorAll("*")) {
        for (const kind of kinds) {
            element.dispatchEvent(new Event(kind, { bubbles: true }));
        }
        if (typeof element.focus === "function") { element.focus(); }
    }
}
"""


def visit(page: Page, url: str) -> DialogTrap:
    trap = DialogTrap.attach(page)
    page.goto(url, wait_until="domcontentloaded")
    # Images of payloads point at hosts that do not exist; most fail at once, but a name the
    # resolver sits on would hold the load event for minutes: give them a few seconds.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_load_state("load", timeout=3000)
    page.evaluate(POKE)
    for _ in range(10):
        page.keyboard.press("Tab")
    page.mouse.move(200, 200)
    page.wait_for_timeout(300)
    return trap


def check_everywhere(
    new_page: Callable[..., Page], url: str, cookies: list[dict[str, Any]]
) -> None:
    for bypass_csp in (False, True):
        page = new_page(bypass_csp=bypass_csp)
        if cookies:
            page.context.add_cookies(cookies)
        trap = visit(page, url)
        where = f"{url} ({'no policy' if bypass_csp else 'policy on'})"
        assert not trap.executions, f"{where}: script executed: {trap.executions}"
        assert not trap.page_errors, f"{where}: page errors: {trap.page_errors}"


@pytest.mark.parametrize(
    "page_name",
    [
        "home: 100 HTML bodies, titles, labels",
        "older: 100 Markdown bodies",
        "200 comments",
        "studio post list",
    ],
)
def test_no_payload_runs_in_the_browser(
    new_page: Callable[..., Page], live_server: Any, hostile: dict[str, Any], page_name: str
) -> None:
    base = live_server.url
    blog = hostile["blog"]
    oldest_html = Post.objects.filter(blog=blog, title=spread(PER_PAGE)[-1]).first()
    assert oldest_html is not None
    urls = {
        "home: 100 HTML bodies, titles, labels": f"{base}/?max-results={PER_PAGE + 1}",
        "older: 100 Markdown bodies": f"{base}/search?max-results={PER_PAGE}&updated-max="
        + oldest_html.published_at.isoformat().replace("+00:00", "Z"),
        "200 comments": base + hostile["commented"].permalink,
        "studio post list": f"{base}/studio/{blog.slug}/posts/",
    }
    cookies = []
    if page_name.startswith("studio"):
        cookies = [{"name": settings.SESSION_COOKIE_NAME, "value": hostile["session"], "url": base}]
    assert host(blog)  # the blog is also the default one, served at the live server's address
    check_everywhere(new_page, urls[page_name], cookies)


def test_the_trap_catches_a_payload_that_does_run(new_page: Callable[..., Page]) -> None:
    """The control: the same visit to an unsanitised page records the execution."""
    page = new_page(bypass_csp=True)
    trap = DialogTrap.attach(page)
    page.set_content('<p onmouseover="alert(1)">x</p>')
    page.evaluate(POKE)
    page.wait_for_timeout(300)
    assert trap.executions == ["alert('1')"], trap.executions
