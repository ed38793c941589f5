""" "Your profile": how the signed-in person appears to readers on every blog they write on."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from broadsheet.blogs.models import Profile
from broadsheet.blogs.people import display_name, profile_of
from broadsheet.media import actions
from broadsheet.studio.access import signed_out
from broadsheet.studio.forms import ProfileForm


@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The form, filled with what is stored; on a refusal, with what was typed."""
    if not request.user.is_authenticated:
        return signed_out(request)
    mine, shown = profile_of(request.user), display_name(request.user)
    if request.method != "POST":
        return _page(request, mine, shown, ProfileForm(initial=_initial(mine)))
    form = ProfileForm(request.POST, request.FILES)
    if _saved(form, mine):
        messages.success(request, "Your profile is saved.")
        return redirect("studio:profile")
    return _page(request, mine, shown, form, status=400)


def _saved(form: ProfileForm, mine: Profile) -> bool:
    if not form.is_valid():
        return False
    remove = bool(form.cleaned_data["remove_avatar"])
    try:
        actions.update_profile(form.fill(mine), form.cleaned_data["avatar"], remove_avatar=remove)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


def _initial(mine: Profile) -> dict[str, str]:
    return {"display_name": mine.display_name, "bio": mine.bio, "link": mine.link}


def _page(
    request: HttpRequest, mine: Profile, shown: str, form: ProfileForm, status: int = 200
) -> HttpResponse:
    # `shown` and the picture as stored: a refused form must not look saved.
    context = {"form": form, "shown_name": shown, "avatar_url": mine.avatar_url}
    return render(request, "studio/profile.html", context, status=status)
