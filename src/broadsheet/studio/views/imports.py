"""The studio's import page: upload a Blogger, WordPress or Broadsheet file, then watch the
job run in the background. For the blog's admins only (others get the studio's 404 or 403).

The job page shows a `<progress>` element that a small static script refreshes from the
JSON endpoint; without JavaScript the page offers a Refresh link instead.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from broadsheet.blogs.models import Membership
from broadsheet.portability.jobs import read_progress, start_job
from broadsheet.portability.models import ImportJob
from broadsheet.studio.access import blog_view, import_job_for


class ImportForm(forms.Form):
    format = forms.ChoiceField(
        label="What the file is",
        choices=ImportJob.Format.choices,
        widget=forms.RadioSelect,
        initial=ImportJob.Format.BLOGGER,
    )
    file = forms.FileField(
        label="File",
        error_messages={"required": "Choose the file to import."},
    )
    download_images = forms.BooleanField(
        label="Copy the posts' images into this blog's media",
        required=False,
        help_text="Otherwise they stay linked where they are now. Not used for Broadsheet "
        "backups, which carry their media.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def import_page(request: HttpRequest, blog_slug: str) -> HttpResponse:
    return _import_page(request, blog_slug)


@blog_view(admin=True)
def _import_page(request: HttpRequest, member: Membership) -> HttpResponse:
    """The upload form and the blog's recent imports."""
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        job = _start(request, member, form)
        return redirect(_job_url(job))
    context = {
        "member": member,
        "blog": member.blog,
        "form": form,
        "jobs": ImportJob.objects.filter(blog=member.blog)[:10],
    }
    return render(request, "portability/import.html", context, status=400 if form.errors else 200)


def _start(request: HttpRequest, member: Membership, form: ImportForm) -> ImportJob:
    upload = form.cleaned_data["file"]
    user = request.user if request.user.is_authenticated else None
    return start_job(
        member.blog,
        user,
        upload.chunks(),
        file_name=upload.name or "upload",
        format=form.cleaned_data["format"],
        download_images=form.cleaned_data["download_images"],
    )


@require_GET
def job_page(request: HttpRequest, blog_slug: str, pk: int) -> HttpResponse:
    return _job_page(request, blog_slug, pk)


@blog_view(admin=True)
def _job_page(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    job = import_job_for(member, pk)
    context = {"member": member, "blog": member.blog, "job": job, **_state(job)}
    return render(request, "portability/job.html", context)


@require_GET
def job_progress(request: HttpRequest, blog_slug: str, pk: int) -> HttpResponse:
    return _job_progress(request, blog_slug, pk)


@blog_view(admin=True, json=True)
def _job_progress(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    """The job's state as JSON, for the progress script."""
    job = import_job_for(member, pk)
    state = _state(job)
    state["report"] = job.report.splitlines()
    response = JsonResponse(state)
    response["Cache-Control"] = "no-store"
    return response


def _state(job: ImportJob) -> dict[str, Any]:
    step = read_progress(job)
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "finished": job.finished,
        "bytes_read": step["bytes_read"],
        "total_bytes": job.total_bytes,
        "records": step["records"],
        "message": job.message,
    }


def _job_url(job: ImportJob) -> str:
    return reverse("portability-studio:job", args=[job.blog.slug, job.pk])
