"""Background work for the studio (django-tasks): the password-reset mail."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from broadsheet.blogs.hosts import site_origin


@task()
def send_password_reset(user_id: int) -> None:
    """Mail a link to choose a new password; nothing if the account can no longer use one.

    The token is made here from the user's id, so it never sits in the task queue's table; the
    link names the configured site origin, never the Host header of the request that asked.
    """
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password() or not getattr(user, "email", ""):
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("studio:password-reset-confirm", args=[uid, token])
    context = {"user": user, "site": site_origin(), "link": site_origin() + path}
    subject = render_to_string("studio/email/password_reset_subject.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=render_to_string("studio/email/password_reset.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
