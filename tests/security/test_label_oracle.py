"""A label used only on unpublished posts answers exactly as a label nobody ever used.

Drafts, scheduled posts and trashed posts are the author's business: if their labels had a
page, a feed, a count or a sitemap entry of their own, a reader could guess and confirm what
is being written ("Layoffs", "Acquisition"). Every public address that takes a label name is
asked for a hidden label and for an unknown one of the same length, through the real page
cache front, twice (a miss, then what the cache answers): status, headers and body must be
the same apart from the name typed. Then every public list of labels must leave it out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from broadsheet.blogs.actions import bump_content_version
from broadsheet.blogs.models import Blog
from broadsheet.core.pagecache import store
from broadsheet.posts.models import Post
from tests.cache.conftest import Answer, Front
from tests.conftest import MakePost

pytestmark = pytest.mark.django_db

# Same length and plain letters, so that the only difference left is the name itself.
HIDDEN = {"draft": "Draftlbl", "scheduled": "Schedlbl", "trash": "Trashlbl"}
UNKNOWN = "Neverlbl"
PUBLIC = "Garden"
LATER = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)

ADDRESSES = [
    "/search/label/{name}",
    "/search/label/{name}?max-results=2",
    "/search?label={name}",
    "/search/label/{public}+{name}",
    "/search/label/{name}+{public}",
    "/feeds/posts/default/-/{name}",
    "/feeds/posts/default/-/{name}?alt=rss",
    "/feeds/posts/default/-/{name}?alt=jsonfeed",
    "/feeds/posts/summary/-/{name}",
    "/feeds/posts/default/-/{public}/{name}",
    "/feeds/posts/default/-/{name}/{public}?alt=rss",
]
# Headers that differ between any two requests, whatever they ask for.
PER_REQUEST = {"date", "etag"}


@pytest.fixture
def front() -> Iterator[Front]:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    store.clear()
    try:
        yield Front()
    finally:
        store.clear()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def hidden_labels(blog: Blog, make_post: MakePost) -> Blog:
    make_post("In the open", labels=(PUBLIC,))
    make_post("Not yet", labels=(HIDDEN["draft"], PUBLIC), status=Post.Status.DRAFT)
    make_post(
        "Coming",
        labels=(HIDDEN["scheduled"], PUBLIC),
        status=Post.Status.SCHEDULED,
        published_at=LATER,
    )
    binned = make_post("Gone", labels=(HIDDEN["trash"], PUBLIC))
    Post.objects.filter(pk=binned.pk).update(status=Post.Status.TRASH, trashed_at=LATER)
    blog.refresh_from_db()
    return blog


def normalised(answer: Answer, name: str) -> tuple[int, dict[str, str], str]:
    headers = {
        key.lower(): value.replace(name, "NAME")
        for key, value in answer.headers.items()
        if key.lower() not in PER_REQUEST
    }
    headers["etag"] = "present" if "ETag" in answer.headers else "absent"
    return answer.status, headers, answer.text.replace(name, "NAME")


@pytest.mark.parametrize("kind", list(HIDDEN))
@pytest.mark.parametrize("address", ADDRESSES)
def test_a_hidden_label_answers_as_an_unknown_one(
    hidden_labels: Blog, front: Front, kind: str, address: str
) -> None:
    for attempt in ("miss", "hit"):
        hidden = front.get(address.format(name=HIDDEN[kind], public=PUBLIC))
        unknown = front.get(address.format(name=UNKNOWN, public=PUBLIC))
        assert normalised(hidden, HIDDEN[kind]) == normalised(unknown, UNKNOWN), attempt
    # Label pages say "not found"; feeds stay valid and empty, so subscriptions survive.
    assert unknown.status == (200 if address.startswith("/feeds/") else 404)


@pytest.mark.parametrize("kind", list(HIDDEN))
def test_the_label_is_found_in_any_case_only_once_a_post_with_it_is_public(
    hidden_labels: Blog, kind: str
) -> None:
    client = Client()
    assert client.get(f"/search/label/{HIDDEN[kind].lower()}").status_code == 404
    Post.objects.filter(labels__name=HIDDEN[kind]).update(
        status=Post.Status.PUBLISHED, published_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )
    bump_content_version(Blog.objects.get(pk=hidden_labels.pk))
    assert client.get(f"/search/label/{HIDDEN[kind].lower()}").status_code == 200


PUBLIC_LISTS = [
    "/",
    "/search/label/" + PUBLIC,
    "/feeds/posts/default",
    "/feeds/posts/default?alt=rss",
    "/feeds/posts/default?alt=jsonfeed",
    "/feed.json",
    "/feeds/posts/default/-/" + PUBLIC,
    "/sitemap.xml",
    "/sitemap.xml?page=1",
    "/sitemap-labels.xml",
]


@pytest.mark.parametrize("address", PUBLIC_LISTS)
def test_no_public_count_gadget_sitemap_or_category_names_it(
    hidden_labels: Blog, address: str
) -> None:
    response = Client().get(address)
    assert response.status_code == 200
    body = response.content.decode()
    assert PUBLIC in body or address.startswith("/sitemap.xml")
    for name in HIDDEN.values():
        assert not re.search(name, body, re.IGNORECASE), (address, name)
