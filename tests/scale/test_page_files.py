"""nginx serving published pages as files, configured by `broadsheet nginxconf`, in front of
`broadsheet serve` with BROADSHEET_PAGE_MIRROR_DIR (docs/deploy.md, docs/caching.md).

Real nginx and a real `broadsheet serve` on loopback, on the suite's kind of database. A page
nginx answers from a file must be the app's page with the app's headers; everything a file
must not answer (members, queries, API clients, a fediverse server asking a post's address for
its ActivityPub object) reaches the app; and a write, through the app or by a third process,
is on the very next reader's page.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.faults.server import free_port
from tests.scale.processes import (
    BIN,
    BROWSER_ENCODINGS,
    PUBLISH,
    READER,
    SETUP,
    Answer,
    clean_env,
    fetch,
    nginx_main,
    post_comment,
    python,
    start,
    stop,
    wait_for,
)

AGGREGATE_LATER = """
import datetime as dt, json, sys, django
django.setup()
from django.db.models import Sum
from django.utils import timezone
from broadsheet.stats import actions
from broadsheet.stats.models import DailySource, DailyViews
actions.aggregate(timezone.now() + dt.timedelta(hours=1))  # every spool file settled
views = DailyViews.objects.filter(post_id=int(sys.argv[1])).aggregate(n=Sum("views"))["n"]
sources = sorted(DailySource.objects.values_list("kind", "value").distinct())
print(json.dumps({"views": views, "sources": sources}))
"""

FRESH_TOKEN = """
import time, django
django.setup()
from broadsheet.comments.defences import issue_token
print(issue_token(%d, now=time.time() - 60))
"""

# Headers that describe one answer or one connection, not the page: nginx and the app each
# send their own (nginx's ETag is the file's size and time, the app's the body's hash).
PER_ANSWER = {"date", "server", "connection", "keep-alive", "content-length", "etag"}
PER_ANSWER |= {"last-modified", "accept-ranges", "transfer-encoding", "content-encoding"}


@dataclass
class Site:
    front: int
    app: int
    facts: dict[str, object]
    env: dict[str, str]
    mirror: Path
    children: list[subprocess.Popen[bytes]] = field(default_factory=list)


def with_file_cache(site_conf: str) -> str:
    """An operator's own nginx.conf may cache open files for every site: the site's pages
    must still change at once after a write."""
    return "  open_file_cache max=1000 inactive=60s;\n  open_file_cache_valid 60s;\n" + site_conf


def nginxconf(env: dict[str, str], front: int, app: int) -> str:
    argv = [str(BIN / "broadsheet"), "nginxconf", "--listen", f"127.0.0.1:{front}"]
    argv += ["--app", f"127.0.0.1:{app}", "--server-name", "localhost"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, database_url: str) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("pagefiles")
    mirror = folder / "pages"
    env = clean_env(
        folder,
        database_url,
        BROADSHEET_PAGE_MIRROR_DIR=str(mirror),
        BROADSHEET_BEHIND_PROXY="true",
        BROADSHEET_SERVE_MEDIA="false",
    )
    facts = json.loads(python(SETUP, env))
    made = Site(free_port(), free_port(), facts, env, mirror)
    try:
        serve = [str(BIN / "broadsheet"), "serve", "--port", str(made.app), "--workers", "1"]
        made.children.append(start([*serve, "--no-worker"], env, folder / "app.log"))
        conf = nginx_main(folder, with_file_cache(nginxconf(env, made.front, made.app)))
        nginx = ["nginx", "-p", str(folder), "-c", str(conf), "-e", str(folder / "error.log")]
        made.children.append(start(nginx, env, folder / "nginx.log"))
        wait_for(made.app, made.children[0], folder / "app.log")
        wait_for(made.front, made.children[1], folder / "error.log")
        yield made
    finally:
        for child in made.children:
            stop(child)


# Older Posts from a moment after every post, one a page, in the pager's form.
FAR_AHEAD = "updated-max=2100-01-01T00%3A00%3A00%2B00%3A00&max-results=1"


def archive_older(permalink: str) -> str:
    """Older Posts of the post's month, from a moment after it."""
    return permalink.rsplit("/", 1)[0] + "/?" + FAR_AHEAD


NGINX_ETAG = re.compile(r'(W/)?"[0-9a-f]+-[0-9a-f]+"')


def from_file(answer: Answer) -> bool:
    """nginx answered from a page file: its ETag is the file's time and size ("5f3a-9c1e",
    weak once gzipped), where the app's is a hash of the body."""
    return NGINX_ETAG.fullmatch(answer.headers.get("etag", "")) is not None


def from_gzipped_copy(answer: Answer) -> bool:
    """nginx sent the file's gzipped copy as it lies on disk: a strong ETag (the copy's time
    and size) and its length, where gzipping the file on the way out makes the ETag weak and
    sends it in chunks."""
    etag = answer.headers.get("etag", "")
    return (
        answer.headers.get("content-encoding") == "gzip"
        and from_file(answer)
        and not etag.startswith("W/")
        and "content-length" in answer.headers
    )


def varies_on(answer: Answer) -> list[str]:
    return [name.strip() for name in answer.headers.get("vary", "").split(",") if name.strip()]


PAGES = [
    "post",
    "/",
    "/search/label/Seed%20saving",  # a file's name with a space in it
    "/search/label/K%C3%BCche",
    "/search?q=leeks",
    "/search?q=leeks+in+rows",
    # Older and Newer Posts, as the pager writes them: home's, a label's, an archive's.
    "/search?" + FAR_AHEAD,
    "/search/label/Seed%20saving?" + FAR_AHEAD,
    "/search/label/K%C3%BCche?updated-min=2000-01-01T00%3A00%3A00-07%3A00&max-results=5",
    "archive",
    "/feeds/posts/default",
    "/rss.xml",
    "/feed.json",
    "/robots.txt",
    "/sitemap.xml",
]


def address(site: Site, page: str) -> str:
    permalink = str(site.facts["permalink"])
    return {"post": permalink, "archive": archive_older(permalink)}.get(page, page)


@pytest.mark.parametrize("page", PAGES)
def test_a_reader_gets_the_app_s_answer_and_headers_from_the_file(site: Site, page: str) -> None:
    path = address(site, page)
    direct = fetch(site.app, path)
    assert direct.status == 200 and not from_file(direct)
    served = fetch(site.front, path)
    assert served.status == 200 and from_file(served)  # the miss above wrote the file
    assert served.text == direct.text
    assert "content-encoding" not in served.headers  # asked without Accept-Encoding
    same = {name: value for name, value in direct.headers.items() if name not in PER_ANSWER}
    same.pop("vary", None)  # nginx's says Accept-Encoding too, after the app's
    assert varies_on(served) == [*varies_on(direct), "Accept-Encoding"]
    assert "content-security-policy" in same and "frame-src" in same["content-security-policy"]
    assert {name: served.headers.get(name) for name in same} == same
    if "last-modified" in direct.headers:  # a feed dates itself by its newest entry
        assert served.headers["last-modified"] == direct.headers["last-modified"]


@pytest.mark.parametrize("page", PAGES)
def test_a_browser_gets_the_file_s_gzipped_copy(site: Site, page: str) -> None:
    """Every browser accepts gzip: nginx sends the copy gzipped once when the file was
    written, with the plain file's headers and date, not the file gzipped afresh."""
    path = address(site, page)
    fetch(site.app, path)
    plain = fetch(site.front, path)
    packed = fetch(site.front, path, **BROWSER_ENCODINGS)
    assert packed.status == 200 and from_gzipped_copy(packed), packed.headers
    assert packed.text == plain.text
    assert int(packed.headers["content-length"]) < len(plain.text.encode())
    same = {name: value for name, value in plain.headers.items() if name not in PER_ANSWER}
    assert {name: packed.headers.get(name) for name in same} == same
    assert packed.headers["last-modified"] == plain.headers["last-modified"]
    assert packed.headers["etag"] != plain.headers["etag"]  # another body, another tag


def test_conditional_and_head_requests_are_answered_from_the_file(site: Site) -> None:
    permalink = str(site.facts["permalink"])
    fetch(site.app, permalink)
    served = fetch(site.front, permalink)
    again = fetch(site.front, permalink, If_None_Match=served.headers["etag"])
    assert again.status == 304 and again.text == ""
    assert again.headers["cache-control"] == served.headers["cache-control"]
    head = fetch(site.front, permalink, method="HEAD")
    assert head.status == 200 and head.text == "" and from_file(head)
    packed = fetch(site.front, permalink, **BROWSER_ENCODINGS)
    again = fetch(site.front, permalink, If_None_Match=packed.headers["etag"], **BROWSER_ENCODINGS)
    assert again.status == 304 and again.text == "" and "Accept-Encoding" in varies_on(again)
    head = fetch(site.front, permalink, method="HEAD", **BROWSER_ENCODINGS)
    assert head.status == 200 and head.text == "" and from_gzipped_copy(head)
    assert head.headers["content-length"] == packed.headers["content-length"]


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("", {"Cookie": "theme=dark; sessionid=not-a-session"}),
        ("", {"Authorization": "Bearer not-a-token"}),
        ("?m=1", {}),
    ],
    ids=["member", "api client", "query"],
)
def test_members_api_clients_and_queries_reach_the_app(
    site: Site, query: str, headers: dict[str, str]
) -> None:
    permalink = str(site.facts["permalink"])
    fetch(site.app, permalink)
    assert from_file(fetch(site.front, permalink))
    answer = fetch(site.front, permalink + query, **headers)
    assert answer.status in (200, 401, 403) and not from_file(answer)


@pytest.mark.parametrize(
    "page",
    [
        "/search?" + FAR_AHEAD + "&m=1",  # more than the pager writes
        "/search?max-results=1&updated-max=2100-01-01T00%3A00%3A00%2B00%3A00",  # its order
        "/?" + FAR_AHEAD,  # the home page's own address: a listing the app answers
        "post",
    ],
)
def test_other_listing_queries_reach_the_app(site: Site, page: str) -> None:
    permalink = str(site.facts["permalink"])
    fetch(site.app, "/search?" + FAR_AHEAD)
    assert from_file(fetch(site.front, "/search?" + FAR_AHEAD))
    path = permalink + "?" + FAR_AHEAD if page == "post" else page
    direct = fetch(site.app, path)
    answer = fetch(site.front, path)
    assert answer.status == direct.status == 200 and not from_file(answer)


@pytest.mark.parametrize("query", ["?q=leeks&max-results=1", "?q=leeks&m=1", "?q=leeks&q=kale"])
def test_searches_with_more_than_words_reach_the_app(site: Site, query: str) -> None:
    fetch(site.app, "/search?q=leeks")
    assert from_file(fetch(site.front, "/search?q=leeks"))
    answer = fetch(site.front, "/search" + query)
    assert answer.status == 200 and not from_file(answer)


def test_a_fediverse_server_gets_the_post_s_object_not_the_file(site: Site) -> None:
    permalink = str(site.facts["permalink"])
    fetch(site.app, permalink)
    assert from_file(fetch(site.front, permalink))
    accept = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
    answer = fetch(site.front, permalink, Accept=accept)
    assert answer.status == 200 and answer.headers["content-type"].startswith(
        "application/activity+json"
    )
    assert json.loads(answer.text)["type"] == "Article"


def test_a_comment_is_on_the_next_reader_s_page(site: Site) -> None:
    """nginx keeps page files open (ops.nginx's open_file_cache): however often the page
    was read before the write, the next reader gets the new one, then its file."""
    permalink = str(site.facts["permalink"])
    fetch(site.app, permalink)
    for _ in range(4):  # each nginx worker has the file open
        assert from_file(fetch(site.front, permalink))
    for _ in range(4):  # and its gzipped copy
        assert from_gzipped_copy(fetch(site.front, permalink, **BROWSER_ENCODINGS))
    posted = post_comment(site.front, site.facts, "The leeks bolted in June.")
    assert posted.status == 302
    after = fetch(site.front, permalink, **BROWSER_ENCODINGS)
    assert "The leeks bolted in June." in after.text and not from_file(after)
    for _ in range(4):
        again = fetch(site.front, permalink)
        assert "The leeks bolted in June." in again.text and from_file(again)
        again = fetch(site.front, permalink, **BROWSER_ENCODINGS)
        assert "The leeks bolted in June." in again.text and from_gzipped_copy(again)


def test_chromium_reads_the_gzipped_copy_and_the_next_comment_at_once(
    site: Site, new_page: Callable[..., Page]
) -> None:
    """The way a reader comes: Chromium asks as it always does, nginx sends the page's
    gzipped copy, and the page reads as the app wrote it; after a comment, the next reader
    sees it, and the reader after that gets the new page's copy. Each reader is a new
    browser context, with nothing cached."""
    permalink = str(site.facts["permalink"])
    url = f"http://localhost:{site.front}{permalink}"

    def read() -> tuple[Page, dict[str, str]]:
        reader = new_page()
        answer = reader.goto(url)
        assert answer is not None and answer.status == 200
        assert "gzip" in answer.request.all_headers()["accept-encoding"]
        return reader, answer.all_headers()

    fetch(site.app, permalink)  # the file and its copy, as the app keeps them
    reader, headers = read()
    assert headers["content-encoding"] == "gzip" and not headers["etag"].startswith("W/")
    expect(reader.locator("h1.post-title")).to_have_text("Leeks")
    # A token of its own: the set-up's was spent by the comment of the test before.
    facts = {**site.facts, "token": python(FRESH_TOKEN % site.facts["post"], site.env).strip()}
    assert post_comment(site.front, facts, "Chromium saw this one.").status == 302
    reader, headers = read()
    expect(reader.get_by_text("Chromium saw this one.")).to_be_visible()
    assert headers["etag"].startswith("W/")  # the app's answer, gzipped by nginx on the way
    reader, headers = read()
    expect(reader.get_by_text("Chromium saw this one.")).to_be_visible()
    assert headers["content-encoding"] == "gzip" and not headers["etag"].startswith("W/")


def test_a_post_published_by_another_process_is_on_the_next_reader_s_page(site: Site) -> None:
    fetch(site.front, "/")
    assert from_file(fetch(site.front, "/"))
    assert from_gzipped_copy(fetch(site.front, "/", **BROWSER_ENCODINGS))
    python(PUBLISH, site.env)
    for _ in range(2):  # the app's answer, then the new file's
        page = fetch(site.front, "/", **BROWSER_ENCODINGS)
        assert page.status == 200 and "Published elsewhere" in page.text
    assert from_gzipped_copy(page)


def test_reads_nginx_answers_from_files_are_counted_as_the_app_counts_its_own(
    site: Site,
) -> None:
    permalink = str(site.facts["permalink"])
    fetch(site.app, permalink)  # no browser's headers: not a read
    for headers in (READER, READER, {**READER, "Referer": "https://duckduckgo.com/"}):
        assert from_gzipped_copy(fetch(site.front, permalink, **headers))
    for not_a_read in ({"DNT": "1"}, {"Sec_Purpose": "prefetch"}, {"Sec_Fetch_Dest": "iframe"}):
        assert from_file(fetch(site.front, permalink, **{**READER, **not_a_read}))
    assert from_file(fetch(site.front, permalink, User_Agent="curl/8.5.0"))  # no languages
    spooled = list((Path(site.env["BROADSHEET_DATA_DIR"]) / "stats" / "spool").glob("n*.log"))
    assert spooled, "nginx wrote no read into the stats spool"
    argv = [sys.executable, "-c", AGGREGATE_LATER, str(site.facts["post"])]
    done = subprocess.run(argv, env=site.env, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr[-3000:]
    counted = json.loads(done.stdout.strip().splitlines()[-1])
    assert counted["views"] == 3
    assert ["referrer", "duckduckgo.com"] in counted["sources"]
    assert ["browser", "Chrome"] in counted["sources"]
    assert not [kind for kind, value in counted["sources"] if value == "-"]
