"""What Blogger's API lacks and editors need: the blog's labels, and image uploads (stored as
the studio's uploads are, `media.actions.upload_image`, within the member's hourly limit)."""

from __future__ import annotations

import io
from typing import IO

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from broadsheet.api import access
from broadsheet.api.endpoint import endpoint, ok
from broadsheet.api.errors import ApiError
from broadsheet.api.resources import image_json, label_json, listing
from broadsheet.blogs.app_passwords import Grant
from broadsheet.media import actions
from broadsheet.posts.models import Label, Post


@endpoint("GET")
def labels(request: HttpRequest, grant: Grant, blog_id: str) -> HttpResponse:
    """The blog's labels with the number of live posts carrying each (the Labels gadget)."""
    member = access.member_for(grant, blog_id)
    live = Q(posts__status__in=(Post.Status.PUBLISHED, Post.Status.SCHEDULED))
    live &= Q(posts__published_at__lte=timezone.now())
    counted = Label.objects.filter(blog=member.blog).annotate(live=Count("posts", filter=live))
    items = [label_json(label, label.live) for label in counted.order_by("name")[:1000]]
    return ok(listing("broadsheet#labelList", items, None))


@endpoint("POST")
def media(request: HttpRequest, grant: Grant, blog_id: str) -> HttpResponse:
    """An image upload: multipart with the file as `image` (and `alt`), or the image itself as
    the body with its own Content-Type (`?name=` and `?alt=` then)."""
    member = access.member_for(grant, blog_id)
    upload, name, alt = _upload(request)
    image = actions.upload_image(member, upload, name[:255], alt[:500])
    return ok(image_json(image, member.blog))


def _upload(request: HttpRequest) -> tuple[IO[bytes], str, str]:
    kind = request.content_type or ""
    if kind.startswith("multipart/form-data"):
        found = request.FILES.get("image")
        if found is None:
            raise ApiError("invalid", "Send the file in the field named image.", field="image")
        return found, found.name or "image", str(request.POST.get("alt", ""))
    if kind.startswith("image/"):
        name = request.GET.get("name", "image")
        return io.BytesIO(request.body), name, request.GET.get("alt", "")
    raise ApiError("unsupportedMediaType", "Send multipart/form-data or an image/* body.")
