"""Federation's background work (django-tasks): announcing, withdrawing, delivering."""

from __future__ import annotations

from django_tasks import task

from broadsheet.federation import delivery, outbound


@task()
def announce_post(post_id: int) -> str:
    """Send a public post out as Create (first time) or Update (every later save)."""
    return outbound.announce_post(post_id)


@task()
def withdraw_post(post_id: int) -> str:
    """Send Delete for an announced post that is no longer public."""
    return outbound.withdraw_post(post_id)


@task()
def send_comment(comment_id: int) -> str:
    """Send a published local comment out as a Note in reply."""
    return outbound.send_comment(comment_id)


@task()
def deliver(actor_id: int, inbox: str, body: str, attempt: int) -> str:
    """POST one signed activity to one inbox; retries queue themselves with back-off."""
    return delivery.deliver(actor_id, inbox, body, attempt)


@task()
def deliver_batch(actor_id: int, inboxes: list[str], body: str) -> str:
    """POST one activity to a few inboxes (a second's worth of a fan-out), one after another."""
    return delivery.deliver_batch(actor_id, inboxes, body)
