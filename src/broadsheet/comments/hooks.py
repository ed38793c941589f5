"""What apps above `comments` ask to hear about, registered at start-up.

`comments` sits below federation in the layers (ARCHITECTURE.md), so it never imports it:
federation registers here in its `AppConfig.ready` to send the blog's own comments out as
replies. The comment actions call `published` once the transaction that put a comment on the
page has committed. A hook only enqueues work for the task worker.
"""

from __future__ import annotations

from collections.abc import Callable

CommentHook = Callable[[int], object]  # what it returns is ignored
_on_comment_published: list[CommentHook] = []


def on_comment_published(hook: CommentHook) -> CommentHook:
    """Call `hook(comment_id)` after each commit that puts a comment on the page (posted
    straight up, approved, restored). It may be called again for the same comment."""
    if hook not in _on_comment_published:
        _on_comment_published.append(hook)
    return hook


def comment_published(comment_id: int) -> None:
    for hook in _on_comment_published:
        hook(comment_id)
