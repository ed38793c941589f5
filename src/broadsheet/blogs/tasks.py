"""Background work for blogs (django-tasks): mail that invites someone to a blog."""

from __future__ import annotations

import secrets

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from broadsheet.blogs.access import invitation_stands
from broadsheet.blogs.hosts import site_origin
from broadsheet.blogs.models import Invitation


@task()
def send_invitation(invitation_id: int) -> None:
    """Mail the invitation's link; nothing if it was revoked before the worker got to it, or
    if whoever sent it is no longer an active admin of the blog (`access.invitation_stands`).

    The link's token is made here and only its hash is stored: the token never sits in the
    task queue's table, where anyone who reads the database could take it.
    """
    invitation = Invitation.objects.filter(pk=invitation_id).select_related("blog").first()
    if invitation is None or not invitation.is_open() or not invitation_stands(invitation):
        return
    token = secrets.token_urlsafe(32)
    invitation.token_hash = Invitation.hash_token(token)
    invitation.save(update_fields=["token_hash"])
    link = f"{site_origin()}/studio/invitations/{token}/"
    context = {"invitation": invitation, "link": link, "days": Invitation.LIFETIME.days}
    # One line: a title a restore or an import brought may hold line breaks, which Django
    # refuses in a header (the invitation was never sent).
    title = " ".join(invitation.blog.title.split())
    send_mail(
        subject=f"You are invited to write on {title}",
        message=render_to_string("blogs/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
