"""Background work for subscribers (django-tasks): every mail of the newsletter."""

from __future__ import annotations

from django.core.mail import get_connection
from django.utils import timezone
from django_tasks import task

from broadsheet.subscribers import actions, digest, mailing, sending
from broadsheet.subscribers.models import Subscriber


@task()
def ask_to_confirm(subscriber_id: int) -> int:
    """Mail the confirmation link (at most once a day per address, never once confirmed)."""
    if not actions.claim_confirmation(subscriber_id, timezone.now()):
        return 0
    subscriber = Subscriber.objects.select_related("blog").get(pk=subscriber_id)
    return mailing.confirmation(subscriber).send()


@task()
def start_post_send(post_id: int) -> int | None:
    """Make the send of a newly public post (once ever) and queue its first batch."""
    # A publish is what gives a digest something to carry: it also mends a weekly chain
    # that a killed worker broke.
    digest.ensure_scheduled()
    return sending.start_post_send(post_id)


@task()
def send_batch(send_id: int) -> int:
    """Mail the next batch of a send, paced to BROADSHEET_NEWSLETTER_RATE."""
    return sending.send_batch(send_id)


@task()
def weekly_digest() -> int:
    """Queue next Monday's run, then make the digests owed for the latest Monday."""
    return digest.run_weekly()


@task()
def send_test(send_kind: str, blog_id: int, user_id: int | str) -> int:
    """The studio's "send me a test": the next mail, to the admin who asked, at the address
    their account has now, if they are still an active admin of the blog. (A test queued by
    an older release passed the address: `digest.test_recipient` checks it as well.)"""
    to = digest.test_recipient(blog_id, user_id)
    message = digest.test_message(send_kind, blog_id, to) if to else None
    if message is None:
        return 0
    return get_connection().send_messages([message]) or 0
