"""The editor's helpers: the live preview and image uploads; and serving uploaded media."""

from __future__ import annotations

import errno

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.static import serve

from broadsheet.blogs.models import Membership
from broadsheet.blogs.quotas import OverQuota
from broadsheet.core import markup
from broadsheet.media import actions
from broadsheet.media.models import UploadedImage
from broadsheet.studio.access import blog_view
from broadsheet.studio.forms import ImageUploadForm, PreviewForm
from broadsheet.studio.throttle import throttled


@require_POST
@blog_view(json=True)
@throttled("preview")
def preview(request: HttpRequest, member: Membership) -> HttpResponse:
    """The typed text through the public pages' own pipeline, as an HTML fragment."""
    form = PreviewForm(request.POST)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]  # an unknown format, a body too long
        return HttpResponse(first, status=400, content_type="text/plain; charset=utf-8")
    data = form.cleaned_data
    # The blog's id lets a pasted video show the poster the blog already stored.
    html = markup.render(data["source"], data["source_format"], blog_id=member.blog_id)
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@require_http_methods(["GET", "HEAD", "POST"])
@blog_view(json=True)
def images(request: HttpRequest, member: Membership) -> HttpResponse:
    """The blog's images with their snippets, and the upload form. The editor's script posts
    here too, asking for JSON."""
    posted = request.method == "POST"
    form = ImageUploadForm(request.POST, request.FILES) if posted else ImageUploadForm()
    wants_json = "application/json" in request.headers.get("Accept", "")
    uploaded = None
    if posted:
        uploaded = _upload(member, form)
        if wants_json:
            return _as_json(form, uploaded)
        if uploaded is not None:
            messages.success(request, "Image uploaded. Copy its HTML into your post.")
            form = ImageUploadForm()
    context = {
        "member": member,
        "blog": member.blog,
        "form": form,
        "uploaded": uploaded,
        "images": UploadedImage.objects.filter(blog=member.blog)[:60],
    }
    status = (429 if form.retry_after is not None else 400) if form.errors else 200
    return render(request, "studio/images.html", context, status=status)


def _upload(member: Membership, form: ImageUploadForm) -> UploadedImage | None:
    if not form.is_valid():
        return None
    upload = form.cleaned_data["image"]
    try:
        return actions.upload_image(member, upload, upload.name or "", form.cleaned_data["alt"])
    except OverQuota as error:
        form.add_error(None, error)
        form.retry_after = error.retry_after
        return None
    except ValidationError as error:
        form.add_error(None, error)
        return None


def _as_json(form: ImageUploadForm, uploaded: UploadedImage | None) -> JsonResponse:
    if uploaded is None:
        errors = [str(message) for messages_ in form.errors.values() for message in messages_]
        if form.retry_after is not None:
            return _too_many(errors, form.retry_after)
        return JsonResponse({"errors": errors}, status=400)
    return JsonResponse({"snippet": uploaded.snippet(), "src": uploaded.src})


def _too_many(errors: list[str], retry_after: int) -> JsonResponse:
    body = {"error": "over-quota", "errors": errors, "retry_after": retry_after}
    response = JsonResponse(body, status=429)
    response["Retry-After"] = str(retry_after)
    return response


@require_safe
def serve_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded files from MEDIA_ROOT, for the embedded set-up (no nginx or object storage).

    Every stored name holds a random folder, so a file never changes: browsers and CDNs may
    keep it for a year. Off (404) when BROADSHEET_SERVE_MEDIA is false.
    """
    if not settings.SERVE_MEDIA:
        raise Http404("Media are served by the web server.")
    try:
        response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    except OSError as error:
        # A name longer than the file system takes (a part over 255 bytes, a path over 4 KB)
        # is no stored file: Django's `serve` lets the OS's refusal out as a 500.
        if error.errno != errno.ENAMETOOLONG:
            raise
        raise Http404("No such file.") from None
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
    return response
