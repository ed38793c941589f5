"""The Theme page: which theme the blog wears and the blog's choices on it (admins only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from broadsheet.blogs.models import Blog, Membership
from broadsheet.media import actions
from broadsheet.reader import themes
from broadsheet.studio.access import blog_view
from broadsheet.studio.links import public_url
from broadsheet.studio.theme_forms import ThemeForm


@require_http_methods(["GET", "HEAD", "POST"])
@blog_view(admin=True)
def theme(request: HttpRequest, member: Membership) -> HttpResponse:
    """The form, filled with what is stored; on a refusal, with what was typed."""
    blog = Blog.objects.get(pk=member.blog.pk)  # a copy: a failed form must not change member.blog
    form = ThemeForm(request.POST or None, request.FILES or None, instance=blog)
    if request.method == "POST" and _saved(member, form):
        messages.success(request, "Theme saved. Readers see it now.")
        return redirect("studio:theme", member.blog.slug)
    return _page(request, member, form)


def _saved(member: Membership, form: ThemeForm) -> bool:
    if not form.is_valid():
        return False
    remove = bool(form.cleaned_data["remove_favicon"])
    try:
        actions.update_theme(
            member, form.instance, form.cleaned_data["favicon"], remove_favicon=remove
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


def _page(request: HttpRequest, member: Membership, form: ThemeForm) -> HttpResponse:
    home = public_url(request, member.blog)
    previews = [(t, f"{home}?theme={t.name}") for t in themes.available()]
    context = {"member": member, "blog": member.blog, "form": form, "previews": previews}
    context["favicon_url"] = (
        member.blog.favicon_url
    )  # as stored: a refused form must not look saved
    return render(request, "studio/theme.html", context, status=400 if form.errors else 200)
