"""Workflows over subscribers. Every write to a subscriber goes through here.

`subscribe` is a reader's request from the form: it stores an unconfirmed address and queues
the one confirmation mail (rate-limited per address and per client, so the form can't be used
to mail-bomb someone). `confirm` and `unsubscribe` follow the signed links. `suppress` is a
hard bounce or a complaint: that address is never mailed again by the install. Mail goes out
after the transaction commits, on the task queue (`tasks.py`).
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.core import ratelimit
from broadsheet.subscribers import digest, tasks
from broadsheet.subscribers.models import Subscriber, Suppression, normalise

Status = Subscriber.Status
# Per client address, a handful of sign-ups an hour; per subscriber address, one confirmation
# mail a day (`_claim_confirmation`), however often the form names it.
PER_CLIENT = ratelimit.Limit(count=10, seconds=3600)
CONFIRMATIONS_PER_INBOX = ratelimit.Limit(count=1, seconds=24 * 3600)
ASK_AGAIN_AFTER = dt.timedelta(days=1)


class RateLimited(Exception):
    """Too many sign-ups from one client in too short a time."""


def clean_address(raw: str) -> str:
    """A normalised address, or ValidationError with a sentence a reader understands."""
    email = normalise(raw)
    if not email or len(email) > 254:
        raise ValidationError("Please give your e-mail address.")
    validate_email(email)
    return email


def subscribe(
    blog: Blog, raw_email: str, frequency: str, *, client: str, now: dt.datetime | None = None
) -> Subscriber:
    """A reader asks to follow the blog by mail. A confirmed subscriber may change how often;
    anyone else is (again) sent the confirmation link, at most once a day."""
    email = clean_address(raw_email)
    if frequency not in Subscriber.Frequency.values:
        raise ValidationError("Choose every post or a weekly digest.")
    if not ratelimit.hit(f"subscribe:{ratelimit.client_key(client)}", PER_CLIENT, time.time()):
        raise RateLimited
    now = now or timezone.now()
    with transaction.atomic():
        row, _ = Subscriber.objects.get_or_create(blog=blog, email=email)
        if row.status == Status.CONFIRMED:
            Subscriber.objects.filter(pk=row.pk).update(frequency=frequency)
        else:
            Subscriber.objects.filter(pk=row.pk).update(frequency=frequency, status=Status.PENDING)
            transaction.on_commit(lambda: tasks.ask_to_confirm.enqueue(row.pk))
    row.refresh_from_db()
    return row


def claim_confirmation(subscriber_id: int, now: dt.datetime) -> bool:
    """Record that the confirmation goes out now; False if confirmed, suppressed or asked
    within a day. A conditional update, so two workers claim it once."""
    due = Q(asked_at__isnull=True) | Q(asked_at__lt=now - ASK_AGAIN_AFTER)
    mine = Subscriber.objects.filter(due, pk=subscriber_id, status=Status.PENDING)
    mine = mine.exclude(email__in=Suppression.objects.values("email"))
    if mine.update(asked_at=now) != 1:
        return False
    # And one a day per inbox, however the address is spelled (`Mary+1@`, `MARY@`…).
    blog_id, email = Subscriber.objects.values_list("blog_id", "email").get(pk=subscriber_id)
    inbox = f"subscribe-confirm:{blog_id}:{ratelimit.mailbox_key(email)}"
    return ratelimit.hit(inbox, CONFIRMATIONS_PER_INBOX, now.timestamp())


def confirm(subscriber: Subscriber, now: dt.datetime | None = None) -> None:
    """The owner of the address followed the mailed link and pressed the button."""
    if subscriber.status != Status.CONFIRMED:
        subscriber.status = Status.CONFIRMED
        subscriber.confirmed_at = now or timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])
    if subscriber.frequency == Subscriber.Frequency.WEEKLY:
        transaction.on_commit(digest.ensure_scheduled)  # the weekly chain needs a first link


def unsubscribe(subscriber: Subscriber, now: dt.datetime | None = None) -> None:
    """One click from a newsletter: no more mail from this blog. The row stays (with its
    state) so the studio's counts stay true and an import can't silently re-add them."""
    if subscriber.status != Status.UNSUBSCRIBED:
        subscriber.status = Status.UNSUBSCRIBED
        subscriber.unsubscribed_at = now or timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at"])


def suppress(raw_email: str, reason: str, detail: str = "") -> bool:
    """Never mail this address again (a hard bounce, a complaint); True if it is new."""
    email = normalise(raw_email)
    if not email or "@" not in email:
        return False
    _, created = Suppression.objects.get_or_create(
        email=email, defaults={"reason": reason, "detail": detail[:300]}
    )
    return created
