"""The static copy's own search (`--search index`): a compact JSON index of the public posts
and a search page whose script (`static/publish/search.js`) looks words up in it.

A folder of files cannot run the live site's full-text search, so the index holds what a
reader recognises a post by (title, address, date, labels, the first lines) and a short list of
the post's other words. It stays small on purpose: the reader's browser downloads all of it
(420 bytes a post on the demo blog, and never much past 600: some 4 to 6 MB for 10,000
posts before the server's gzip; docs/static-export.md, "Search").
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post

ADDRESS = "/search/index.json"
PAGE = "/search"
SNIPPET = 160  # characters of the post's text shown under its title
WORDS = 24  # more of the post's words, found by the search but not shown
WORD = re.compile(r"\w{4,}")
# The live search page for a query that matches nothing: its "no posts" paragraph becomes
# the place the script fills.
NOTHING = "q=broadsheetstaticsearch"
RESULTS = re.compile(r'<p class="status-msg">.*?<p class="no-posts">.*?</p>', re.S)


def index(blog: Blog, now: dt.datetime) -> bytes:
    """The index: one row per public post, newest first, as `[title, url, date, labels,
    snippet, words]`, in JSON without spaces."""
    posts = Post.objects.public(blog, now).select_related(None).prefetch_related("labels")
    rows = [_row(post) for post in posts.only("title", "permalink", "published_at", "text")]
    return json.dumps({"posts": rows}, ensure_ascii=False, separators=(",", ":")).encode()


def _row(post: Post) -> list[object]:
    text = " ".join(post.text.split())
    snippet = text if len(text) <= SNIPPET else text[:SNIPPET].rsplit(" ", 1)[0] + "…"
    shown = {word.lower() for word in WORD.findall(f"{post.title} {snippet}")}
    words: list[str] = []
    for word in WORD.findall(text[len(snippet) :].lower()):
        if word not in shown and word not in words:
            words.append(word)
            if len(words) == WORDS:
                break
    date = post.published_at.date().isoformat() if post.published_at else ""
    labels = sorted(label.name for label in post.labels.all())
    return [post.title, post.permalink, date, labels, snippet, " ".join(words)]


def page(live_search_page: str, origin: str) -> str:
    """The live (empty) search page with the script's results list and form in place of its
    results; readers without JavaScript get a link to the live site's search instead."""
    live = html.escape(f"{origin}/search")
    own = (
        f'<div class="static-search" data-index="{ADDRESS}">'
        '<form class="search-form" role="search" action="/search" method="get">'
        '<label for="static-search-q">Search words</label> '
        '<input type="search" id="static-search-q" name="q" required>'
        ' <button type="submit">Search</button></form>'
        '<p class="status-msg" id="static-search-status" aria-live="polite">'
        f'<noscript>Searching here needs JavaScript: <a href="{live}">search on the live site</a>'
        ', or browse the labels and archive from <a href="/">the home page</a>.</noscript></p>'
        '<ol class="search-results" id="static-search-results"></ol></div>'
    )
    found = RESULTS.sub(lambda _: own, live_search_page, count=1)
    found = found.replace("Search results for broadsheetstaticsearch", "Search")
    script = '<script src="/static/publish/search.js" defer></script>\n</head>'
    return found.replace("</head>", script, 1)
