"""Webmention's network work, run by the task worker (never in a request)."""

from __future__ import annotations

from django_tasks import task

from broadsheet.webmention import actions, sending


@task()
def verify(source: str, target: str, post_id: int) -> None:
    """Fetch a received Webmention's source and record, update or remove what it says."""
    actions.verify(source, target, post_id)


@task()
def send_for_post(post_id: int) -> None:
    """Send Webmentions for a published post's links (the ones its last edit changed)."""
    sending.send_for_post(post_id)


@task()
def send_for_withdrawn(post_id: int) -> None:
    """Tell the pages a withdrawn post had mentioned that it is gone."""
    sending.send_for_withdrawn(post_id)
