"""Endpoint discovery and sending (webmention/discovery.py, sending.py): the webmention.rocks
discovery tests 1-23, retold as pages on a loopback peer. Each case sends a mention to the
peer's page and checks which of its addresses got the POST."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from broadsheet.webmention.fetching import fetcher
from broadsheet.webmention.sending import deliver
from tests.webmention.conftest import Page, Peer

SOURCE = "https://notes.example/2026/11/a-post.html"
HTML = "text/html; charset=utf-8"


def link(href: str, rel: str = "webmention") -> tuple[str, str]:
    return ("Link", f'<{href}>; rel="{rel}"')


# (case, the target's pages {path: Page}, the path that must receive the POST)
CASES: list[tuple[str, dict[str, Page], str]] = [
    (
        "1 header, unquoted rel, relative",
        {"/t": Page("", headers=[("Link", "</e/1>; rel=webmention")])},
        "/e/1",
    ),
    (
        "2 header, unquoted rel, absolute",
        {"/t": Page("", headers=[("Link", "<{o}/e/2>; rel=webmention")])},
        "/e/2",
    ),
    ("3 <link>, relative", {"/t": Page('<link rel="webmention" href="/e/3">')}, "/e/3"),
    ("4 <link>, absolute", {"/t": Page('<link rel="webmention" href="{o}/e/4">')}, "/e/4"),
    ("5 <a>, relative", {"/t": Page('<a rel="webmention" href="/e/5">e</a>')}, "/e/5"),
    ("6 <a>, absolute", {"/t": Page('<a rel="webmention" href="{o}/e/6">e</a>')}, "/e/6"),
    (
        "7 header, odd casing",
        {"/t": Page("", headers=[("LinK", '</e/7>; REL="WebMention"')])},
        "/e/7",
    ),
    ("8 header, quoted rel", {"/t": Page("", headers=[link("/e/8")])}, "/e/8"),
    ("9 <link>, several rels", {"/t": Page('<link rel="webmention other" href="/e/9">')}, "/e/9"),
    (
        "10 header, several rels",
        {"/t": Page("", headers=[link("/e/10", "other webmention")])},
        "/e/10",
    ),
    (
        "11 header beats <link> and <a>",
        {
            "/t": Page(
                '<link rel="webmention" href="/no"><a rel="webmention" href="/no">x</a>',
                headers=[link("/e/11")],
            )
        },
        "/e/11",
    ),
    (
        "12 rel must match exactly",
        {"/t": Page('<link rel="not-webmention" href="/no"><link rel="webmention" href="/e/12">')},
        "/e/12",
    ),
    (
        "13 not inside a comment",
        {
            "/t": Page(
                '<!-- <link rel="webmention" href="/no"> --><link rel="webmention" href="/e/13">'
            )
        },
        "/e/13",
    ),
    (
        "14 not escaped text",
        {
            "/t": Page(
                '<code>&lt;a rel="webmention" href="/no"&gt;</code><a rel="webmention" href="/e/14">x</a>'
            )
        },
        "/e/14",
    ),
    ("15 empty href is the page", {"/t": Page('<link rel="webmention" href="">')}, "/t"),
    (
        "16 <a> before <link>",
        {"/t": Page('<a rel="webmention" href="/e/16">x</a><link rel="webmention" href="/no">')},
        "/e/16",
    ),
    (
        "17 <link> before <a>",
        {"/t": Page('<link rel="webmention" href="/e/17"><a rel="webmention" href="/no">x</a>')},
        "/e/17",
    ),
    (
        "18 several Link headers",
        {"/t": Page("", headers=[link("/no", "other"), link("/e/18")])},
        "/e/18",
    ),
    (
        "19 one header, several links",
        {"/t": Page("", headers=[("Link", '</no>; rel="other", </e/19>; rel="webmention"')])},
        "/e/19",
    ),
    (
        "20 a <link> with no href is skipped",
        {"/t": Page('<link rel="webmention"><link rel="webmention" href="/e/20">')},
        "/e/20",
    ),
    (
        "21 the endpoint's query stays",
        {"/t": Page('<link rel="webmention" href="/e/21?version=1">')},
        "/e/21?version=1",
    ),
    (
        "22 relative to the page's path",
        {"/t/page": Page('<link rel="webmention" href="e22">')},
        "/t/e22",
    ),
    (
        "23 redirect, then relative",
        {
            "/t": Page("", 302, headers=[("Location", "/moved/t")]),
            "/moved/t": Page('<link rel="webmention" href="e23">'),
        },
        "/moved/e23",
    ),
]


@pytest.mark.parametrize(("pages", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_discovery_finds_the_endpoint_and_posts_there(
    peer: Peer, pages: dict[str, Page], expected: str
) -> None:
    for path, page in pages.items():
        headers = [(name, value.replace("{o}", peer.origin)) for name, value in page.headers]
        peer.pages[path] = Page(page.body.replace("{o}", peer.origin), page.status, HTML, headers)
    target = peer.url(next(iter(pages)))
    endpoint, status = deliver(fetcher(), SOURCE, target)
    assert status == 202 and endpoint == peer.url(expected)
    [(path, body)] = peer.posted
    assert path == expected
    assert parse_qs(body.decode()) == {"source": [SOURCE], "target": [target]}


def test_a_page_naming_no_endpoint_gets_nothing(peer: Peer) -> None:
    peer.pages["/t"] = Page('<link rel="me" href="/e">')
    assert deliver(fetcher(), SOURCE, peer.url("/t")) == ("", None) and not peer.posted


def test_an_endpoint_on_a_private_address_is_refused(peer: Peer) -> None:
    # The page is reachable (the test allows loopback), but the endpoint it names is inside
    # a private network: the guarded fetcher refuses it and nothing is posted anywhere.
    peer.pages["/t"] = Page('<link rel="webmention" href="http://10.0.0.1/e">')
    assert deliver(fetcher(), SOURCE, peer.url("/t")) == ("", None)
