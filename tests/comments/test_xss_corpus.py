"""Every XSS payload in the corpora, as name, URL and text, comes out of a post page inert.

Two routes in: through the reader's form and `post_comment` (what the site accepts), and
stored raw with `add_comment` (what an importer or a future bug could let in), so the page's
own escaping is tested even for values the form would refuse. A few big pages hold them all.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from broadsheet.comments import actions
from broadsheet.comments.forms import CommentForm, Submission
from broadsheet.comments.models import Comment
from tests.comments.corpus import inspect, payloads
from tests.conftest import MakePost

pytestmark = pytest.mark.django_db

PER_PAGE = 400
SAMPLE = 10
# What our own templates load on a post page: the embeds facade (every reader page) and the
# comment form.
OUR_SCRIPTS = ["/static/reader/embeds.js", "/static/comments/form.js"]


def cleaned(payload: str, n: int) -> Submission | None:
    """The payload as name, URL and text, as the reader's form takes it (URL dropped if the
    form refuses it as a URL), or None if the form refuses the comment."""
    data = {"name": payload[:100], "url": payload, "body": f"{payload}\n#{n}"}
    form = CommentForm(data)
    if not form.is_valid():
        form = CommentForm({**data, "url": ""})
    return form.submission() if form.is_valid() else None


def test_payloads_posted_through_the_form_render_inert(make_post: MakePost, settings: Any) -> None:
    settings.COMMENT_RATE_LIMITS = False
    found = [cleaned(payload, n) for n, payload in enumerate(payloads())]
    accepted = [item for item in found if item is not None]
    assert len(found) > 1500 and len(accepted) > len(found) * 0.9
    posts = [make_post(f"Hostile {i}") for i in range(0, len(accepted), PER_PAGE)]
    # The whole workflow for a sample (it is the slow part), plain rows for the rest.
    for n, item in enumerate(accepted[::SAMPLE]):
        actions.post_comment(posts[0], item, user=AnonymousUser(), address=f"10.0.{n}.1")
    Comment.objects.bulk_create(
        Comment(
            post=posts[i // PER_PAGE],
            author_name=item.name,
            author_url=item.url,
            body=item.body + " (bulk)",
            status=Comment.Status.PUBLISHED,
        )
        for i, item in enumerate(accepted)
    )
    for post in posts:
        assert_inert(Client().get(post.permalink).content.decode())


def test_payloads_stored_raw_render_inert(make_post: MakePost) -> None:
    found = payloads()
    posts = [make_post(f"Raw {i}") for i in range(0, len(found), PER_PAGE)]
    Comment.objects.bulk_create(
        Comment(
            post=posts[i // PER_PAGE],
            author_name=payload[:200],
            author_url=payload[:500],
            body=payload,
            status=Comment.Status.PUBLISHED,
        )
        for i, payload in enumerate(found)
    )
    shown = 0
    for post in posts:
        html = Client().get(post.permalink).content.decode()
        shown += html.count('<li class="comment"')
        assert_inert(html)
    assert shown == len(found)


def assert_inert(html: str) -> None:
    found = inspect(html)
    assert found.scripts == OUR_SCRIPTS, found.scripts
    assert found.problems == [], found.problems[:20]
