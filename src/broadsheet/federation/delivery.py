"""Delivery that never hurts the site: every POST runs on the task worker, one per server
(shared inboxes), paced, retried with back-off, and a server that keeps failing is given up
on until it is heard from again.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlsplit

from django.db.models import F
from django.utils import timezone
from django_tasks.base import Task

from broadsheet.core.fetch import FetchFailed, FetchRefused
from broadsheet.federation import actors, remote, signatures
from broadsheet.federation.documents import CONTENT_TYPE
from broadsheet.federation.models import Block, Follower, Instance, LocalActor, RemoteActor

PER_SECOND = 20  # deliveries started per second of a fan-out: a big post trickles out
BACKOFF = [dt.timedelta(minutes=m) for m in (1, 5, 30, 120, 480, 1440)]  # then dropped
DEAD_AFTER = 10  # failed deliveries in a row, over at least DEAD_SPAN, and a server is dead
DEAD_SPAN = dt.timedelta(days=2)
REFUSED = 418  # what `post_signed` says of an inbox the guarded fetcher will not reach


def enqueue_at(task: Task, when: dt.datetime, *args: object) -> None:
    """Queue `task` to run at `when`. A backend that cannot defer (the tests' immediate one)
    runs it now, or not at all when `when` lies ahead."""
    if task.get_backend().supports_defer:
        task.using(run_after=when).enqueue(*args)
    elif when <= timezone.now():
        task.enqueue(*args)


def encode(activity: dict[str, Any]) -> str:
    return json.dumps(activity, separators=(",", ":"), ensure_ascii=False)


def inboxes(
    actor: LocalActor, *more: LocalActor | None, extra: list[RemoteActor] | None = None
) -> list[str]:
    """One inbox per server where it has a shared one: the followers of these actors and any
    addressee, less blocked and dead servers. A fixed number of queries, however many."""
    followers = Follower.objects.filter(actor__in=[a for a in (actor, *more) if a])
    found = [follow.remote for follow in followers.select_related("remote")] + list(extra or [])
    targets = set(Block.objects.filter(blog=actor.blog).values_list("target", flat=True))
    dead = set(Instance.objects.exclude(dead_since=None).values_list("domain", flat=True))
    wanted = (r for r in found if r.uri not in targets and not _under(r.domain, targets))
    return list(dict.fromkeys(r.delivery_inbox for r in wanted if r.domain not in dead))


def _under(domain: str, blocked: set[str]) -> bool:
    return any(domain == b or domain.endswith(f".{b}") for b in blocked)


def fan_out(
    actor: LocalActor,
    activity: dict[str, Any],
    also: LocalActor | None = None,
    extra: list[RemoteActor] | None = None,
) -> str:
    """Queue one delivery per inbox, `PER_SECOND` starting each second."""
    from broadsheet.federation import tasks

    body, now = encode(activity), timezone.now()
    targets = inboxes(actor, also, extra=extra)
    for i, inbox in enumerate(targets):
        enqueue_at(
            tasks.deliver, now + dt.timedelta(seconds=i // PER_SECOND), actor.pk, inbox, body, 0
        )
    return f"{activity['type']} to {len(targets)} inboxes"


def deliver(actor_id: int, inbox: str, body: str, attempt: int) -> str:
    """POST one signed activity; on a failure worth retrying, queue the next try."""
    from broadsheet.federation import tasks

    actor = LocalActor.objects.select_related("blog").get(pk=actor_id)
    status = post_signed(actor, inbox, body.encode())
    domain = (urlsplit(inbox).hostname or "").lower()
    if status is not None and (200 <= status < 300 or (400 <= status < 500 and status != 429)):
        _alive(domain)
        return f"{status}"  # delivered, or refused for good (a 4xx will not change on a retry)
    _failed(domain)
    if attempt < len(BACKOFF):
        enqueue_at(
            tasks.deliver, timezone.now() + BACKOFF[attempt], actor_id, inbox, body, attempt + 1
        )
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
