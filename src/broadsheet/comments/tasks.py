"""Background work for comments (django-tasks): the mail of `comments.notifications`, queued
by the actions once the comment's transaction commits and sent by the task worker."""

from __future__ import annotations

from django_tasks import task

from broadsheet.comments import notifications


@task()
def notify_moderators(comment_id: int) -> int:
    """Tell the post's author and the blog's admins of a new or held comment."""
    return notifications.notify_moderators(comment_id)


@task()
def notify_reply(reply_id: int) -> int:
    """Mail the commenter whose comment was answered, if they asked to be told."""
    return notifications.notify_reply(reply_id)


@task()
def ask_to_confirm(comment_id: int) -> int:
    """Mail the link that confirms the commenter's address for reply mails (once a day at most)."""
    return notifications.ask_to_confirm(comment_id)
