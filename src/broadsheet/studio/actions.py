"""The studio's workflows outside writing: blogs, members and invitations, images.

Like the post actions, each takes the acting member (or user), checks the role rules first and
raises `NotAllowed` when they forbid the act, so a forged request gets no further than a
button would.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from pathlib import PurePosixPath
from typing import IO

from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from broadsheet.blogs.models import Blog, Membership
from broadsheet.posts.actions import NotAllowed, require
from broadsheet.studio import images
from broadsheet.studio.models import Invitation, UploadedImage

INVITATION_LIFETIME = dt.timedelta(days=14)
LAST_ADMIN = "A blog needs at least one admin: make someone else an admin first."


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
    return blog


@transaction.atomic
def save_blog_settings(member: Membership, blog: Blog) -> Blog:
    """Store a blog's changed settings; readers see them at once (the content version moves).

    Making this blog the site's default takes that place from the one that had it.
    """
    require(member.is_admin and member.blog_id == blog.pk, "Only the blog's admins change it.")
    if blog.is_default:
        Blog.objects.filter(is_default=True).exclude(pk=blog.pk).update(is_default=False)
    blog.save()
    blog.bump_content_version()
    return blog


# Members and invitations


@transaction.atomic
def invite(
    member: Membership, email: str, role: str, link_base: str, *, now: dt.datetime | None = None
) -> Invitation:
    """Email a link that lets its holder join the blog with `role` (for 14 days, once).

    `link_base` is the site's address as the inviting admin sees it (`https://host/`).
    """
    require(member.is_admin, "Only the blog's admins invite people.")
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        blog=member.blog,
        email=email,
        role=role,
        token_hash=Invitation.hash_token(token),
        invited_by=member.user,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    link = f"{link_base.rstrip('/')}/studio/invitations/{token}/"
    transaction.on_commit(lambda: _send_invitation(invitation, link))
    return invitation


def _send_invitation(invitation: Invitation, link: str) -> None:
    context = {"invitation": invitation, "link": link, "days": INVITATION_LIFETIME.days}
    send_mail(
        subject=f"You are invited to write on {invitation.blog.title}",
        message=render_to_string("studio/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def find_invitation(token: str, now: dt.datetime | None = None) -> Invitation | None:
    """The open invitation this link's token belongs to, if any."""
    return (
        Invitation.objects.open(now)
        .select_related("blog")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


@transaction.atomic
def accept_invitation(
    invitation: Invitation, user: User, *, now: dt.datetime | None = None
) -> Membership:
    """Make `user` a member with the invited role. Someone who is a member already keeps the
    role they have (an invitation never demotes); the link is used up either way."""
    now = now or timezone.now()
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_open(now):
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


# Images


def store_image(
    member: Membership, upload: IO[bytes], name: str, alt: str, *, now: dt.datetime | None = None
) -> UploadedImage:
    """Check an uploaded image, store its widths under MEDIA_ROOT (the default storage) and
    record it. ValidationError (keyed `image`) when the file is refused. Any member may upload.
    """
    now = now or timezone.now()
    try:
        processed = images.process(upload)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from None
    folder = f"images/{now:%Y/%m}/{uuid.uuid4().hex[:12]}"
    stem = slugify(PurePosixPath(name).stem)[:60] or "image"
    variants = [
        {
            "width": variant.width,
            "height": variant.height,
            "name": default_storage.save(
                f"{folder}/{stem}-{variant.width}.{variant.extension}", ContentFile(variant.data)
            ),
        }
        for variant in processed.variants
    ]
    return UploadedImage.objects.create(
        blog=member.blog,
        uploaded_by=member.user,
        original_name=name[:255],
        alt=alt,
        width=processed.width,
        height=processed.height,
        variants=variants,
        created_at=now,
    )
