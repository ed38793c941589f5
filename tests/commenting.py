"""Posting comments in tests the way a reader's browser does: a form token issued a while ago
(so the form is not refused as too fast), the form's fields, and `post_as`, which fetches the
tokens and submits as form.js does."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.test import Client

from broadsheet.comments import defences
from broadsheet.posts.models import Post


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


def post_as(client: Client, post: Post, **overrides: Any) -> Any:
    """POST a comment the way the page's script does: fetch the tokens, then submit."""
    tokens = client.get(f"/comments/token/{post.pk}").json()
    data = comment_data(post, csrfmiddlewaretoken=tokens["csrf"], **overrides)
    return client.post(f"/comments/post/{post.pk}", data)
