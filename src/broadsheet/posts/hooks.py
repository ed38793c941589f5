"""What apps above `posts` ask to hear about, registered at start-up.

`posts` sits low in the layers (ARCHITECTURE.md), so it never imports the apps that react to a
publish (feeds ping their WebSub hub; later, federation and subscribers deliver). Those apps
register a hook in their `AppConfig.ready`; the post actions call `published` once the
publishing transaction has committed. A hook only enqueues work for the task worker: it
must not talk to the network in the request.
"""

from __future__ import annotations

from collections.abc import Callable

PublishedHook = Callable[[int], object]  # what it returns is ignored
_on_published: list[PublishedHook] = []


def on_published(hook: PublishedHook) -> PublishedHook:
    """Call `hook(blog_id)` after each commit that makes a post public (usable as a decorator)."""
    if hook not in _on_published:
        _on_published.append(hook)
    return hook


def published(blog_id: int) -> None:
    for hook in _on_published:
        hook(blog_id)


# Per post, for those that need the post itself (subscribers mail it). Called for a post that
# is public or scheduled: a scheduled post later becomes public with no write at all, so the
# hook must see it now to queue work for its publish time.
_on_post_published: list[PublishedHook] = []


def on_post_published(hook: PublishedHook) -> PublishedHook:
    """Call `hook(post_id)` after each commit that leaves a post public or scheduled (usable as
    a decorator). It may be called again for the same post (every edit): hooks are idempotent."""
    if hook not in _on_post_published:
        _on_post_published.append(hook)
    return hook


def post_published(post_id: int) -> None:
    for hook in _on_post_published:
        hook(post_id)


EmbedsHook = Callable[[int, list[str]], object]  # what it returns is ignored
_on_embeds: list[EmbedsHook] = []


def on_embeds(hook: EmbedsHook) -> EmbedsHook:
    """Call `hook(blog_id, keys)` when a post or page is rendered with embeds whose posters can
    be fetched (`core.embeds.poster_keys`); the hook queues the fetch for after the commit."""
    if hook not in _on_embeds:
        _on_embeds.append(hook)
    return hook


def rendered_embeds(blog_id: int, keys: list[str]) -> None:
    for hook in _on_embeds:
        hook(blog_id, keys)


# Per post, when a save or the trash takes a post off the site (a draft again, or trashed):
# federation tells the servers it announced the post to that it is gone.
_on_post_withdrawn: list[PublishedHook] = []


def on_post_withdrawn(hook: PublishedHook) -> PublishedHook:
    """Call `hook(post_id)` after each commit that leaves a post neither public nor scheduled
    (usable as a decorator). It may be called for a post that was never public: hooks check."""
    if hook not in _on_post_withdrawn:
        _on_post_withdrawn.append(hook)
    return hook


def post_withdrawn(post_id: int) -> None:
    for hook in _on_post_withdrawn:
        hook(post_id)
