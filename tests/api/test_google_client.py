"""Google's own client library for Blogger (google-api-python-client), built from the
discovery document this install serves, against a live server: list, get, insert, patch,
publish and delete, signed in with an app password as a Bearer token."""

from __future__ import annotations

from typing import Any

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from broadsheet.blogs import app_passwords
from broadsheet.posts.models import Post


def blogger(base: str, secret: str) -> Any:
    return build(
        "blogger",
        "v3",
        discoveryServiceUrl=base + "/api/discovery/v1/apis/{api}/{apiVersion}/rest",
        credentials=Credentials(token=secret),
        static_discovery=False,
        cache_discovery=False,
    )


def test_googles_client_writes_and_reads_a_post(
    transactional_db: Any, live_server: Any, blog: Any, author: Any, contributor: Any, post: Any
) -> None:
    # Closed at the end: a connection kept alive past the test would be closed by the live
    # server's thread after the test database is gone.
    with (
        blogger(live_server.url, app_passwords.create(author, "gapi", ["write"])[1]) as service,
        blogger(live_server.url, app_passwords.create(contributor, "gapi", ["write"])[1]) as kit,
    ):
        writes_and_reads(service, str(blog.pk))
        refused_to_a_contributor(kit, str(blog.pk))


def writes_and_reads(service: Any, blog_id: str) -> None:
    listed = service.posts().list(blogId=blog_id).execute()
    assert [item["title"] for item in listed["items"]] == ["Rhubarb, forced"]
    made = (
        service.posts()
        .insert(
            blogId=blog_id,
            isDraft=True,
            body={"title": "Leeks", "content": "<p>Dib them.</p>", "labels": ["veg"]},
        )
        .execute()
    )
    assert made["status"] == "DRAFT"
    patched = (
        service.posts().patch(blogId=blog_id, postId=made["id"], body={"title": "Leeks!"}).execute()
    )
    assert patched["title"] == "Leeks!"
    published = service.posts().publish(blogId=blog_id, postId=made["id"]).execute()
    assert published["status"] == "LIVE"
    got = service.posts().get(blogId=blog_id, postId=made["id"]).execute()
    assert got["labels"] == ["veg"] and got["url"].endswith(".html")
    service.posts().delete(blogId=blog_id, postId=made["id"]).execute()
    assert Post.objects.get(pk=made["id"]).status == Post.Status.TRASH


def refused_to_a_contributor(kit: Any, blog_id: str) -> None:
    # The client surfaces the API's JSON errors: a contributor is refused publishing.
    with pytest.raises(HttpError) as refused:
        kit.posts().insert(blogId=blog_id, body={"title": "Mine", "content": "x"}).execute()
    assert refused.value.resp.status == 403
    assert "Contributors" in str(refused.value)
