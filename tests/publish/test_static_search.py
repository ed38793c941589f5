"""`broadsheet export static --search index`: the exported search page, served by nginx and
read by Chromium, finds posts in the folder's own index (no live site)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from playwright.sync_api import Page, expect

from broadsheet.demo.loader import load_demo
from broadsheet.posts.models import Post
from tests.publish.test_export_static import LOADED_AT, get, nginx

# Once Chromium's driver (Playwright's sync API) runs, a test's set-up opened a second database
# connection, which a transaction kept open for the module locked out (SQLite: "table is
# locked"): the export is made and rolled back before any test runs, and the tests read only
# what nginx serves.
pytestmark = [pytest.mark.django_db, pytest.mark.browser]
__all__ = ["nginx"]  # the module's nginx serves this module's `built` folder


@pytest.fixture(scope="module")
def built(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[str], Path]:
    """The demo blog exported with `--search index`; the permalinks of its public posts."""
    folder = tmp_path_factory.mktemp("export") / "site"
    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(LOADED_AT, tick=False):
            blog = load_demo()
        with time_machine.travel(LOADED_AT + dt.timedelta(hours=1), tick=False):
            argv = ["--blog", "demo", "-o", str(folder), "--processes", "1", "--search", "index"]
            call_command("export", "static", *argv)
        public = [post.permalink for post in Post.objects.public(blog, LOADED_AT)]
        transaction.set_rollback(True)
    return public, folder


def test_the_index_holds_every_public_post_newest_first(
    built: tuple[list[str], Path], nginx: int
) -> None:
    status, _, body = get(nginx, "/search/index.json")
    assert status == 200 and [row[1] for row in json.loads(body)["posts"]] == built[0]


# Transactional, as the other browser tests: the driver's connection is then closed at the end
# (PostgreSQL otherwise finds it still open when it drops the test database).
@pytest.mark.django_db(transaction=True)
def test_typing_a_word_on_the_exported_search_page_lists_the_post(nginx: int, page: Page) -> None:
    title, permalink = json.loads(get(nginx, "/search/index.json")[2])["posts"][0][:2]
    word = max(re.findall(r"\w+", title), key=len)
    page.goto(f"http://127.0.0.1:{nginx}/search")
    assert "<script>" not in page.content()  # no inline script: the CSP's script-src 'self'
    page.get_by_label("Search words").first.fill(word.lower())
    results = page.locator("#static-search-results")
    expect(results.get_by_role("link", name=title, exact=True)).to_have_attribute("href", permalink)


def test_the_sidebar_search_box_leads_to_the_exported_search_page(nginx: int, vnu: Any) -> None:
    home = get(nginx, "/")[2].decode()
    assert 'action="/search"' in home
    page = get(nginx, "/search?q=frost")[2]
    assert b'data-index="/search/index.json"' in page
    assert vnu.validate(page) == []
