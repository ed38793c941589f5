"""Stats from a real browser: reads through the page cache's real front are counted once per
read, Popular Posts lists the most-read post, and the Stats page draws its charts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.core.handlers.wsgi import WSGIHandler
from playwright.sync_api import Page, expect

from broadsheet.core.pagecache import store
from broadsheet.core.pagecache.front import PageCacheApp
from broadsheet.stats.models import DailyViews
from tests.conftest import MakePost
from tests.stats.conftest import aggregate_now, empty_spool  # noqa: F401 - fixture
from tests.studio.browser_steps import sign_in, with_password
from tests.tools.fixtures import screenshot

# A person's Chrome: headless Chromium names itself HeadlessChrome, which is counted as a bot.
CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


class Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class Threaded(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@pytest.fixture
def front_url(transactional_db: Any) -> Iterator[str]:
    """The app as `broadsheet serve` runs it: Django behind the page cache's front."""
    store.clear()
    app = PageCacheApp(WSGIHandler())
    server = make_server("127.0.0.1", 0, app, server_class=Threaded, handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    store.clear()


def test_reads_are_counted_and_shown_in_stats_and_popular_posts(
    front_url: str, live_server: Any, new_page: Any, make_post: MakePost, author: Any
) -> None:
    beans = make_post("Broad beans", "Sown in autumn, they beat the blackfly.")
    onions = make_post("Onions", "Sets in spring.")
    reader: Page = new_page(user_agent=CHROME)
    for _ in range(3):
        reader.goto(front_url + beans.permalink)  # a miss, then hits
    reader.reload()
    reader.goto(front_url + onions.permalink)
    expect(reader.locator("h1")).to_have_text("Onions")

    aggregate_now()
    assert DailyViews.objects.get(post=beans).views == 4  # three visits and a reload
    assert DailyViews.objects.get(post=onions).views == 1

    store.clear()  # an hour on: the gadget's ranking is made afresh
    reader.goto(front_url + "/")
    gadget = reader.locator(".popular-posts")
    expect(gadget.get_by_role("link").first).to_have_text("Broad beans")

    writer: Page = new_page()
    with_password(author)
    sign_in(writer, live_server.url, author.username)
    writer.goto(live_server.url + "/studio/notes/stats/?period=day")
    charts = writer.locator('svg.chart[role="img"]')
    expect(charts.first).to_be_visible()
    assert charts.count() >= 4
    expect(writer.get_by_role("cell", name="Broad beans")).to_be_visible()
    screenshot(writer, "studio-stats")
