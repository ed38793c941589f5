"""Delivery that never hurts the site: every POST runs on the task worker, one per server
(shared inboxes), paced, retried with back-off, and a server that keeps failing is given up
on until it is heard from again.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlsplit

from django.db.models import F, Min, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from broadsheet.core.fetch import FetchFailed, FetchRefused
from broadsheet.federation import actors, remote, signatures
from broadsheet.federation.documents import CONTENT_TYPE
from broadsheet.federation.models import Block, Follower, Instance, LocalActor, RemoteActor
from broadsheet.worker.schedule import enqueue_at

PER_SECOND = 20  # deliveries started per second of a fan-out: a big post trickles out
BACKOFF = [dt.timedelta(minutes=m) for m in (1, 5, 30, 120, 480, 1440)]  # then dropped
DEAD_AFTER = 10  # failed deliveries in a row, over at least DEAD_SPAN, and a server is dead
DEAD_SPAN = dt.timedelta(days=2)
REFUSED = 418  # what `post_signed` says of an inbox the guarded fetcher will not reach


def encode(activity: dict[str, Any]) -> str:
    return json.dumps(activity, separators=(",", ":"), ensure_ascii=False)


def inboxes(
    actor: LocalActor, *more: LocalActor | None, extra: list[RemoteActor] | None = None
) -> list[str]:
    """One inbox per server where it has a shared one: the followers of these actors and any
    addressee, less blocked and dead servers. The database hands back one row per (inbox,
    server), a few dozen for thousands of followers: the announce runs on a worker that shares
    the machine with the web, and must not build an object per follower."""
    blocks = Block.objects.filter(blog_id=actor.blog_id).values("target")
    targets = set(blocks.values_list("target", flat=True))
    found = _follower_inboxes([a for a in (actor, *more) if a], blocks)
    found += _addressees(extra or [], targets)
    return list(dict.fromkeys(inbox for inbox, domain in found if not _under(domain, targets)))


def _follower_inboxes(
    local: list[LocalActor], blocks: QuerySet[Block, Any]
) -> list[tuple[str, str]]:
    """(inbox, domain) of the followers, first follower first, without the actors and servers
    blocked by name or dead; a block of a parent domain is `_under`'s to apply."""
    inbox = Coalesce(NullIf("remote__shared_inbox", Value("")), "remote__inbox")
    rows = (
        Follower.objects.filter(actor__in=local)
        .exclude(remote__uri__in=blocks)
        .exclude(remote__domain__in=blocks)
        .exclude(remote__domain__in=Instance.objects.exclude(dead_since=None).values("domain"))
        .values_list(inbox, "remote__domain")
        .annotate(first=Min("pk"))
        .order_by("first")
    )
    return [(inbox, domain) for inbox, domain, _ in rows]


def _addressees(extra: list[RemoteActor], targets: set[str]) -> list[tuple[str, str]]:
    if not extra:
        return []
    dead = Instance.objects.filter(domain__in=[r.domain for r in extra]).exclude(dead_since=None)
    gone = set(dead.values_list("domain", flat=True))
    return [
        (r.delivery_inbox, r.domain) for r in extra if r.uri not in targets and r.domain not in gone
    ]


def _under(domain: str, blocked: set[str]) -> bool:
    return any(domain == b or domain.endswith(f".{b}") for b in blocked)


def fan_out(
    actor: LocalActor,
    activity: dict[str, Any],
    also: LocalActor | None = None,
    extra: list[RemoteActor] | None = None,
) -> str:
    """Queue the deliveries, `PER_SECOND` inboxes a second. Each second's inboxes are one task
    carrying the body once: queueing a task per inbox cost more than all the rest of an
    announce, on the worker that shares the machine with the web."""
    from broadsheet.federation import tasks

    body, now = encode(activity), timezone.now()
    targets = inboxes(actor, also, extra=extra)
    for second, start in enumerate(range(0, len(targets), PER_SECOND)):
        batch = targets[start : start + PER_SECOND]
        enqueue_at(tasks.deliver_batch, now + dt.timedelta(seconds=second), actor.pk, batch, body)
    return f"{activity['type']} to {len(targets)} inboxes"


def deliver_batch(actor_id: int, inboxes: list[str], body: str) -> str:
    """POST one activity to each inbox in turn; a failure queues that inbox's own retry."""
    actor = LocalActor.objects.select_related("blog").get(pk=actor_id)
    return ", ".join(_deliver(actor, inbox, body.encode(), 0) for inbox in inboxes)


def deliver(actor_id: int, inbox: str, body: str, attempt: int) -> str:
    """POST one signed activity; on a failure worth retrying, queue the next try."""
    actor = LocalActor.objects.select_related("blog").get(pk=actor_id)
    return _deliver(actor, inbox, body.encode(), attempt)


def _deliver(actor: LocalActor, inbox: str, body: bytes, attempt: int) -> str:
    from broadsheet.federation import tasks

    status = post_signed(actor, inbox, body)
    domain = (urlsplit(inbox).hostname or "").lower()
    if status is not None and (200 <= status < 300 or (400 <= status < 500 and status != 429)):
        _alive(domain)
        return f"{status}"  # delivered, or refused for good (a 4xx will not change on a retry)
    _failed(domain)
    if attempt < len(BACKOFF):
        when, text = timezone.now() + BACKOFF[attempt], body.decode()
        enqueue_at(tasks.deliver, when, actor.pk, inbox, text, attempt + 1)
    return f"failed ({status}), attempt {attempt + 1}"


def post_signed(actor: LocalActor, inbox: str, body: bytes) -> int | None:
    """Sign (draft-cavage, what every server checks) and POST; the status, or None when the
    server could not be reached. A 401 is tried once more with an RFC 9421 signature."""
    status = _post(actor, inbox, body, signatures.sign_cavage)
    if status == 401:
        status = _post(actor, inbox, body, signatures.sign_rfc9421)
    return status


def _post(actor: LocalActor, inbox: str, body: bytes, signer: Any) -> int | None:
    headers = signer("POST", inbox, body, actors.key_id(actor), actor.private_key_pem)
    headers = {k: v for k, v in headers.items() if k != "Host"}  # http.client sends the same
    try:
        return remote.fetcher().post(inbox, body, CONTENT_TYPE, headers).status
    except FetchRefused:
        return REFUSED  # a private address: no retry will make it public
    except FetchFailed:
        return None


def _alive(domain: str) -> None:
    Instance.objects.filter(domain=domain).update(
        failures=0, first_failure_at=None, dead_since=None
    )


def _failed(domain: str) -> None:
    now = timezone.now()
    row, _ = Instance.objects.get_or_create(domain=domain)
    Instance.objects.filter(pk=row.pk).update(failures=F("failures") + 1, last_failure_at=now)
    Instance.objects.filter(pk=row.pk, first_failure_at=None).update(first_failure_at=now)
    row.refresh_from_db()
    failing_for = now - (row.first_failure_at or now)
    if row.failures >= DEAD_AFTER and failing_for >= DEAD_SPAN and row.dead_since is None:
        Instance.objects.filter(pk=row.pk).update(dead_since=now)
