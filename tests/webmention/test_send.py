"""Sending on publish (webmention/publishing.py, sending.py): once per change of the post,
and once more to a page whose link was taken out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from broadsheet.posts.models import Post
from broadsheet.webmention import publishing
from broadsheet.webmention.models import Sent
from tests.conftest import MakePost
from tests.webmention.conftest import Page, Peer

pytestmark = pytest.mark.django_db
FUTURE = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)


def publish(post: Post, capture: Any) -> None:
    with capture(execute=True):
        publishing.post_published(post.pk)


def test_publishing_sends_to_linked_pages_and_edits_only_when_changed(
    make_post: MakePost, peer: Peer, django_capture_on_commit_callbacks: Any
) -> None:
    peer.pages["/t"] = Page('<link rel="webmention" href="/endpoint">')
    post = make_post("Linking", source=f"See [this]({peer.url('/t')}) and [ours](/p/about.html).")
    publish(post, django_capture_on_commit_callbacks)
    assert [path for path, _ in peer.posted] == ["/endpoint"]  # not our own page
    publish(post, django_capture_on_commit_callbacks)  # saved again, unchanged
    assert len(peer.posted) == 1
    post.body_html = "<p>No links any more.</p>"
    post.save(update_fields=["body_html"])
    publish(post, django_capture_on_commit_callbacks)
    assert len(peer.posted) == 2  # told once more, so that it can see the link gone
    assert Sent.objects.get(post=post).status == 202


def test_drafts_and_scheduled_posts_send_nothing_yet(
    make_post: MakePost, peer: Peer, django_capture_on_commit_callbacks: Any
) -> None:
    peer.pages["/t"] = Page('<link rel="webmention" href="/endpoint">')
    draft = make_post("Draft", source=f"[x]({peer.url('/t')})", status=Post.Status.DRAFT)
    later = make_post("Later", source=f"[x]({peer.url('/t')})", published_at=FUTURE)
    for post in (draft, later):
        publish(post, django_capture_on_commit_callbacks)
    assert not peer.posted and not Sent.objects.exists()


def test_a_withdrawn_post_tells_the_pages_it_mentioned_once(
    make_post: MakePost, peer: Peer, django_capture_on_commit_callbacks: Any
) -> None:
    peer.pages["/t"] = Page('<link rel="webmention" href="/endpoint">')
    post = make_post("Linking", source=f"See [this]({peer.url('/t')}).")
    publish(post, django_capture_on_commit_callbacks)
    Post.objects.filter(pk=post.pk).update(status=Post.Status.DRAFT)
    for _ in range(2):  # saved as a draft twice: the page hears of it once
        with django_capture_on_commit_callbacks(execute=True):
            publishing.post_withdrawn(post.pk)
    assert len(peer.posted) == 2
    assert peer.posted[-1][1] == peer.posted[0][1]  # the same source and target: look again
    Post.objects.filter(pk=post.pk).update(status=Post.Status.PUBLISHED)
    publish(post, django_capture_on_commit_callbacks)  # back on the site: told again
    assert len(peer.posted) == 3
