"""Sending a post or a digest to subscribers: batches on the task queue, paced, resumable.

A send is a `Send` row and one `Delivery` row per subscriber, made together in one
transaction with the first batch's task (the queue is a table of the same database), so a
send either exists whole, with a task to carry it, or not at all.

Each batch first queues the next one (at the pace of BROADSHEET_NEWSLETTER_RATE), then mails.
So a worker killed mid-batch leaves the next batch already queued, and it carries on with the
deliveries still waiting. Each mail is claimed alone by a conditional update (waiting →
sending) right before it goes to the SMTP server, and marked sent right after the server
accepts it: two workers never mail one delivery, and a delivery is never mailed twice.

The crash window: a worker killed after the server accepted a mail and before it was marked
sent leaves that one delivery "sending". We cannot know whether it went out; we choose never
to send twice, so once it has been "sending" for `STALE` it is marked failed ("outcome
unknown") and shown in the studio. That is at most one mail per killed worker.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone

from broadsheet.posts.models import Post
from broadsheet.subscribers import mailing
from broadsheet.subscribers.models import Delivery, Send, Subscriber
from broadsheet.worker.schedule import enqueue_at

logger = logging.getLogger(__name__)
State = Delivery.State
BATCH = 100  # mails per batch at most: one SMTP connection each
# A batch lasts about this long at the configured pace: its mails are spread over it, and
# the worker's other tasks wait behind it no longer than that.
BATCH_SECONDS = 5
STALE = dt.timedelta(minutes=10)  # a delivery "sending" this long: its worker died
# A post older than this when it first turns public (a backdated post, an old one published
# again) is not mailed: subscribers get news, not a backlog.
NEWS_FOR = dt.timedelta(days=2)
RETRY_AFTER = dt.timedelta(minutes=5)  # the SMTP server said "later"
MIN_GAP = 0.001  # seconds between mails below which pacing sleeps no more (a test's rate)


def post_published(post_id: int) -> None:
    """The publish hook (in the request, after commit): only queue the send, at the post's
    publish time. Every edit calls this again; the send itself happens once."""
    from broadsheet.subscribers import tasks  # tasks imports this module

    if Send.objects.filter(post_id=post_id).exists():
        return
    row = Post.objects.filter(pk=post_id).values_list("published_at", "blog_id").first()
    if row is None or row[0] is None:
        return
    now = timezone.now()
    # Public now and nobody to mail: no task at all. (A scheduled post is queued anyway:
    # someone may subscribe before it goes up.)
    if row[0] <= now and not _has_followers(row[1]):
        return
    enqueue_at(tasks.start_post_send, max(row[0], now), post_id)


def _has_followers(blog_id: int) -> bool:
    return Subscriber.objects.mailable().filter(blog_id=blog_id).exists()


def start_post_send(post_id: int, now: dt.datetime | None = None) -> int | None:
    """Make the send of a post that is public now (once ever); the id of the send made."""
    now = now or timezone.now()
    post = Post.objects.filter(pk=post_id).select_related("blog").first()
    if post is None or not post.is_public(now) or post.blog.is_private:
        return None  # not yet (moved later), unpublished, or for members only
    if post.published_at is None or post.published_at < now - NEWS_FOR:
        return None
    subject = mailing.line(f"[{post.blog.title}] {post.title or '(untitled)'}")
    send = Send(blog=post.blog, post=post, subject=subject, created_at=now)
    each = Subscriber.objects.mailable().filter(blog=post.blog, frequency=Subscriber.Frequency.EACH)
    return _create(send, each.values_list("pk", flat=True), now)


def _create(send: Send, subscriber_ids: Iterable[int], now: dt.datetime) -> int | None:
    from broadsheet.subscribers import tasks

    try:
        with transaction.atomic():
            send.save()
            rows = [Delivery(send=send, subscriber_id=pk) for pk in subscriber_ids]
            Delivery.objects.bulk_create(rows, batch_size=500)
            # In the transaction, not on commit: the send and the task that carries it are
            # rows of one database, committed together or not at all.
            enqueue_at(tasks.send_batch, now, send.pk)
    except IntegrityError:
        return None  # already made (an edit, a second worker): a post is sent once
    return send.pk


def interval(count: int) -> dt.timedelta:
    """How long `count` mails take at BROADSHEET_NEWSLETTER_RATE (mails a minute)."""
    return dt.timedelta(seconds=60 * max(count, 1) / max(settings.NEWSLETTER_RATE, 1))


def batch_size() -> int:
    """Mails a batch takes: `BATCH_SECONDS` worth at the pace, one at least, `BATCH` at most."""
    return max(1, min(BATCH, settings.NEWSLETTER_RATE * BATCH_SECONDS // 60))


def send_batch(send_id: int, now: dt.datetime | None = None) -> int:
    """Mail the next batch of a send; how many went out. Queues its successor first."""
    from broadsheet.subscribers import tasks

    now = now or timezone.now()
    send = Send.objects.filter(pk=send_id, finished_at__isnull=True).first()
    if send is None:
        return 0
    if send.paused_until is not None and send.paused_until > now:
        enqueue_at(tasks.send_batch, send.paused_until, send_id)
        return 0
    _give_up_stale(send, now)
    ids = list(
        send.deliveries.filter(state=State.PENDING)
        .order_by("pk")[: batch_size()]
        .values_list("pk", flat=True)
    )
    if not ids:
        return _finish(send, now)
    enqueue_at(tasks.send_batch, now + interval(len(ids)), send_id)
    sent = _deliver(send, ids)
    if not tasks.send_batch.get_backend().supports_defer and sent == len(ids):
        tasks.send_batch.enqueue(send_id)  # the immediate backend: no pacing, next batch now
    return sent


def _give_up_stale(send: Send, now: dt.datetime) -> None:
    stale = send.deliveries.filter(state=State.SENDING, claimed_at__lt=now - STALE)
    stale.update(state=State.FAILED, error="Outcome unknown: the worker stopped while sending.")


def _finish(send: Send, now: dt.datetime) -> int:
    from broadsheet.subscribers import tasks

    if send.deliveries.filter(state=State.SENDING).exists():
        enqueue_at(tasks.send_batch, now + STALE, send.pk)  # decide on those once stale
        return 0
    Send.objects.filter(pk=send.pk).update(finished_at=now)
    return 0


def _deliver(send: Send, ids: list[int]) -> int:
    """Mail the deliveries `ids` over one connection; stop at a temporary SMTP failure."""
    content = _content(send)
    deliveries = Delivery.objects.filter(pk__in=ids).select_related("subscriber").order_by("pk")
    mailable = set(
        Subscriber.objects.mailable()
        .filter(pk__in=[d.subscriber_id for d in deliveries])
        .values_list("pk", flat=True)
    )
    sent, pace = 0, Pace(60 / settings.NEWSLETTER_RATE)
    with get_connection() as connection:
        for delivery in deliveries:
            if delivery.subscriber_id not in mailable:
                _skip(delivery)
            elif _claim(delivery):
                pace.wait(sent)
                if not _send_one(connection, content, delivery):
                    break
                sent += 1
    return sent


class Pace:
    """The mails of a batch spread over its interval rather than sent in one burst (a burst
    of a hundred takes a core for a second and moves the web's p99 with it): mail `n` goes
    `n` gaps after the first, sleeping until then, so the time spent mailing is part of the
    gap and the batch keeps to the configured rate."""

    def __init__(self, gap: float) -> None:
        self.gap, self.start = gap, time.monotonic()

    def wait(self, sent: int) -> None:
        now = time.monotonic()
        if sent == 0 or self.gap < MIN_GAP:
            self.start = now
            return
        due = self.start + sent * self.gap
        if due < now - self.gap:
            # Behind by more than a mail (a slow server, a stalled worker): carry on from
            # here at the pace, rather than catch up in the very burst this avoids.
            self.start = now - sent * self.gap
            return
        time.sleep(max(0.0, due - now))


def _content(send: Send) -> mailing.Content:
    if send.kind == Send.Kind.DIGEST or send.post is None:
        return mailing.digest_content(send)
    return mailing.post_content(send.post, send.pk)


def _claim(delivery: Delivery) -> bool:
    """Take this delivery for this worker: only one worker wins the conditional update."""
    mine = Delivery.objects.filter(pk=delivery.pk, state=State.PENDING)
    return mine.update(state=State.SENDING, claimed_at=timezone.now()) == 1


def _skip(delivery: Delivery) -> None:
    # Unsubscribed or suppressed since the send was made: never mailed.
    Delivery.objects.filter(pk=delivery.pk, state=State.PENDING).update(
        state=State.FAILED, error="Not mailed: unsubscribed or suppressed."
    )


def _send_one(connection: object, content: mailing.Content, delivery: Delivery) -> bool:
    """Mail one delivery; False when the server asks us to stop for now."""
    message = mailing.newsletter(content, delivery.subscriber)
    try:
        connection.send_messages([message])  # type: ignore[attr-defined]
    except smtplib.SMTPRecipientsRefused as refused:
        return _failed(delivery, f"Refused: {_reason(refused.recipients)}")
    except (smtplib.SMTPException, OSError) as error:
        if _permanent(error):
            return _failed(delivery, f"Refused: {error}")
        # Nothing was accepted: the delivery waits for the next batch.
        Delivery.objects.filter(pk=delivery.pk).update(state=State.PENDING, claimed_at=None)
        later = timezone.now() + RETRY_AFTER
        Send.objects.filter(pk=delivery.send_id).update(paused_until=later)
        logger.warning("Newsletter paused by the mail server: %s", error)
        return False
    mark_sent(delivery)
    return True


def mark_sent(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(state=State.SENT, sent_at=timezone.now())


def _failed(delivery: Delivery, error: str) -> bool:
    Delivery.objects.filter(pk=delivery.pk).update(state=State.FAILED, error=error[:300])
    return True


def _permanent(error: Exception) -> bool:
    code = getattr(error, "smtp_code", 0)
    return isinstance(code, int) and 500 <= code < 600


def _reason(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{code} {msg.decode(errors='replace')}" for code, msg in recipients.values())
