"""An independent sender: ronkyuu (PyPI) discovers our endpoint on a live post page and sends
a reply that a loopback peer serves; the reply must reach the post's comments."""

from __future__ import annotations

from typing import Any

import pytest
import ronkyuu

from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post
from tests.webmention.conftest import Page, Peer
from tests.webmention.test_receive import reply_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_ronkyuu_sends_a_reply_we_take(live_server: Any, post: Post, peer: Peer) -> None:
    target = live_server.url + post.permalink
    peer.pages["/reply"] = Page(reply_page(target, "Sent by another library."))
    result = ronkyuu.sendWebmention(peer.url("/reply"), target, test_urls=False, timeout=10)
    assert result.status_code == 202
    assert Comment.objects.get(post=post).body == "Sent by another library."
