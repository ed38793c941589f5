"""Resetting a forgotten password: Django's form and pages, our throttle and our mail."""

from __future__ import annotations

from django.contrib.auth import views as auth
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import User
from django.http import HttpResponse, HttpResponseRedirect

from broadsheet.core.clients import client_ip
from broadsheet.studio.accounts import request_password_reset


class PasswordResetView(auth.PasswordResetView):
    """Django's view, except that the mail is queued (the request never waits on a mail
    server), throttled, and links to the configured origin, not to the request's host."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        request_password_reset(form.cleaned_data["email"], client_ip(self.request))
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth.PasswordResetConfirmView):
    """Django's view, except that a link for a deactivated account is no link at all.

    Django finds the account by id whatever its state, and the token does not cover it: a
    link mailed before the operator turned the account off would still set its password.
    """

    def get_user(self, uidb64: str) -> User | None:
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None
