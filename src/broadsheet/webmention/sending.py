"""Sending Webmentions for a published post to the pages it links to.

Run on the task worker (`tasks.send_for_post`), queued by the publish hook. Links to the
blog itself are skipped. Each target's endpoint is discovered afresh (`discovery`) and the
POST goes through the guarded fetcher, so a page that names an endpoint inside our network
gets nothing.
"""

from __future__ import annotations

import hashlib
import logging
from urllib.parse import urlencode, urlsplit

from django.utils import timezone

from broadsheet.blogs import hosts
from broadsheet.core.fetch import Fetcher, FetchFailed, FetchRefused
from broadsheet.posts.models import Post
from broadsheet.webmention.discovery import discover
from broadsheet.webmention.fetching import fetcher
from broadsheet.webmention.links import anchors_in, normalise
from broadsheet.webmention.models import Sent

log = logging.getLogger(__name__)
MAX_TARGETS = 100  # a post linking to more is a link list; the rest are not worth a fetch each
# The fingerprint of a mention sent for a withdrawn post: a later publish differs from it, so
# the pages are told again when the post comes back.
WITHDRAWN = "withdrawn"


def send_for_post(post_id: int) -> list[Sent]:
    """Send for every link of a public post whose content changed since we last sent."""
    # Public now only: a draft that once was public, or a post not yet up, sends nothing.
    post = Post.objects.published().filter(pk=post_id).select_related("blog").first()
    if post is None or post.blog.is_private:
        return []
    source = hosts.origin(post.blog) + post.permalink
    fingerprint = hashlib.sha256(f"{post.title}\n{post.body_html}".encode()).hexdigest()
    kept = {sent.target: sent for sent in Sent.objects.filter(post=post)}
    wanted = targets(post, source) | set(kept)  # links taken out are told once more
    due = [t for t in sorted(wanted) if t not in kept or kept[t].fingerprint != fingerprint]
    client = fetcher()
    return [_send(client, post, source, target, fingerprint) for target in due[:MAX_TARGETS]]


def send_for_withdrawn(post_id: int) -> list[Sent]:
    """Tell every page we mentioned that the post is gone (the spec's deletion): its source
    now answers 404, which receivers read as the mention withdrawn. Sent once per withdrawal."""
    post = Post.objects.filter(pk=post_id).select_related("blog").first()
    if post is None or Post.objects.published().filter(pk=post_id).exists():
        return []  # deleted outright (nothing to name), or public again by the time we run
    source = hosts.origin(post.blog) + post.permalink
    kept = Sent.objects.filter(post=post).exclude(fingerprint=WITHDRAWN)
    client = fetcher()
    return [_send(client, post, source, sent.target, WITHDRAWN) for sent in kept[:MAX_TARGETS]]


def targets(post: Post, source: str) -> set[str]:
    """The post's outbound http(s) links, normalised; none to the blog's own host."""
    own = urlsplit(source).hostname
    found = anchors_in(post.body_html, source)
    return {url for url in found if urlsplit(url).hostname != own}


def _send(client: Fetcher, post: Post, source: str, target: str, fingerprint: str) -> Sent:
    endpoint, status = deliver(client, source, target)
    sent, _ = Sent.objects.update_or_create(
        post=post,
        target=target,
        defaults={
            "endpoint": endpoint,
            "status": status,
            "fingerprint": fingerprint,
            "sent_at": timezone.now(),
        },
    )
    return sent


def deliver(client: Fetcher, source: str, target: str) -> tuple[str, int | None]:
    """Discover `target`'s endpoint and POST the mention: (endpoint, HTTP status or None)."""
    try:
        endpoint = discover(client, target)
        if endpoint is None:
            return "", None
        body = urlencode({"source": source, "target": target}).encode()
        answer = client.post(endpoint, body, "application/x-www-form-urlencoded")
    except (FetchFailed, FetchRefused) as error:
        log.info("Webmention for %s to %s not sent: %s", source, target, error)
        return "", None
    return normalise(endpoint), answer.status
