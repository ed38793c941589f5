"""The weekly digest, and the studio's preview and test mail of what goes out next.

The digest task queues itself for the next Monday once it has run. Nothing else holds the
chain up, so whoever might need it (a reader confirming a weekly subscription, the task
itself) calls `ensure_scheduled`, which queues one run if none waits; a second chain would
do no harm either, as a blog gets one digest a week (`Send` is unique per blog and week).
"""

from __future__ import annotations

import datetime as dt

from django.core.mail import EmailMultiAlternatives
from django.db.models import QuerySet
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post
from broadsheet.subscribers import mailing, sending
from broadsheet.subscribers.models import Send, Subscriber

WEEK = dt.timedelta(days=7)
TASK_PATH = "broadsheet.subscribers.tasks.weekly_digest"


def next_monday(now: dt.datetime) -> dt.datetime:
    """Monday 07:00 UTC after `now`: the digest's hour."""
    day = (now + dt.timedelta(days=7 - now.weekday())).date()
    return dt.datetime.combine(day, dt.time(7), tzinfo=dt.UTC)


def ensure_scheduled(now: dt.datetime | None = None) -> None:
    """Queue the weekly digest for next Monday unless a run already waits."""
    from broadsheet.subscribers import tasks

    if not tasks.weekly_digest.get_backend().supports_defer:
        return
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY")
    if not waiting.exists():
        sending.enqueue_at(tasks.weekly_digest, next_monday(now or timezone.now()))


def week_posts(blog: Blog, now: dt.datetime) -> QuerySet[Post]:
    return Post.objects.public(blog, now).filter(published_at__gt=now - WEEK)


def run_weekly(now: dt.datetime | None = None) -> int:
    """Make each blog's digest of the week's posts for its weekly subscribers; how many."""
    now = now or timezone.now()
    made = 0
    weekly = Subscriber.objects.mailable().filter(frequency=Subscriber.Frequency.WEEKLY)
    for blog in Blog.objects.filter(pk__in=weekly.values("blog"), is_private=False):
        made += make_digest(blog, now) is not None
    ensure_scheduled(now + dt.timedelta(minutes=1))
    return made


def make_digest(blog: Blog, now: dt.datetime) -> int | None:
    """The blog's digest for this ISO week (once), if the week had posts."""
    ids = list(week_posts(blog, now).values_list("pk", flat=True))
    if not ids:
        return None
    year, week, _ = now.isocalendar()
    subject = mailing.line(f"[{blog.title}] This week: {len(ids)} new post{'s'[: len(ids) > 1]}")
    send = Send(blog=blog, kind=Send.Kind.DIGEST, period=f"{year}-W{week:02d}")
    send.post_ids, send.subject, send.created_at = ids, subject, now
    weekly = Subscriber.objects.mailable().filter(blog=blog, frequency=Subscriber.Frequency.WEEKLY)
    return sending._create(send, weekly.values_list("pk", flat=True), now)


def next_content(kind: str, blog: Blog, now: dt.datetime) -> mailing.Content | None:
    """What the next mail of this kind would hold: the latest post, or this week's digest."""
    if kind == Send.Kind.DIGEST:
        ids = list(week_posts(blog, now).values_list("pk", flat=True))
        subject = mailing.line(f"[{blog.title}] This week")
        send = Send(pk=0, blog=blog, kind=kind, post_ids=ids, subject=subject)
        return mailing.digest_content(send) if ids else None
    post = Post.objects.public(blog, now).first()
    return mailing.post_content(post, 0) if post is not None else None


def test_message(kind: str, blog_id: int, to: str) -> EmailMultiAlternatives | None:
    """The next mail as a subscriber would get it, addressed to `to` (an unsaved subscriber:
    its unsubscribe link names no one and does nothing)."""
    blog = Blog.objects.filter(pk=blog_id).first()
    content = next_content(kind, blog, timezone.now()) if blog is not None else None
    if content is None or blog is None:
        return None
    message = mailing.newsletter(content, Subscriber(pk=0, blog=blog, email=to))
    message.subject = "[Test] " + message.subject
    return message
