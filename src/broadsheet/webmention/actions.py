"""Receiving a Webmention: verify the source, then record, update or remove what it says.

`verify` runs on the task worker (it fetches the source). A reply becomes a Comment through
`comments.actions.post_comment`, so the blog's own rules apply to it as to a reader's comment:
who may comment, the rate limits, spam scoring and moderation. Sending the same source again
updates what we kept; a source that is gone (410) or no longer links to us removes it.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from broadsheet.blogs.actions import bump_content_version, lock_blog
from broadsheet.comments import actions as comments
from broadsheet.comments.forms import Submission
from broadsheet.comments.models import Comment
from broadsheet.core.fetch import FetchFailed, FetchRefused, Response
from broadsheet.core.nesting import bound_depth
from broadsheet.posts.models import Post
from broadsheet.webmention.fetching import fetcher
from broadsheet.webmention.links import links_in, normalise
from broadsheet.webmention.models import Mention
from broadsheet.webmention.sources import Entry, read_entry

log = logging.getLogger(__name__)
READABLE = ("text/html", "application/xhtml+xml", "text/plain", "application/json")


def verify(source: str, target: str, post_id: int) -> Mention | None:
    """Fetch `source` and bring our record of it up to date; None when nothing is kept."""
    post = Post.objects.filter(pk=post_id).select_related("blog").first()
    if post is None:
        return None
    try:
        response = fetcher().fetch(source)
    except (FetchFailed, FetchRefused) as error:
        log.info("Webmention source %s not verified: %s", source, error)
        return None  # unreachable is not gone: what we kept stays
    if response.status == 410:
        return forget(post, source)
    if not 200 <= response.status < 300 or not _links_to(response, target):
        return forget(post, source) if response.status == 200 else None
    entry = read_entry(_text(response), response.url, target)
    return record(post, source, entry)


def _text(response: Response) -> str:
    # Depth bounded first: both parsers below recurse or rescan per open element, so a page
    # of 100,000 nested tags would otherwise cost seconds, or overflow the stack.
    return bound_depth(response.body.decode("utf-8", errors="replace"))


def _links_to(response: Response, target: str) -> bool:
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in READABLE:
        return False
    if kind in ("text/plain", "application/json"):
        return target in response.body.decode(
            "utf-8", errors="replace"
        )  # no markup to read links from: the URL as written
    return normalise(target) in links_in(_text(response), response.url)


def record(post: Post, source: str, entry: Entry) -> Mention | None:
    """Keep (or update) what `source` says about `post`; a reply is kept as a comment too."""
    mention = Mention.objects.filter(post=post, source=source).first() or Mention(
        post=post, source=source
    )
    mention.kind = entry.kind
    mention.author_name = entry.author_name
    mention.author_url = entry.author_url
    mention.author_photo = entry.author_photo
    mention.updated_at = timezone.now()
    if entry.kind == Mention.Kind.REPLY and entry.text:
        mention.comment = _reply(post, source, entry, mention.comment)
        if mention.comment is None:
            return None  # the blog's comment rules refused it
    with transaction.atomic():
        lock_blog(post.blog_id)  # before the stamp and change head its triggers take
        mention.save()
        bump_content_version(post.blog, sidebar=False)
    return mention


def _reply(post: Post, source: str, entry: Entry, kept: Comment | None) -> Comment | None:
    if kept is not None:
        return _edit(kept, entry.text)
    submission = Submission(
        name=entry.author_name or "A reply from the web",
        url=entry.author_url or source,
        email="",
        body=entry.text,
        notify=False,
        parent_id=None,
    )
    # The rate limit counts the source's host, the one address the sender chose for us.
    host = f"webmention:{normalise(source).split('/')[2]}"
    try:
        return comments.post_comment(post, submission, user=AnonymousUser(), address=host)
    except (PermissionDenied, ValidationError, comments.RateLimited) as refusal:
        log.info("Webmention reply from %s not taken: %s", source, refusal)
        return None


@transaction.atomic
def _edit(comment: Comment, text: str) -> Comment:
    """The source was updated: the reply says what the page says now."""
    if comment.body != text:
        lock_blog(comment.post.blog_id)
        comment.body = text
        comment.updated_at = timezone.now()
        comment.save(update_fields=["body", "updated_at"])
    return comment


@transaction.atomic
def forget(post: Post, source: str) -> None:
    """The source is gone or no longer links here: its mention goes, and its reply is trashed
    (as a moderator's delete would, so it can still be looked at in the studio)."""
    mention = Mention.objects.filter(post=post, source=source).select_related("comment").first()
    if mention is None:
        return None
    lock_blog(post.blog_id)  # and so the recount below takes its turn with the comments'
    if mention.comment is not None:
        mention.comment.status = Comment.Status.TRASH
        mention.comment.save(update_fields=["status"])
        comments.refresh_comment_count(post)
    mention.delete()
    bump_content_version(post.blog, sidebar=False)
    return None
