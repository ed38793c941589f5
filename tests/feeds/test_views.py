from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import MakeComment, MakePost

pytestmark = pytest.mark.django_db


def test_posts_feed_is_atom_with_absolute_links(client: Client, make_post: MakePost) -> None:
    make_post("Frost on the kale", labels=("Garden",))
    response = client.get("/feeds/posts/default")
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "<title>Frost on the kale</title>" in body
    assert 'href="http://testserver/2024/10/' in body
    assert 'term="Garden"' in body


def test_rss_alternative(client: Client, make_post: MakePost) -> None:
    make_post("Frost on the kale")
    for path in ("/feeds/posts/default?alt=rss", "/rss.xml"):
        response = client.get(path)
        assert response["Content-Type"].startswith("application/rss+xml")
        assert "<title>Frost on the kale</title>" in response.content.decode()


def test_post_comment_feed_lists_published_comments(
    client: Client, make_post: MakePost, make_comment: MakeComment
) -> None:
    post = make_post()
    make_comment(post, "What a harvest")
    make_comment(post, "Not yet approved", status="pending")
    body = client.get(f"/feeds/{post.pk}/comments/default").content.decode()
    assert "What a harvest" in body and "Not yet approved" not in body


def test_comment_feed_of_draft_is_404(client: Client, make_post: MakePost) -> None:
    post = make_post(status="draft", published_at=None)
    assert client.get(f"/feeds/{post.pk}/comments/default").status_code == 404
