"""Workflows over blogs and their members: creating a blog, changing its settings, inviting,
accepting, changing roles, and moving the content version every reader-visible write moves.

Each action that a person starts takes the acting member (or user), checks the role rules
first with `require`, and raises `NotAllowed` when they forbid the act, so a forged request
gets no further than a button would. Mail goes out on the task queue once the write commits.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, User
from django.db import connections, router, transaction
from django.db.models import F, QuerySet
from django.db.transaction import TransactionManagementError
from django.utils import timezone

from broadsheet.blogs import layout, tasks
from broadsheet.blogs.access import NotAllowed, invitation_stands, require
from broadsheet.blogs.models import Blog, Invitation, Membership, PostByEmail, Profile
from broadsheet.core.pagecache import announce_version

LAST_ADMIN = "A blog needs at least one admin: make someone else an admin first."


def lock_blog(*blog_ids: int) -> None:
    """Take the blogs' rows for the rest of the transaction: the first lock of every write of
    a blog's content, before any row of its posts, comments, reactions or anything a trigger
    keeps for them (stamps, tallies, the static export's change head); several blogs in id
    order. Call it inside the write's transaction; calling it again costs a query and no wait.

    Why first: triggers take a blog's change head and stamps in the order statements reach
    them, and every write ends by updating this row (`bump_content_version`). A write of
    several posts (bulk moderation, an import) held the head while it locked its next post,
    as a comment on that post held the post and wanted the head: PostgreSQL aborted one of
    them ("deadlock detected"). Writers of one blog already took turns from their first
    trigger or their version bump to commit; with this row first they take turns from the
    start, and never each hold what the other waits for. The order is in ARCHITECTURE.md
    ("Writers of one blog"); tests/faults/test_lock_order.py holds it.

    FOR NO KEY UPDATE, the lock the version's update takes: rows that refer to the blog can
    still be written meanwhile. SQLite's writers take turns on the whole database: nothing to
    take there.
    """
    connection = connections[router.db_for_write(Blog)]
    if not blog_ids or connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise TransactionManagementError("lock_blog outside a transaction holds nothing.")
    with connection.cursor() as cursor:  # SQL of our own: on every write, no ORM to compile
        cursor.execute(
            f"SELECT id FROM {Blog._meta.db_table} WHERE id = ANY(%s) "  # noqa: S608
            "ORDER BY id FOR NO KEY UPDATE",
            [sorted(blog_ids)],
        )


def bump_content_version(blog: Blog, *, sidebar: bool = True) -> None:
    """Invalidate every cached page of this blog (an atomic increment in the database).

    Call it inside the write's transaction. The page cache hears of the new version only
    once the write commits: told earlier, a reader could cache the page as it was before
    the write under the new version, and keep it.

    `sidebar=False` is for writes the sidebar does not show (comments): its cached HTML
    stays, so the page after a new comment renders without recounting the archive.
    """
    changes: dict[str, Any] = {"content_version": F("content_version") + 1}
    if sidebar:  # both read the old value: the sidebar takes the new content version
        changes["sidebar_version"] = F("content_version") + 1
    Blog.objects.filter(pk=blog.pk).update(**changes)
    blog.refresh_from_db(fields=["content_version", "sidebar_version"])
    blog_id, version = blog.pk, blog.content_version
    transaction.on_commit(
        lambda: announce_version(blog_id, version, Blog.committed_version), robust=True
    )
    transaction.on_commit(partial(content_moved, blog_id), robust=True)
    if sidebar:
        transaction.on_commit(partial(sidebar_moved, blog_id), robust=True)


# What apps above `blogs` ask to hear about once a write that moved a blog's versions has
# committed (registered in their `AppConfig.ready`, as `posts.hooks` are): `reader` draws the
# blog's layout again when the sidebar moved, so that the first reader after a post write
# finds it drawn; `publish` brings the continuous mirror up to date after anything readers
# see moved (a comment revised, a like, a setting: not only a post or a comment published).
BlogHook = Callable[[int], object]  # what it returns is ignored
_on_sidebar_moved: list[BlogHook] = []
_on_content_moved: list[BlogHook] = []


def on_sidebar_moved(hook: BlogHook) -> BlogHook:
    """Call `hook(blog_id)` after each commit that moved the blog's sidebar version. A write
    that moves it several times in one transaction calls it as many times: hooks are cheap
    when nothing is left to do."""
    if hook not in _on_sidebar_moved:
        _on_sidebar_moved.append(hook)
    return hook


def on_content_moved(hook: BlogHook) -> BlogHook:
    """Call `hook(blog_id)` after each commit that moved the blog's content version (every
    write a reader's page shows), as many times as it moved."""
    if hook not in _on_content_moved:
        _on_content_moved.append(hook)
    return hook


def sidebar_moved(blog_id: int) -> None:
    for hook in _on_sidebar_moved:
        hook(blog_id)


def content_moved(blog_id: int) -> None:
    for hook in _on_content_moved:
        hook(blog_id)


def may_create_blogs(user: AbstractBaseUser) -> bool:
    """Creating blogs is for the people who run the install (staff), not for every member."""
    return bool(getattr(user, "is_staff", False) or getattr(user, "is_superuser", False))


@transaction.atomic
def create_blog(user: User, blog: Blog) -> Blog:
    """Store a new blog with `user` as its first admin."""
    require(may_create_blogs(user), "Only the site's staff create blogs.")
    blog.is_default = blog.is_default or not Blog.objects.filter(is_default=True).exists()
    blog.save()
    Membership.objects.create(blog=blog, user=user, role=Membership.Role.ADMIN)
    layout.install_default(blog)
    return blog


@transaction.atomic
def save_blog_settings(member: Membership, blog: Blog) -> Blog:
    """Store a blog's changed settings; readers see them at once (the content version moves).

    Making this blog the site's default takes that place from the one that had it.
    """
    require(member.is_admin and member.blog_id == blog.pk, "Only the blog's admins change it.")
    if blog.is_default:
        others = Blog.objects.filter(is_default=True).exclude(pk=blog.pk)
        lock_blog(blog.pk, *others.values_list("pk", flat=True))  # in id order, this one too
        others.update(is_default=False)
    blog.save()
    bump_content_version(blog)
    return blog


THEME_FIELDS = (
    *("theme", "theme_accent", "theme_text_font", "theme_heading_font"),
    *("theme_width", "theme_scheme", "favicon"),
)


@transaction.atomic
def save_theme(member: Membership, blog: Blog) -> Blog:
    """Store a blog's theme and its options. Every cached page names the old stylesheet and
    favicon, so the content version moves (the sidebar's HTML, which holds neither, stays)."""
    require(member.is_admin and member.blog_id == blog.pk, "Only the blog's admins change it.")
    blog.save(update_fields=[*THEME_FIELDS, "updated_at"])
    bump_content_version(blog, sidebar=False)
    return blog


@transaction.atomic
def save_profile(profile: Profile) -> Profile:
    """Store how a person appears to readers. Every blog they write on shows them (bylines,
    feeds, the Profile gadget), so each of those blogs' pages and sidebars moves on."""
    blogs = list(Blog.objects.filter(memberships__user_id=profile.user_id).order_by("pk"))
    lock_blog(*(blog.pk for blog in blogs))  # before the stamps the profile's triggers move
    profile.save()
    for blog in blogs:
        bump_content_version(blog)
    return profile


# Members and invitations


@transaction.atomic
def invite(
    member: Membership, email: str, role: str, *, now: dt.datetime | None = None
) -> Invitation:
    """Mail a link that lets its holder join the blog with `role` (for 14 days, once).

    The link is built from the site's configured origin (never from the inviting request's
    Host header, which a client chooses) and mailed by the task worker after commit. Until
    then the invitation holds the hash of a token nobody has, so it cannot be accepted.
    """
    require(member.is_admin, "Only the blog's admins invite people.")
    now = now or timezone.now()
    invitation = Invitation.objects.create(
        blog=member.blog,
        email=email,
        role=role,
        token_hash=Invitation.hash_token(secrets.token_urlsafe(32)),
        invited_by=member.user,
        created_at=now,
        expires_at=now + Invitation.LIFETIME,
    )
    transaction.on_commit(lambda: tasks.send_invitation.enqueue(invitation.pk))
    return invitation


def find_invitation(token: str, now: dt.datetime | None = None) -> Invitation | None:
    """The open invitation this link's token belongs to, if any and if it still stands."""
    found = (
        Invitation.objects.open(now)
        .select_related("blog")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )
    return found if found is not None and invitation_stands(found) else None


@transaction.atomic
def accept_invitation(
    invitation: Invitation, user: User, *, now: dt.datetime | None = None
) -> Membership:
    """Make `user` a member with the invited role. Someone who is a member already keeps the
    role they have (an invitation never demotes); the link is used up either way. An
    invitation whose sender is no longer an active admin of the blog grants nothing."""
    now = now or timezone.now()
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not (locked.is_open(now) and invitation_stands(locked)):
        raise NotAllowed("This invitation has been used or has expired.")
    membership, _ = Membership.objects.get_or_create(
        blog=locked.blog, user=user, defaults={"role": locked.role}
    )
    locked.accepted_at, locked.accepted_by = now, user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def revoke_invitation(member: Membership, invitation: Invitation) -> None:
    require(member.is_admin and invitation.blog_id == member.blog_id, "Only admins revoke.")
    invitation.delete()


@transaction.atomic
def change_role(member: Membership, target: Membership, role: str) -> Membership:
    """Give a member another role; the blog's last admin cannot stop being one."""
    require(member.is_admin and target.blog_id == member.blog_id, "Only admins change roles.")
    if target.role == Membership.Role.ADMIN and role != Membership.Role.ADMIN:
        require(_other_admins(target).exists(), LAST_ADMIN)
    target.role = role
    target.save(update_fields=["role"])
    return target


@transaction.atomic
def remove_member(member: Membership, target: Membership) -> None:
    """Take someone off the blog. Their posts stay, under their name."""
    require(member.is_admin and target.blog_id == member.blog_id, "Only admins remove members.")
    if target.role == Membership.Role.ADMIN:
        require(_other_admins(target).exists(), LAST_ADMIN)
    target.delete()


def _other_admins(target: Membership) -> QuerySet[Membership]:
    return (
        Membership.objects.select_for_update()
        .filter(blog_id=target.blog_id, role=Membership.Role.ADMIN)
        .exclude(pk=target.pk)
    )


@transaction.atomic
def set_post_by_email(member: Membership, *, publish: bool, rotate: bool = False) -> PostByEmail:
    """Turn posting by email on for the member's blog (admins only), choose whether mailed posts
    are published or kept as drafts, and with `rotate` give it a new secret address, which
    ends the old one at once (a leaked address is fixed by rotating)."""
    require(member.is_admin, "Only the blog's admins set up posting by email.")
    found, made = PostByEmail.objects.get_or_create(
        blog=member.blog, defaults={"secret": _mail_secret(), "publish": publish}
    )
    if rotate and not made:
        found.secret = _mail_secret()
    found.publish, found.updated_at = publish, timezone.now()
    found.save()
    return found


def _mail_secret() -> str:
    # Lower case only: some mail systems fold the local part of an address.
    return secrets.token_hex(16)
