"""Label feeds: `/feeds/posts/default/-/NAME`, and `-/A/B` for posts with both labels."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Label, Post
from tests.conftest import NOON, MakePost
from tests.feeds.conftest import ORIGIN, entries_titles, hours
from tests.feeds.rules import parse_xml, read_feed, read_jsonfeed

pytestmark = pytest.mark.django_db


@pytest.fixture
def labelled(make_post: MakePost) -> None:
    make_post("Tomatoes", labels=("Seed Saving",))
    make_post("Coffee", labels=("Café",), published_at=NOON - hours(1))
    make_post("Both", labels=("Garden", "Winter"), published_at=NOON - hours(2))
    make_post("Garden only", labels=("Garden",), published_at=NOON - hours(3))
    make_post("No labels", published_at=NOON - hours(4))


@pytest.mark.parametrize(
    ("path", "titles"),
    [
        ("/feeds/posts/default/-/Seed%20Saving", ["Tomatoes"]),
        ("/feeds/posts/default/-/Caf%C3%A9", ["Coffee"]),
        ("/feeds/posts/default/-/Garden", ["Both", "Garden only"]),
        ("/feeds/posts/default/-/garden", ["Both", "Garden only"]),
        ("/feeds/posts/default/-/Garden/Winter", ["Both"]),
        ("/feeds/posts/default/-/Garden/Winter/", ["Both"]),
        ("/feeds/posts/summary/-/Garden", ["Both", "Garden only"]),
        ("/feeds/posts/default/-/Garden?alt=rss", ["Both", "Garden only"]),
        ("/feeds/posts/default/-/Garden?max-results=1&start-index=2", ["Garden only"]),
    ],
)
def test_label_feed_lists_only_posts_with_every_label(
    client: Client, labelled: None, path: str, titles: list[str]
) -> None:
    assert entries_titles(read_feed(client.get(path))) == titles


def test_label_feed_names_its_label_and_links_its_page(
    client: Client, blog: Blog, labelled: None
) -> None:
    feed = read_feed(client.get("/feeds/posts/default/-/Seed%20Saving"))
    assert feed.feed.title == "Field Notes: Seed Saving"
    assert feed.feed.link == f"{ORIGIN}/search/label/Seed%20Saving"
    year = blog.created_at.year
    assert feed.feed.id == f"tag:localhost,{year}:/feeds/posts/default/-/Seed%20Saving"
    self_link = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_link == [f"{ORIGIN}/feeds/posts/default/-/Seed%20Saving"]


def test_non_ascii_label_in_json_feed(client: Client, labelled: None) -> None:
    document = read_jsonfeed(client.get("/feeds/posts/default/-/Caf%C3%A9?alt=jsonfeed"))
    assert [item["title"] for item in document["items"]] == ["Coffee"]
    assert document["items"][0]["tags"] == ["Café"]
    assert document["feed_url"] == f"{ORIGIN}/feeds/posts/default/-/Caf%C3%A9?alt=jsonfeed"


def test_unknown_label_is_an_empty_feed(client: Client, labelled: None) -> None:
    # A reader subscribed to a label that is gone keeps a working subscription.
    feed = read_feed(client.get("/feeds/posts/default/-/Nothing%20here"))
    assert feed.entries == []


def total_results(client: Client, path: str) -> str | None:
    root = parse_xml(client.get(path).content)
    return root.findtext("{http://a9.com/-/spec/opensearchrss/1.0/}totalResults")


def test_label_feed_total_follows_post_writes(
    client: Client, labelled: None, make_post: MakePost
) -> None:
    # The count is kept between requests (it reads every post of the label): a write moves it.
    path = "/feeds/posts/default/-/Garden"
    assert total_results(client, path) == "2"
    make_post("Borders", labels=("Garden",), published_at=NOON - hours(5))
    assert total_results(client, path) == "3"
    assert total_results(client, "/feeds/posts/default/-/Garden/Winter") == "1"


def test_totals_follow_a_relabelled_or_unpublished_post(client: Client, labelled: None) -> None:
    # The totals are kept between requests: a label moved onto an existing post, a post taken
    # back to draft and a label renamed each move them, and an edit that moves no count not.
    path = "/feeds/posts/default/-/Garden"
    assert (total_results(client, path), total_results(client, "/feeds/posts/default")) == (
        "2",
        "5",
    )
    coffee = Post.objects.get(title="Coffee")
    save_post(coffee, labels=["Café", "Garden"])
    assert total_results(client, path) == "3"
    coffee.title = "Coffee, edited"
    save_post(coffee, labels=["Café", "Garden"])
    assert total_results(client, path) == "3"
    coffee.status = Post.Status.DRAFT
    save_post(coffee, labels=["Café", "Garden"])
    assert (total_results(client, path), total_results(client, "/feeds/posts/default")) == (
        "2",
        "4",
    )
    garden = Label.objects.get(name="Garden")
    garden.name = "Yard"
    garden.save()
    assert total_results(client, path) == "0"


def test_the_blog_feed_total_counts_what_readers_see_now(
    client: Client, labelled: None, make_post: MakePost, other_blog: Blog
) -> None:
    # Read from the day tallies, less the posts still to come: drafts, trash, other blogs and
    # a scheduled post are not counted until readers can see them.
    make_post("Draft", status=Post.Status.DRAFT, published_at=None)
    make_post("Binned", status=Post.Status.TRASH, published_at=NOON - hours(30))
    make_post("Elsewhere", target=other_blog)
    make_post("Next week", published_at=NOON + hours(24 * 7))
    with time_machine.travel(NOON + hours(1), tick=False):
        assert total_results(client, "/feeds/posts/default") == "5"
        assert total_results(client, "/feeds/posts/summary") == "5"
    with time_machine.travel(NOON + hours(24 * 7 + 1), tick=False):
        assert total_results(client, "/feeds/posts/default") == "6"
