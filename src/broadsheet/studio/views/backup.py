"""The studio's "Back up content" page: the blog as a Blogger file, a WordPress file or a
Broadsheet backup, downloaded. For the blog's admins only, like the import page.

A download is a POST from the page's own form (with its CSRF token), though it changes
nothing: writing an export is a full pass over the blog and a file the size of it, and a POST
keeps any other site, a link preview or a prefetcher from setting one off in an admin's
browser (session cookies still go with a cross-site GET navigation).
"""

from __future__ import annotations

from django import forms
from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from broadsheet.blogs.hosts import origin
from broadsheet.blogs.models import Blog, Membership
from broadsheet.portability.downloads import EXPORTS, download_name, export_file
from broadsheet.studio.access import blog_view


class BackupForm(forms.Form):
    format = forms.ChoiceField(
        choices=[(kind, kind) for kind in EXPORTS],
        error_messages={
            "required": "Choose one of the three downloads.",
            "invalid_choice": "Choose one of the three downloads.",
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@blog_view(admin=True)
def backup(request: HttpRequest, member: Membership) -> HttpResponseBase:
    """The three downloads; posting one of them answers with its file."""
    form = BackupForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        return download(member.blog, form.cleaned_data["format"])
    blog_origin = origin(member.blog)
    context = {"member": member, "blog": member.blog, "form": form, "blog_origin": blog_origin}
    return render(request, "studio/backup.html", context, status=400 if form.errors else 200)


def download(blog: Blog, kind: str) -> FileResponse:
    name = download_name(blog, kind, timezone.localdate())
    content_type = EXPORTS[kind].content_type
    response = FileResponse(
        export_file(blog, kind), as_attachment=True, filename=name, content_type=content_type
    )
    # A private blog's drafts and commenters' addresses: no cache on the way may keep them.
    response["Cache-Control"] = "no-store"
    return response
