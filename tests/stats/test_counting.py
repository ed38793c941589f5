"""Which requests are counted as reads: people's, once per read; not bots, prefetches,
members, HEADs, or readers who ask not to be tracked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

from broadsheet.posts.models import Page
from broadsheet.stats import fold, spool
from broadsheet.stats.models import DailySource, DailyViews
from tests.conftest import MakePost
from tests.core.pagecache.conftest import Front
from tests.stats.conftest import FIREFOX, IPHONE, READER, aggregate_now, total_views

pytestmark = pytest.mark.django_db


def test_each_read_of_a_post_is_counted_once_whether_rendered_or_cached(
    front: Front, make_post: MakePost
) -> None:
    post = make_post("Broad beans")
    for _ in range(3):  # a miss, then two hits
        assert front.get(post.permalink, **READER).status == 200
    assert aggregate_now() == 3
    row = DailyViews.objects.get(post=post)
    assert row.views == 3


def test_a_revalidated_page_is_a_read_too(front: Front, make_post: MakePost) -> None:
    post = make_post()
    etag = front.get(post.permalink, **READER).headers["ETag"]
    assert front.get(post.permalink, if_none_match=etag, **READER).status == 304
    assert aggregate_now() == 2


def test_home_and_static_pages_are_counted_and_listings_are_not(
    front: Front, make_post: MakePost, blog: object, author: User
) -> None:
    make_post(labels=("garden",))
    Page.objects.create(
        blog=blog, author=author, title="About", slug="about", status=Page.Status.PUBLISHED
    )
    for path in ("/", "/p/about.html", "/search/label/garden", "/feeds/posts/default", "/2024/"):
        front.get(path, **READER)
    aggregate_now()
    counted = {(row.post_id, row.page_id is not None) for row in DailyViews.objects.all()}
    assert counted == {(None, False), (None, True)}


@pytest.mark.parametrize(
    "headers",
    [
        {**READER, "user_agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"},
        {**READER, "user_agent": "curl/8.5.0"},
        {**READER, "user_agent": ""},
        {"user_agent": READER["user_agent"]},  # no Accept-Language: no browser
        {**READER, "sec_purpose": "prefetch;prerender"},
        {**READER, "purpose": "prefetch"},
        {**READER, "x_moz": "prefetch"},
        {**READER, "sec_fetch_dest": "iframe"},
        {**READER, "dnt": "1"},
        {**READER, "sec_gpc": "1"},
    ],
    ids=[
        "googlebot",
        "curl",
        "no-agent",
        "no-language",
        "sec-purpose",
        "purpose",
        "x-moz",
        "iframe",
        "dnt",
        "gpc",
    ],
)
def test_bots_prefetches_and_readers_who_opt_out_are_not_counted(
    front: Front, make_post: MakePost, headers: dict[str, str]
) -> None:
    post = make_post()
    front.get(post.permalink, **READER)  # warm the cache: the next one is a hit
    front.get(post.permalink, **headers)
    assert aggregate_now() == 1


def test_head_requests_are_not_reads(front: Front, make_post: MakePost) -> None:
    post = make_post()
    front.get(post.permalink, method="HEAD", **READER)
    front.get(post.permalink, **READER)
    front.get(post.permalink, method="HEAD", **READER)
    assert aggregate_now() == 1


def test_members_with_a_session_are_never_counted(
    front: Front, make_post: MakePost, author: User
) -> None:
    post = make_post()
    client = Client()
    client.force_login(author)
    session = client.cookies["sessionid"].value
    front.get(post.permalink, cookie=f"sessionid={session}", **READER)
    front.get(post.permalink, **READER)
    front.get(post.permalink, cookie=f"sessionid={session}", **READER)
    assert aggregate_now() == 1


def test_the_referring_site_search_words_device_and_browser_are_kept(
    front: Front, make_post: MakePost
) -> None:
    post = make_post()
    front.get(post.permalink, referer="https://www.example.org/links?id=4", **READER)
    front.get(post.permalink, referer="https://yandex.ru/search/?text=Forced+Rhubarb", **READER)
    front.get(
        post.permalink,
        referer="http://testserver/search?q=Rhubarb",
        user_agent=IPHONE,
        accept_language="fr",
    )
    aggregate_now()
    kept = {(row.kind, row.value): row.views for row in DailySource.objects.all()}
    assert kept[("referrer", "example.org")] == 1
    assert kept[("referrer", "yandex.ru")] == 1
    assert kept[("search", "forced rhubarb")] == 1
    assert kept[("search", "rhubarb")] == 1  # searched on the blog itself
    assert kept[("device", "phone")] == 1 and kept[("device", "desktop")] == 2
    assert kept[("browser", "Safari")] == 1 and kept[("browser", "Firefox")] == 2
    assert ("referrer", "testserver") not in kept


def test_no_address_is_spooled_and_nothing_is_left_once_aggregated(
    front: Front, make_post: MakePost
) -> None:
    post = make_post()
    front.get(post.permalink, x_forwarded_for="203.0.113.9", **READER)
    spool.flush()
    spooled = "".join(path.read_text() for path in spool.folder().iterdir())
    assert post.permalink in spooled and "203.0.113.9" not in spooled
    aggregate_now()
    assert not any(spool.folder().iterdir())
    assert total_views() == 1


@pytest.mark.parametrize("forged", ["\t/2020/01/other.html", "\n1\t1\t/\t\t\t", "\r\x85\x00"])
def test_a_header_cannot_forge_a_view_or_a_field(
    front: Front, make_post: MakePost, forged: str
) -> None:
    post = make_post()
    headers = {**READER, "user_agent": READER["user_agent"] + forged}
    front.get(post.permalink, referer=f"https://example.org/{forged}", **headers)
    spool.flush()
    lines = "".join(path.read_text() for path in spool.folder().iterdir()).split("\n")[:-1]
    assert len(lines) == 1 and lines[0].count("\t") == 5
    assert lines[0].split("\t")[2] == post.permalink
    assert aggregate_now() == 1
    assert DailyViews.objects.get(post=post).views == 1


def test_a_page_read_many_times_in_a_second_is_one_line_with_its_count(
    front: Front, make_post: MakePost
) -> None:
    post = make_post("Leeks")
    for _ in range(50):
        assert front.get(post.permalink, **READER).status == 200
    spool.flush()
    lines = [line for path in spool.folder().iterdir() for line in path.read_text().splitlines()]
    assert 1 <= len(lines) <= 2  # the reads may straddle the turn of a second
    assert aggregate_now() == 50


def test_counted_lines_are_read_with_their_counts_and_garbled_ones_dropped() -> None:
    day = dt.date(2026, 12, 2)
    googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    lines = [
        f"1796170739x4\t1\t/a.html\t\t\t{FIREFOX}\n",
        f"1796170739x5\t1\t/a.html\t\t\t{googlebot}\n",
        f"1796170739xz\t1\t/a.html\t\t\t{FIREFOX}\n",
        f"1796170739x0\t1\t/a.html\t\t\t{FIREFOX}\n",
        f"1796170740\t1\t/a.html\t\t\t{FIREFOX}\n",
    ]
    counted = fold.tally(lines, lambda blog, minute: day, recent_from=10**9)
    assert counted.daily == {(1, "/a.html", day): 5} and counted.bots == 5


def test_nginx_s_lines_are_read_with_absent_headers_and_long_ones_cut() -> None:
    """nginx writes the reads it answers from files itself (ops.nginx): an absent header is
    "-", and a header is whole, however long."""
    day = dt.date(2026, 12, 2)
    long_agent = FIREFOX + " x" * 5000
    lines = [f"1796170739\t1\t/a.html\t-\tlocalhost\t{FIREFOX}\n"]
    lines.append(
        f"1796170740\t1\t/a.html\thttps://{'w' * 9000}.example/\tlocalhost\t{long_agent}\n"
    )
    counted = fold.tally(lines, lambda blog, minute: day, recent_from=10**9)
    assert counted.daily == {(1, "/a.html", day): 2}
    assert not [
        value for (_, _, kind, value) in counted.sources if kind == "referrer" and value == "-"
    ]
    assert all(len(value) <= fold.MAX_FIELD for (_, _, _, value) in counted.sources)


def test_nginx_s_files_are_claimed_once_their_hundred_seconds_are_settled(tmp_path: Path) -> None:
    with override_settings(DATA_DIR=tmp_path):
        spool.folder().mkdir(parents=True)
        now = 1_796_170_739.0
        bucket = int(now // spool.NGINX_BUCKET_SECONDS)
        for age in (0, 1, 2, 3):
            (spool.folder() / f"{spool.NGINX_PREFIX}{bucket - age}{spool.SUFFIX}").write_text("")
        claimed = sorted(path.name.split(".")[0] for path in spool.claim_files(now))
    assert claimed == [f"n{bucket - 3}", f"n{bucket - 2}"]
