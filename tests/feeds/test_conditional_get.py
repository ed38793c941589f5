"""Conditional GET: a repeat request gets 304 with no body until the content changes."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import MakeComment, MakePost

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/feeds/posts/default", "/", "POST"])
def test_matching_etag_gets_304_until_a_comment_or_edit(
    client: Client, make_post: MakePost, make_comment: MakeComment, path: str
) -> None:
    from broadsheet.posts.actions import save_post

    post = make_post()
    target = post.permalink if path == "POST" else path
    first = client.get(target)
    etag = first["ETag"]
    again = client.get(target, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    make_comment(post, "A new comment")
    post.title = "A changed title"
    save_post(post)
    changed = client.get(target, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
