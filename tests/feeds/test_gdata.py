"""Blogger's GData JSON (`alt=json`) and JSONP (`alt=json-in-script&callback=NAME`), read the
way Blogger widgets read them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from broadsheet.comments.models import Comment
from broadsheet.posts import identity
from broadsheet.posts.models import Post
from tests.conftest import MakePost
from tests.feeds.conftest import ORIGIN, ManyPosts

pytestmark = pytest.mark.django_db


def gdata(client: Client, path: str) -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    document: dict[str, Any] = json.loads(response.content)
    return document["feed"]


def test_posts_feed_in_blogger_shape(client: Client, make_post: MakePost) -> None:
    post = make_post(title="Frost", source="![leaf](/media/leaf.jpg)\n\nCold <morning>.")

    document = json.loads(client.get("/feeds/posts/default?alt=json").content)
    feed = document["feed"]

    assert (document["version"], document["encoding"]) == ("1.0", "UTF-8")
    assert feed["title"] == {"type": "text", "$t": "Field Notes"}
    assert feed["openSearch$totalResults"] == {"$t": "1"}
    assert feed["openSearch$startIndex"] == {"$t": "1"}
    entry = feed["entry"][0]
    assert entry["title"]["$t"] == "Frost"
    assert entry["content"]["type"] == "html"
    assert "Cold" in entry["content"]["$t"]
    assert entry["id"]["$t"] == identity.post_id(post.blog, post)  # as in Atom
    alternate = next(link for link in entry["link"] if link["rel"] == "alternate")
    assert alternate["href"] == ORIGIN + post.permalink
    assert entry["thr$total"] == {"$t": "0"}
    assert entry["media$thumbnail"]["url"] == f"{ORIGIN}/media/leaf.jpg"
    assert entry["author"][0]["name"]["$t"]
    assert entry["published"]["$t"].endswith("-07:00")  # the blog's zone, as Blogger writes


def test_summary_label_and_paging(client: Client, many_posts: ManyPosts) -> None:
    many_posts(5)

    summary = gdata(client, "/feeds/posts/summary?alt=json&max-results=2&start-index=2")
    labelled = gdata(client, "/feeds/posts/default/-/Garden?alt=json&orderby=updated")

    assert len(summary["entry"]) == 2
    assert "summary" in summary["entry"][0] and "content" not in summary["entry"][0]
    assert summary["openSearch$itemsPerPage"] == {"$t": "2"}
    assert summary["openSearch$startIndex"] == {"$t": "2"}
    assert any(link["rel"] == "next" for link in summary["link"])
    assert len(labelled["entry"]) == 5
    assert {"scheme": "http://www.blogger.com/atom/ns#", "term": "Garden"} in labelled["entry"][0][
        "category"
    ]


def test_comment_feeds(client: Client, post: Post) -> None:
    parent = Comment.objects.create(post=post, body="First!", status=Comment.Status.PUBLISHED)
    Comment.objects.create(
        post=post, parent=parent, body="Second.", status=Comment.Status.PUBLISHED
    )

    whole = gdata(client, "/feeds/comments/default?alt=json")
    one = gdata(client, f"/feeds/{post.pk}/comments/default?alt=json")

    assert [e["content"]["$t"] for e in one["entry"]] == [
        e["content"]["$t"] for e in whole["entry"]
    ]
    reply = whole["entry"][0]
    assert reply["thr$in-reply-to"]["ref"].endswith(f"#c{parent.pk}")


def test_json_in_script_calls_the_named_function(client: Client, make_post: MakePost) -> None:
    make_post(title="Frost")

    response = client.get("/feeds/posts/default?alt=json-in-script&callback=widgets.recent_1")

    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    text = response.content.decode()
    call = text.split("\n", 1)[1]
    assert call.startswith("widgets.recent_1(") and call.endswith(");")
    document = json.loads(call[len("widgets.recent_1(") : -2])
    assert document["feed"]["entry"][0]["title"]["$t"] == "Frost"


def test_no_callback_calls_bloggers_default(client: Client, make_post: MakePost) -> None:
    make_post()
    text = client.get("/feeds/posts/default?alt=json-in-script").content.decode()
    assert "\ngdata.io.handleScriptLoaded({" in text


@pytest.mark.parametrize(
    "callback",
    [
        "alert(1)//",
        "a;b",
        "x.",
        ".x",
        "1abc",
        "a b",
        "</script>",
        "a" * 101,
        "é",
    ],
)
def test_a_callback_that_is_not_a_plain_name_is_refused(
    client: Client, make_post: MakePost, callback: str
) -> None:
    make_post()

    response = client.get("/feeds/posts/default", {"alt": "json-in-script", "callback": callback})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "callback must be" in json.loads(response.content)["error"]


def test_markup_in_text_cannot_end_a_script(client: Client, make_post: MakePost) -> None:
    make_post(title="</script><script>alert(1)</script>")

    text = client.get("/feeds/posts/default?alt=json-in-script&callback=f").content.decode()

    assert "</script>" not in text and "<script" not in text
    assert json.loads(text.split("\n", 1)[1][2:-2])["feed"]["entry"][0]["title"]["$t"] == (
        "</script><script>alert(1)</script>"
    )


def test_gdata_answers_are_cached_like_other_feeds(client: Client, make_post: MakePost) -> None:
    make_post()
    first = client.get("/feeds/posts/default?alt=json")
    again = client.get("/feeds/posts/default?alt=json", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.has_header("ETag")
    assert again.status_code == 304
