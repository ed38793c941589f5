"""Helpers for the comments' tests: a post to comment on, the form filled as form.js fills it,
and a cache that starts empty. The people are the suite's one cast (tests/cast.py)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from broadsheet.comments import defences
from broadsheet.posts.models import Post
from tests.conftest import MakePost


@pytest.fixture(autouse=True)
def _fresh_cache(request: pytest.FixtureRequest) -> Iterator[None]:
    # Rate limits and spent tokens live in the cache: no test may inherit another's counts.
    # The cache is a table of the database: only tests that reach the database can touch it.
    if request.node.get_closest_marker("django_db") is None and not {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames):
        yield
        return
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def post(make_post: MakePost) -> Post:
    return make_post("Rhubarb, forced")


def old_token(post_id: int, seconds: int = 30) -> str:
    """A form token issued `seconds` ago: what a reader who took their time holds."""
    return defences.issue_token(post_id, now=time.time() - seconds)


def comment_data(post: Post, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Mary",
        "url": "",
        "email": "",
        "body": "Forced rhubarb is the sweetest.",
        "parent": "",
        "website": "",
        "token": old_token(post.pk),
    }
    data.update(overrides)
    return data


PostAs = Callable[..., Any]


@pytest.fixture
def post_as() -> PostAs:
    """POST a comment the way the page's script does: fetch the tokens, then submit."""

    def send(client: Client, post: Post, **overrides: Any) -> Any:
        tokens = client.get(f"/comments/token/{post.pk}").json()
        data = comment_data(post, csrfmiddlewaretoken=tokens["csrf"], **overrides)
        return client.post(f"/comments/post/{post.pk}", data)

    return send
