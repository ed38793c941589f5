"""The weekly digest, and the studio's preview and test mail of what goes out next.

Each digest belongs to one Monday 07:00 UTC (its ISO week, `Send.period`, unique per blog)
and carries the posts published between the blog's previous digest and that Monday, so a run
that comes late (the worker was down on Monday) or twice (two chains, a retried task) sends
the same digest once, and a week whose run never came is folded into the next one: no post
is skipped or mailed twice. The task queues its successor *before* it works, so a run that
dies leaves the chain in place; and since a worker killed mid-task leaves no waiting run,
whoever might need the chain (a reader confirming a weekly subscription, every post's send,
`broadsheet setup`) calls `ensure_scheduled`, which queues one run if none waits.
"""

from __future__ import annotations

import datetime as dt

from django.core.mail import EmailMultiAlternatives
from django.db.models import QuerySet
from django.utils import timezone

from broadsheet.blogs.access import current_members, standing
from broadsheet.blogs.models import Blog, Membership
from broadsheet.posts.models import Post
from broadsheet.subscribers import mailing, sending
from broadsheet.subscribers.models import Send, Subscriber
from broadsheet.worker.schedule import enqueue_at

WEEK = dt.timedelta(days=7)
# A digest reaches back at most this far, however long the chain was broken: older posts
# are not news.
CATCH_UP = dt.timedelta(weeks=4)
DIGEST_HOUR = dt.time(7)
TASK_PATH = "broadsheet.subscribers.tasks.weekly_digest"


def next_monday(now: dt.datetime) -> dt.datetime:
    """Monday 07:00 UTC after `now`: the digest's hour."""
    return due_monday(now) + WEEK


def due_monday(now: dt.datetime) -> dt.datetime:
    """The latest Monday 07:00 UTC at or before `now`: the digest a run owes."""
    moment = now.astimezone(dt.UTC)
    day = (moment - dt.timedelta(days=moment.weekday())).date()
    monday = dt.datetime.combine(day, DIGEST_HOUR, tzinfo=dt.UTC)
    return monday if monday <= moment else monday - WEEK


def period(monday: dt.datetime) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def monday_of(week: str) -> dt.datetime:
    """The Monday 07:00 UTC of a period such as "2025-W07"."""
    day = dt.datetime.strptime(f"{week}-1", "%G-W%V-%u").date()
    return dt.datetime.combine(day, DIGEST_HOUR, tzinfo=dt.UTC)


def ensure_scheduled(now: dt.datetime | None = None) -> None:
    """Queue the weekly digest for next Monday unless a run already waits."""
    from broadsheet.subscribers import tasks

    if not tasks.weekly_digest.get_backend().supports_defer:
        return
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY")
    if not waiting.exists():
        enqueue_at(tasks.weekly_digest, next_monday(now or timezone.now()))


def run_weekly(now: dt.datetime | None = None) -> int:
    """Make each blog's digest owed for the latest Monday (once) for its weekly subscribers;
    how many were made. The next run is queued first: a run that fails keeps the chain."""
    now = now or timezone.now()
    ensure_scheduled(now)  # this run is no longer waiting, so this queues next Monday's
    made = 0
    weekly = Subscriber.objects.mailable().filter(frequency=Subscriber.Frequency.WEEKLY)
    for blog in Blog.objects.filter(pk__in=weekly.values("blog"), is_private=False):
        made += make_digest(blog, now) is not None
    return made


def digest_posts(blog: Blog, monday: dt.datetime, now: dt.datetime) -> QuerySet[Post]:
    """The posts the digest of `monday` carries: published since the blog's previous digest
    (a week back if there is none, at most `CATCH_UP`), up to that Monday."""
    earlier = Send.objects.filter(blog=blog, kind=Send.Kind.DIGEST, period__lt=period(monday))
    last = earlier.order_by("-period").values_list("period", flat=True).first()
    since = max(monday_of(last), monday - CATCH_UP) if last else monday - WEEK
    public = Post.objects.public(blog, now)
    return public.filter(published_at__gt=since, published_at__lte=monday)


def make_digest(blog: Blog, now: dt.datetime) -> int | None:
    """The blog's digest owed for the latest Monday (once), if there are posts to carry."""
    monday = due_monday(now)
    ids = list(digest_posts(blog, monday, now).values_list("pk", flat=True))
    if not ids:
        return None
    subject = mailing.line(f"[{blog.title}] This week: {len(ids)} new post{'s'[: len(ids) > 1]}")
    send = Send(blog=blog, kind=Send.Kind.DIGEST, period=period(monday))
    send.post_ids, send.subject, send.created_at = ids, subject, now
    weekly = Subscriber.objects.mailable().filter(blog=blog, frequency=Subscriber.Frequency.WEEKLY)
    return sending._create(send, weekly.values_list("pk", flat=True), now)


def next_content(kind: str, blog: Blog, now: dt.datetime) -> mailing.Content | None:
    """What the next mail of this kind would hold: the latest post, or this week's digest."""
    if kind == Send.Kind.DIGEST:
        ids = list(digest_posts(blog, next_monday(now), now).values_list("pk", flat=True))
        subject = mailing.line(f"[{blog.title}] This week")
        send = Send(pk=0, blog=blog, kind=kind, post_ids=ids, subject=subject)
        return mailing.digest_content(send) if ids else None
    post = Post.objects.public(blog, now).first()
    return mailing.post_content(post, 0) if post is not None else None


def test_recipient(blog_id: int, asker: int | str) -> str:
    """The address of the admin who asked for a test mail (`asker`, their account's id), if
    they are one still; else "".

    A test queued before this check named the address instead: it goes only if that is the
    address of an active admin of the blog now, so an upgrade neither fails it nor lets a
    removed admin's test through."""
    blog = Blog.objects.filter(pk=blog_id).first()
    if blog is None:
        return ""
    if isinstance(asker, str):
        admins = current_members(blog, [Membership.Role.ADMIN])
        return asker if admins.filter(email__iexact=asker.strip()).exists() else ""
    admin = standing(asker, blog, [Membership.Role.ADMIN])
    return admin.email if admin is not None else ""


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
