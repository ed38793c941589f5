"""The posts feed at Blogger's addresses: formats, paging, ordering, who sees what, ids."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.utils.http import http_date

from broadsheet.blogs.models import Blog, Profile
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post
from tests.conftest import NOON, MakeComment, MakePost
from tests.feeds.conftest import ORIGIN, ManyPosts, entries_titles, hours
from tests.feeds.rules import THR, A, parse_xml, read_feed, read_jsonfeed

pytestmark = pytest.mark.django_db


def test_atom_feed_lists_public_posts_newest_first(client: Client, make_post: MakePost) -> None:
    post = make_post("Frost on the kale", labels=("Garden", "Winter"))
    make_post("Last week", published_at=NOON - hours(24 * 7))
    response = client.get("/feeds/posts/default")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = read_feed(response)
    assert feed.version == "atom10"
    assert feed.feed.title == "Field Notes"
    assert feed.feed.subtitle == "Small observations, written down."
    assert feed.feed.link == ORIGIN + "/"
    assert entries_titles(feed) == ["Frost on the kale", "Last week"]
    entry = feed.entries[0]
    assert entry.link == ORIGIN + post.permalink
    assert entry.id == f"tag:localhost,2024:{post.permalink}"
    assert entry.author == "Ada Byron"
    assert entry.published == "2024-10-20T05:00:00-07:00"  # the blog's own time zone
    assert [tag.term for tag in entry.tags] == ["Garden", "Winter"]


@pytest.mark.parametrize(
    ("path", "version", "content_type"),
    [
        ("/feeds/posts/default?alt=rss", "rss20", "application/rss+xml"),
        ("/rss.xml", "rss20", "application/rss+xml"),
        ("/atom.xml", "atom10", "application/atom+xml"),
        ("/feeds/posts/default?alt=atom", "atom10", "application/atom+xml"),
        ("/feeds/posts/full", "atom10", "application/atom+xml"),
        ("/feeds/posts/default/", "atom10", "application/atom+xml"),
        ("/feeds/posts/default/?alt=rss&redirect=false", "rss20", "application/rss+xml"),
    ],
)
def test_blogger_addresses_and_aliases(
    client: Client, make_post: MakePost, path: str, version: str, content_type: str
) -> None:
    make_post("Frost on the kale")
    response = client.get(path)
    assert response["Content-Type"] == f"{content_type}; charset=utf-8"
    feed = read_feed(response)
    assert feed.version == version
    assert entries_titles(feed) == ["Frost on the kale"]


def test_rss_items_carry_guid_author_categories_and_comments(
    client: Client, make_post: MakePost, make_comment: MakeComment
) -> None:
    post = make_post("Frost on the kale", labels=("Garden",))
    make_comment(post)
    feed = read_feed(client.get("/feeds/posts/default?alt=rss"))
    item = feed.entries[0]
    assert item.id == f"tag:localhost,2024:{post.permalink}"
    assert item.guidislink is False
    assert item.author == "Ada Byron"
    assert item.comments == f"{ORIGIN}{post.permalink}#comments"
    assert item.published == "Sun, 20 Oct 2024 05:00:00 -0700"
    assert [tag.term for tag in item.tags] == ["Garden"]
    channel = parse_xml(client.get("/rss.xml").content).find("channel")
    assert channel is not None
    assert channel.findtext(f"item/{THR}total") == "1"


def test_entries_link_to_their_comments_with_counts(
    client: Client, make_post: MakePost, make_comment: MakeComment
) -> None:
    post = make_post()
    make_comment(post)
    make_comment(post)
    make_comment(post, status="pending")
    entry = parse_xml(client.get("/feeds/posts/default").content).find(f"{A}entry")
    assert entry is not None
    assert entry.findtext(f"{THR}total") == "2"
    replies = [link.attrib for link in entry.findall(f"{A}link") if link.get("rel") == "replies"]
    assert [(link["type"], link["href"], link[f"{THR}count"]) for link in replies] == [
        ("application/atom+xml", f"{ORIGIN}/feeds/{post.pk}/comments/default", "2"),
        ("text/html", f"{ORIGIN}{post.permalink}#comments", "2"),
    ]


def test_max_results_and_start_index_page_through(client: Client, many_posts: ManyPosts) -> None:
    many_posts(5)
    first = read_feed(client.get("/feeds/posts/default?max-results=2"))
    assert entries_titles(first) == ["Diary 0", "Diary 1"]
    assert first.feed.opensearch_totalresults == "5"
    next_links = [link.href for link in first.feed.links if link.rel == "next"]
    assert next_links == [f"{ORIGIN}/feeds/posts/default?max-results=2&start-index=3"]
    second = read_feed(client.get(next_links[0].removeprefix(ORIGIN)))
    assert entries_titles(second) == ["Diary 2", "Diary 3"]
    last = read_feed(client.get("/feeds/posts/default?max-results=2&start-index=5"))
    assert entries_titles(last) == ["Diary 4"]
    assert not [link for link in last.feed.links if link.rel == "next"]
    beyond = read_feed(client.get("/feeds/posts/default?start-index=99"))
    assert beyond.entries == []


def test_default_is_25_results(client: Client, many_posts: ManyPosts) -> None:
    many_posts(27)
    assert len(read_feed(client.get("/feeds/posts/default")).entries) == 25
    assert len(read_feed(client.get("/feeds/posts/default?max-results=26")).entries) == 26


@pytest.mark.parametrize(
    "query",
    ["max-results=lots", "max-results=-3", "max-results=²", "start-index=0", "start-index=x"],
)
def test_unreadable_numbers_fall_back_to_defaults(
    client: Client, many_posts: ManyPosts, query: str
) -> None:
    many_posts(27)
    feed = read_feed(client.get(f"/feeds/posts/default?{query}"))
    assert entries_titles(feed)[:2] == ["Diary 0", "Diary 1"]
    assert len(feed.entries) == 25


def test_orderby_updated_puts_the_latest_edit_first(client: Client, make_post: MakePost) -> None:
    old = make_post("Old post", published_at=NOON - hours(48))
    make_post("New post")
    old.source = "Revised."
    save_post(old, now=NOON + hours(3))
    by_default = read_feed(client.get("/feeds/posts/default"))
    assert entries_titles(by_default) == ["New post", "Old post"]
    by_published = read_feed(client.get("/feeds/posts/default?orderby=published"))
    assert entries_titles(by_published) == ["New post", "Old post"]
    by_updated = read_feed(client.get("/feeds/posts/default?orderby=updated"))
    assert entries_titles(by_updated) == ["Old post", "New post"]


def test_ids_survive_edits_and_updated_moves(client: Client, make_post: MakePost) -> None:
    post = make_post("First title", source="First words.")
    before = read_feed(client.get("/feeds/posts/default")).entries[0]
    guid_before = read_feed(client.get("/rss.xml")).entries[0].id
    json_before = read_jsonfeed(client.get("/feed.json"))["items"][0]["id"]
    post.title, post.source = "A better title", "Second thoughts."
    save_post(post, now=NOON + hours(3))
    response = client.get("/feeds/posts/default")
    after = read_feed(response).entries[0]
    assert after.title == "A better title"
    assert after.id == before.id
    assert after.link == before.link  # the permalink never moves
    assert after.published == before.published
    assert (before.updated, after.updated) == (
        "2024-10-20T05:00:00-07:00",
        "2024-10-20T08:00:00-07:00",
    )
    assert response["Last-Modified"] == http_date((NOON + hours(3)).timestamp())
    assert read_feed(client.get("/rss.xml")).entries[0].id == guid_before
    assert read_jsonfeed(client.get("/feed.json"))["items"][0]["id"] == json_before


def test_ids_do_not_depend_on_database_ids(client: Client, make_post: MakePost) -> None:
    """A blog exported and imported elsewhere gets new row ids but keeps its permalinks."""
    post = make_post("Frost on the kale")
    original = read_feed(client.get("/feeds/posts/default")).entries[0].id
    permalink = post.permalink
    post.delete()
    make_post("Something else first", published_at=NOON - hours(1))
    again = make_post("Frost on the kale", permalink=permalink)
    assert again.pk != post.pk
    ids = [entry.id for entry in read_feed(client.get("/feeds/posts/default")).entries]
    assert original in ids


def test_scheduled_post_appears_only_when_its_time_comes(
    client: Client, make_post: MakePost
) -> None:
    make_post("Today")
    post = make_post("Tomorrow's news", published_at=NOON + hours(24))
    assert post.status == Post.Status.SCHEDULED
    with time_machine.travel(NOON + hours(1), tick=False):
        assert entries_titles(read_feed(client.get("/feeds/posts/default"))) == ["Today"]
        assert read_jsonfeed(client.get("/feed.json"))["items"][0]["title"] == "Today"
        assert read_feed(client.get("/feeds/posts/default")).feed.opensearch_totalresults == "1"
    with time_machine.travel(NOON + hours(25), tick=False):
        feed = read_feed(client.get("/feeds/posts/default"))
        assert entries_titles(feed) == ["Tomorrow's news", "Today"]
        # The total is kept between writes, and expires when a scheduled post's time comes.
        assert feed.feed.opensearch_totalresults == "2"


def test_the_total_follows_every_post_write(client: Client, make_post: MakePost) -> None:
    make_post("First")
    assert read_feed(client.get("/feeds/posts/default")).feed.opensearch_totalresults == "1"
    make_post("Second", published_at=NOON - hours(1))
    assert read_feed(client.get("/feeds/posts/default")).feed.opensearch_totalresults == "2"


def test_drafts_and_other_blogs_posts_never_show(
    client: Client, make_post: MakePost, other_blog: Blog
) -> None:
    make_post("Published here")
    make_post("Half-written", status=Post.Status.DRAFT, published_at=None)
    make_post("Published elsewhere", target=other_blog)
    for path in ("/feeds/posts/default", "/rss.xml"):
        assert entries_titles(read_feed(client.get(path))) == ["Published here"]
    elsewhere = read_feed(client.get("/feeds/posts/default", HTTP_HOST="other.localhost"))
    assert entries_titles(elsewhere) == ["Published elsewhere"]
    assert elsewhere.entries[0].link.startswith("http://other.localhost/")


@pytest.mark.parametrize(
    "path", ["/feeds/posts/default", "/rss.xml", "/feed.json", "/feeds/posts/default/-/Garden"]
)
def test_private_blog_feeds_are_404_to_outsiders(
    client: Client, blog: Blog, make_post: MakePost, author: object, path: str
) -> None:
    make_post("Members only", labels=("Garden",))
    blog.is_private = True
    blog.save()
    response = client.get(path)
    assert response.status_code == 404
    assert b"Members only" not in response.content
    client.force_login(author)  # type: ignore[arg-type]
    assert client.get(path).status_code == 200


def test_same_content_gives_same_bytes_and_last_modified(
    client: Client, make_post: MakePost
) -> None:
    make_post("Frost on the kale", labels=("Garden", "Winter"))
    for path in ("/feeds/posts/default", "/rss.xml", "/feed.json"):
        first, second = client.get(path), client.get(path)
        assert first.content == second.content
        assert first["Last-Modified"] == http_date(NOON.timestamp())


def test_empty_feed_is_valid_and_dated_by_the_blog(client: Client, blog: Blog) -> None:
    for path in ("/feeds/posts/default", "/rss.xml"):
        first, second = client.get(path), client.get(path)
        assert read_feed(first).entries == []
        assert first.content == second.content
        assert first["Last-Modified"] == http_date(blog.created_at.timestamp())


def test_links_inside_content_are_absolute(client: Client, make_post: MakePost) -> None:
    make_post(source="See [last week](/2024/10/frost.html) and ![a leaf](/media/leaf.jpg).")
    content = read_feed(client.get("/feeds/posts/default")).entries[0].content[0].value
    assert f'href="{ORIGIN}/2024/10/frost.html"' in content
    assert f'src="{ORIGIN}/media/leaf.jpg"' in content


def test_unsupported_alt_is_a_bad_request(client: Client, make_post: MakePost) -> None:
    make_post()
    for alt in ("xml", "rss2", "jsonp"):
        response = client.get(f"/feeds/posts/default?alt={alt}&callback=alert")
        assert response.status_code == 400
        assert b"alert" not in response.content


def test_feeds_answer_get_and_head_only(client: Client, make_post: MakePost) -> None:
    make_post()
    assert client.head("/feeds/posts/default").status_code == 200
    assert client.post("/feeds/posts/default").status_code == 405


def test_entries_name_their_authors_as_the_blog_does(
    client: Client, make_post: MakePost, other_author: User
) -> None:
    # The first page reads each author's names in its own query (`feeds.entries`); every
    # page names them as the post's page does.
    make_post("By Ada")  # her full name
    make_post("A byline", published_at=NOON - hours(1), author_name="Guest Gardener")
    Profile.objects.create(user=other_author, display_name="  Alan T.  ")
    alans = make_post("By Alan", published_at=NOON - hours(2))
    Post.objects.filter(pk=alans.pk).update(author=other_author)
    for path in ("/feeds/posts/default", "/feeds/posts/default?start-index=2&max-results=2"):
        names = [entry.author for entry in read_feed(client.get(path)).entries]
        expected = ["Ada Byron", "Guest Gardener", "Alan T."]
        assert names == (expected if "start" not in path else expected[1:])
