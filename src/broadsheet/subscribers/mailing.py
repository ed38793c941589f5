"""What subscribers are mailed: the confirmation, each new post, the weekly digest.

Every link is built from the blog's configured origin (`blogs.hosts.origin`), never from a
request, and every newsletter carries RFC 8058 one-click unsubscribe headers as well as a
visible link. Post HTML is made absolute (images and links work in a mail client) and goes
through the sanitiser again.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from broadsheet.blogs.hosts import canonical_host, origin
from broadsheet.blogs.models import Blog
from broadsheet.core import markup
from broadsheet.core.weblinks import absolute_html
from broadsheet.posts.models import Post
from broadsheet.subscribers import tokens
from broadsheet.subscribers.models import NewsletterSettings, Send, Subscriber


@dataclass(frozen=True)
class Content:
    """One send's text, made once and then addressed to each subscriber."""

    blog: Blog
    subject: str
    html: str  # the body's HTML fragment (absolute links)
    text: str
    message_id_prefix: str


def line(text: str) -> str:
    """One line: a title with a line break in it must not become a mail header."""
    return " ".join(text.split())


def sender(blog: Blog) -> str:
    """The configured From address, shown with the blog's name."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((line(blog.title), address))


def full_posts(blog: Blog) -> bool:
    found = NewsletterSettings.objects.filter(blog=blog).values_list("full_posts", flat=True)
    return next(iter(found), True)


def post_content(post: Post, send_id: int) -> Content:
    """A new post: whole, or up to the jump break with a link to read on (blog setting)."""
    blog = post.blog
    url = origin(blog) + post.permalink
    html, cut = post.body_html, False
    if not full_posts(blog):
        html, cut = markup.split_jump(html)
    context = {
        "blog": blog,
        "post": post,
        "url": url,
        "body": absolute_html(html, url, srcset=False),
    }
    context |= {"cut": cut, "text": markup.plain_text(html)}
    return Content(
        blog=blog,
        subject=line(f"[{blog.title}] {post.title or '(untitled)'}"),
        html=render_to_string("subscribers/email/post.html", context),
        text=render_to_string("subscribers/email/post.txt", context),
        message_id_prefix=f"send{send_id}",
    )


def digest_content(send: Send) -> Content:
    """A week's posts: title, a few lines and a link each."""
    blog = send.blog
    posts = Post.objects.filter(pk__in=send.post_ids).order_by("published_at")
    base = origin(blog)
    items = [{"post": p, "url": base + p.permalink} for p in posts]
    context = {"blog": blog, "items": items, "base": base}
    return Content(
        blog=blog,
        subject=send.subject,
        html=render_to_string("subscribers/email/digest.html", context),
        text=render_to_string("subscribers/email/digest.txt", context),
        message_id_prefix=f"send{send.pk}",
    )


def unsubscribe_url(subscriber: Subscriber, blog: Blog) -> str:
    token = tokens.unsubscribe_token(subscriber)
    return origin(blog) + reverse("subscribers:unsubscribe", args=[token])


def newsletter(content: Content, subscriber: Subscriber) -> EmailMultiAlternatives:
    """The mail of one send to one subscriber. Its Message-ID is fixed by send and subscriber,
    so that a copy sent again after a crash could be recognised as the same message."""
    blog = content.blog
    leave = unsubscribe_url(subscriber, blog)
    context = {"blog": blog, "content": content, "unsubscribe_url": leave}
    text = render_to_string("subscribers/email/frame.txt", context)
    html = render_to_string("subscribers/email/frame.html", context)
    headers = {
        "List-Unsubscribe": f"<{leave}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{line(blog.title)} <{blog.slug}.{canonical_host(blog)}>",
        "Message-ID": f"<{content.message_id_prefix}.s{subscriber.pk}@{canonical_host(blog)}>",
    }
    mail = EmailMultiAlternatives(
        content.subject, text, sender(blog), [subscriber.email], headers=headers
    )
    mail.attach_alternative(html, "text/html")
    return mail


def confirmation(subscriber: Subscriber) -> EmailMultiAlternatives:
    """The one mail an unconfirmed address ever gets: the link that confirms it."""
    blog = subscriber.blog
    token = tokens.confirm_token(subscriber)
    link = origin(blog) + reverse("subscribers:confirm", args=[token])
    context = {"blog": blog, "link": link, "days": tokens.CONFIRM_DAYS, "subscriber": subscriber}
    subject = line(f"[{blog.title}] Confirm your subscription")
    body = render_to_string("subscribers/email/confirm.txt", context)
    return EmailMultiAlternatives(subject, body, sender(blog), [subscriber.email])
