"""The studio's "Static copy" page: an admin asks for the blog's copy on the server to be
brought up to date, and sees how the last run went.

The page belongs to `publish`, not to the studio: the studio sits below this app (it cannot
import the export), so the page is mounted by the root URLs and only uses the studio's access
helper and base template; the studio's menu shows its link when the route exists.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from broadsheet.blogs.models import Membership
from broadsheet.publish import copies
from broadsheet.publish.models import StaticCopy
from broadsheet.studio.access import blog_view


class StaticCopyForm(forms.Form):
    """The button: nothing to type, but a form all the same, for the CSRF check and the fuzz
    walk (tests/security/fuzz_routes.py)."""


@require_http_methods(["GET", "HEAD", "POST"])
@blog_view(admin=True)
def static_copy(request: HttpRequest, member: Membership) -> HttpResponse:
    folder = copies.folder_for(member.blog)
    if request.method == "POST" and folder is not None and StaticCopyForm(request.POST).is_valid():
        copies.request_copy(member.blog)
        return redirect(request.path)
    context = {
        "member": member,
        "blog": member.blog,
        "folder": folder,
        "copy": StaticCopy.objects.filter(blog=member.blog).first(),
        "form": StaticCopyForm(),
    }
    return render(request, "publish/static_copy.html", context)
