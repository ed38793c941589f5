"""Every response carries the browser-side defences, whatever view answered it."""

from __future__ import annotations

import pytest
from django.test import Client

from broadsheet.core.embeds import FRAME_HOSTS
from tests.conftest import MakePost

pytestmark = pytest.mark.django_db

PATHS = ["/", "/search?q=x", "/no/such/page", "/feeds/posts/default", "/admin/login/", "/p/x.html"]


@pytest.mark.parametrize("path", PATHS)
def test_security_headers_on_every_kind_of_response(
    client: Client, make_post: MakePost, path: str
) -> None:
    make_post()
    response = client.get(path)
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    # Frames only from the embed providers' players (core/embeds.py), never 'self' or *.
    assert directives["frame-src"].split() == [f"https://{h}" for h in FRAME_HOSTS]
    assert directives["base-uri"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_reader_pages_set_no_cookie(client: Client, make_post: MakePost) -> None:
    post = make_post()
    for path in ("/", post.permalink, "/search?q=garden"):
        assert not client.get(path).cookies, path
