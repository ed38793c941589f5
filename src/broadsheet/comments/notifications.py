"""E-mail about comments: what goes to moderators and to commenters, and to whom.

Sent only from the task queue (`comments.tasks`) after the writing transaction commits: a
request never waits on a mail server, and a mail server that is down loses no comment. Every
link in a mail is built from the blog's configured origin, never from a request.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from broadsheet.blogs.hosts import origin
from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments.models import Comment, ReplyAddress
from broadsheet.core.ratelimit import Limit, hit, mailbox_key

UNSUBSCRIBE_SALT = "broadsheet.comments.unsubscribe"
CONFIRM_SALT = "broadsheet.comments.confirm-replies"
CONFIRM_DAYS = 7  # how long a confirmation link works
# Confirmations per inbox and blog, however its address is spelled (`core.ratelimit.
# mailbox_key`): one a day, as for each address.
CONFIRMATIONS_PER_INBOX = Limit(1, 24 * 60 * 60)


def notify_moderators(comment_id: int) -> int:
    """Tell the post's author and the blog's admins of a new or held comment; return how
    many mails went out. A comment already moved to spam or the trash tells no one."""
    comment = _comment(comment_id)
    if comment is None or comment.status not in (Comment.Status.PUBLISHED, Comment.Status.PENDING):
        return 0
    post, blog = comment.post, comment.post.blog
    held = comment.status == Comment.Status.PENDING
    what = "awaiting moderation" if held else "new comment"
    subject = _line(f"[{blog.title}] {what.capitalize()} on “{post.title or '(untitled)'}”")
    context = {
        "comment": comment,
        "post": post,
        "blog": blog,
        "held": held,
        "comment_url": origin(blog) + post.permalink + "#" + comment.anchor,
        "moderate_url": origin(blog)
        + reverse("comments-studio:list", args=[blog.slug])
        + ("?status=pending" if held else ""),
    }
    body = render_to_string("comments/email/new_comment.txt", context)
    messages = [EmailMessage(subject, body, to=[to]) for to in moderator_addresses(comment)]
    return get_connection().send_messages(messages) or 0


def moderator_addresses(comment: Comment) -> list[str]:
    """The blog's admins and the post's author while they still moderate the blog (an active
    account, an author or admin member), less whoever wrote the comment: a removed, demoted
    or deactivated member is told nothing."""
    post = comment.post
    moderating = (Membership.Role.ADMIN, Membership.Role.AUTHOR)
    people = User.objects.filter(
        Q(memberships__role=Membership.Role.ADMIN)
        | Q(pk=post.author_id or 0, memberships__role__in=moderating),
        memberships__blog=post.blog,
        is_active=True,
    ).exclude(email="")
    writer = (comment.author_email or "").lower()
    addresses = {
        p.email.lower(): p.email
        for p in people
        if p.pk != comment.user_id and p.email.lower() != writer
    }
    return sorted(addresses.values())


def notify_reply(reply_id: int) -> int:
    """Mail the commenter whose comment was answered, if they asked to be told."""
    reply = _comment(reply_id)
    parent = reply.parent if reply is not None else None
    if reply is None or parent is None or reply.status != Comment.Status.PUBLISHED:
        return 0
    to, blog = parent.author_email, reply.post.blog
    if not (parent.notify_replies and to) or to.lower() == (reply.author_email or "").lower():
        return 0
    if _account_off(parent):
        return 0
    if not ReplyAddress.objects.confirmed(blog, to):
        return 0  # never confirmed: the form may have named someone else's address
    link = origin(blog) + reverse("comments:unsubscribe", args=[unsubscribe_token(blog.pk, to)])
    context: dict[str, object] = {"reply": reply, "parent": parent, "post": reply.post}
    context |= {"blog": blog, "unsubscribe_url": link}
    context["reply_url"] = origin(blog) + reply.post.permalink + "#" + reply.anchor
    subject = _line(f"[{blog.title}] A reply to your comment on “{reply.post.title}”")
    body = render_to_string("comments/email/reply.txt", context)
    headers = {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return EmailMessage(subject, body, to=[to], headers=headers).send()


def unsubscribe_token(blog_id: int, email: str) -> str:
    return signing.dumps({"b": blog_id, "e": email.lower()}, salt=UNSUBSCRIBE_SALT, compress=True)


def ask_to_confirm(comment_id: int, now: dt.datetime | None = None) -> int:
    """Mail the link that confirms a commenter's address for reply mails on the blog.

    One mail per address and blog a day at most, and none once confirmed: whoever typed
    someone else's address into the form can't make us mail them again and again.
    """
    comment = _comment(comment_id)
    if comment is None or not comment.asks_for_replies or _account_off(comment):
        return 0
    blog, to = comment.post.blog, comment.author_email.strip().lower()
    moment = now or timezone.now()
    if not _claim_confirmation(blog, to, moment):
        return 0
    inbox = f"confirm-replies:{blog.pk}:{mailbox_key(to)}"
    if not hit(inbox, CONFIRMATIONS_PER_INBOX, moment.timestamp()):
        return 0  # another spelling of the address was asked today
    link = origin(blog) + reverse("comments:confirm-replies", args=[confirm_token(blog.pk, to)])
    context = {"blog": blog, "post": comment.post, "link": link, "days": CONFIRM_DAYS}
    subject = _line(f"[{blog.title}] Confirm your address for mail about replies")
    body = render_to_string("comments/email/confirm_replies.txt", context)
    return EmailMessage(subject, body, to=[to]).send()


def _claim_confirmation(blog: Blog, email: str, now: dt.datetime) -> bool:
    """Record that the confirmation goes out now; False if confirmed or asked within a day.

    A conditional update, so two workers sending for two comments at once claim it once.
    """
    row, _ = ReplyAddress.objects.get_or_create(blog=blog, email=email)
    due = Q(asked_at__isnull=True) | Q(asked_at__lt=now - dt.timedelta(days=1))
    mine = ReplyAddress.objects.filter(due, pk=row.pk, confirmed_at__isnull=True)
    return mine.update(asked_at=now) == 1


def confirm_token(blog_id: int, email: str) -> str:
    return signing.dumps({"b": blog_id, "e": email.lower()}, salt=CONFIRM_SALT, compress=True)


def _account_off(comment: Comment) -> bool:
    """Whether the comment was written from an account that has since been deactivated: its
    owner is mailed nothing, whatever they asked for while it was on."""
    if comment.user_id is None:
        return False
    return not User.objects.filter(pk=comment.user_id, is_active=True).exists()


def _comment(pk: int) -> Comment | None:
    related = ("post", "post__blog", "post__author", "parent")
    return Comment.objects.filter(pk=pk).select_related(*related).first()


def _line(text: str) -> str:
    """One line: a title with a line break in it must not become a mail header."""
    return " ".join(text.split())
