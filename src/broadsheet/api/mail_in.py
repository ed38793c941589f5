"""Posting by email: a message to a blog's secret address becomes a post.

The secret address (`blogs.PostByEmail`) is the credential; the sender must also be one of the
blog's members, by the address on their account, or the message is refused and nothing is
kept. The subject is the title; the HTML part (sanitised as every HTML post is) or else the
plain text (kept as Markdown) is the body; attached images are stored as the studio's uploads
are (`media.actions.upload_image`: hostile files refused and left out) and shown below the
text. The blog chooses whether mailed posts are published or kept as drafts; a contributor's
are drafts, as contributors' posts always are. Everything goes through `posts.actions`.

Used by `broadsheet postbyemail serve` (an SMTP receiver) and `fetch` (an IMAP mailbox).
"""

from __future__ import annotations

import html
import io
import logging
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from broadsheet.blogs.access import NotAllowed
from broadsheet.blogs.models import Membership, PostByEmail
from broadsheet.blogs.quotas import OverQuota
from broadsheet.media import actions as media
from broadsheet.media.models import UploadedImage
from broadsheet.posts import actions
from broadsheet.posts.actions import Content, Intent
from broadsheet.posts.models import Post, SourceFormat
from broadsheet.posts.size import body_problem

log = logging.getLogger(__name__)

MOST_MESSAGE = 16 * 1024 * 1024
MOST_IMAGES = 10
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}


class Refused(Exception):
    """The message is not taken; the message says why (an SMTP answer quotes it)."""


@dataclass(frozen=True)
class Mailed:
    """One message as it is posted."""

    title: str
    source: str
    source_format: str
    images: list[tuple[str, bytes]]


def mailbox_for(recipient: str) -> PostByEmail | None:
    """The blog whose secret address this is: `<secret>@domain` or `<anything>+<secret>@domain`."""
    local, _, domain = recipient.strip().lower().rpartition("@")
    wanted = settings.POST_BY_EMAIL_DOMAIN
    if not wanted or domain != wanted or not local or len(local) > 200:
        return None
    secret = local.rpartition("+")[2]
    return PostByEmail.objects.filter(secret=secret).select_related("blog").first()


def sender_member(box: PostByEmail, message: EmailMessage) -> Membership:
    """The member who sent it, by the From address on their account."""
    address = parseaddr(str(message.get("From", "")))[1].strip().lower()
    member = (
        Membership.objects.filter(blog=box.blog, user__email__iexact=address, user__is_active=True)
        .select_related("user")
        .first()
        if "@" in address
        else None
    )
    if member is None:
        raise Refused("The sender may not post to this blog.")
    member.blog = box.blog
    return member


def read(raw: bytes) -> EmailMessage:
    if len(raw) > MOST_MESSAGE:
        raise Refused("The message is too large.")
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def mailed(message: EmailMessage) -> Mailed:
    """Title, body and images of a message."""
    part = message.get_body(preferencelist=("html", "plain"))
    text = part.get_content() if part is not None else ""
    kind = (
        SourceFormat.HTML
        if part is not None and part.get_content_subtype() == "html"
        else SourceFormat.MARKDOWN
    )
    images: list[tuple[str, bytes]] = []
    for attached in message.iter_attachments():
        data = attached.get_payload(decode=True)
        if attached.get_content_type() in IMAGE_TYPES and isinstance(data, bytes):
            images.append((attached.get_filename() or "image", data))
    subject = str(message.get("Subject", "")).strip()[:500]
    return Mailed(subject, str(text), kind, images[:MOST_IMAGES])


def shown(src: str, kind: str) -> str:
    if kind == SourceFormat.HTML:
        return f'\n<p><img src="{html.escape(src)}" alt=""></p>'
    return f"\n\n![](<{src}>)"


def post_from(
    member: Membership, box: PostByEmail, found: Mailed, stored: list[UploadedImage]
) -> Post:
    """Store the images (each refused one left out, each kept one added to `stored`), then
    write the post."""
    # The text first, so that a body past the bound stores no image; then with the images.
    source = within_bound(found.source)
    for name, data in found.images:
        try:
            stored.append(media.upload_image(member, io.BytesIO(data), name[:255], ""))
        except (ValidationError, OverQuota) as refused:
            log.info("post by email: attachment %r left out: %s", name[:100], refused)
            continue
        source += shown(stored[-1].src, found.source_format)
    content = Content(
        title=found.title, source=within_bound(source), source_format=found.source_format
    )
    publish = box.publish and member.can_publish
    return actions.write_post(member, None, content, Intent.PUBLISH if publish else Intent.DRAFT)


def within_bound(source: str) -> str:
    """`source`, or Refused (and nothing kept) when it is past the bound on a body (posts.size)."""
    problem = body_problem(source)
    if problem is not None:
        raise Refused(f"The post was not made: {problem}")
    return source


def receive(raw: bytes, recipients: list[str]) -> list[Post]:
    """Post a message to each blog whose secret address it was sent to. Refused when it was
    sent to none, or its sender is a member of none of them; nothing is kept then."""
    message = read(raw)
    # Once per blog: a fetched message names its address in To and Delivered-To alike.
    boxes = list({box.pk: box for box in map(mailbox_for, recipients) if box is not None}.values())
    # Blogs in id order, as every write of several takes their rows (`blogs.actions.lock_blog`).
    boxes.sort(key=lambda box: box.blog_id)
    if not boxes:
        raise Refused("No such mailbox.")
    stored: list[UploadedImage] = []
    try:
        with transaction.atomic():  # all of the blogs it was sent to, or none
            return [
                post_from(sender_member(box, message), box, mailed(message), stored)
                for box in boxes
            ]
    except BaseException as failed:
        # The images' records were rolled back with the transaction; their files were not.
        media.discard_files(stored)
        if isinstance(failed, NotAllowed | ValidationError | OverQuota):
            raise Refused(f"The post was not made: {failed}") from None
        raise


def recipients_of(message: EmailMessage) -> list[str]:
    """Where a message fetched from a mailbox was sent (the envelope is gone by then)."""
    headers = [
        str(value)
        for name in ("Delivered-To", "X-Original-To", "To", "Cc")
        for value in message.get_all(name, [])
    ]
    return [address for _name, address in getaddresses(headers) if address][:20]
