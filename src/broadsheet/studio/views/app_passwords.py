""" "App passwords": the secrets a person gives desktop editors and scripts (the API) instead
of their own password. Each is shown once, when it is made; the list shows its last use."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from broadsheet.blogs import app_passwords
from broadsheet.blogs.models import AppPassword, Blog
from broadsheet.studio.access import signed_out
from broadsheet.studio.forms import AppPasswordForm
from broadsheet.studio.views.blogs import places_of


@require_http_methods(["GET", "HEAD", "POST"])
def app_password_list(request: HttpRequest) -> HttpResponse:
    """The list and the form; a POST that makes one shows its secret on the answer, once."""
    if not isinstance(request.user, User):
        return signed_out(request)
    blogs = _blogs(request.user)
    choices = [(b.slug, b.title) for b in blogs]
    if request.method != "POST":
        return _page(request, AppPasswordForm(blogs=choices))
    form = AppPasswordForm(request.POST, blogs=choices)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        row, secret = _create(request.user, form, blogs)
    except ValidationError as error:
        form.add_error(None, error)
        return _page(request, form, status=400)
    return _page(request, AppPasswordForm(blogs=choices), secret=secret, made=row.name)


def _blogs(user: User) -> list[Blog]:
    return [place.blog for place in places_of(user)]


def _create(user: User, form: AppPasswordForm, blogs: list[Blog]) -> tuple[AppPassword, str]:
    data = form.cleaned_data
    blog = next((b for b in blogs if b.slug == data["blog"]), None)
    scopes = ["read", "write"] if data["access"] == "write" else ["read"]
    row, secret = app_passwords.create(user, data["name"], scopes, blog)
    return row, secret


@require_POST
def app_password_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return signed_out(request)
    if app_passwords.revoke(request.user, pk):
        messages.success(request, "The app password is revoked: programs using it are out.")
    return redirect("studio:app-passwords")


def _page(
    request: HttpRequest, form: AppPasswordForm, status: int = 200, **shown: object
) -> HttpResponse:
    assert isinstance(request.user, User)  # both callers have checked
    context = {"form": form, "passwords": app_passwords.listed(request.user), **shown}
    # The secret must not be kept by a browser's cache or a proxy: it is shown once.
    response = render(request, "studio/app_passwords.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response
