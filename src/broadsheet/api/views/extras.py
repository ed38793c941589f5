"""What Blogger's API lacks and editors need: the blog's labels, and image uploads (stored as
the studio's uploads are, `media.actions.upload_image`, within the member's hourly limit)."""

from __future__ import annotations

import io
from typing import IO

from django.db.models import Count
from django.http import HttpRequest, HttpResponse

from broadsheet.api import access, params
from broadsheet.api.endpoint import endpoint, ok
from broadsheet.api.errors import ApiError
from broadsheet.api.resources import image_json, label_json, listing
from broadsheet.blogs.app_passwords import Grant
from broadsheet.media import actions
from broadsheet.posts.models import Label, Post, live

# A page of labels: an editor's label picker takes them all at once on most blogs, as it did
# before the list had pages.
LABELS_PER_PAGE = 1000


@endpoint("GET")
def labels(request: HttpRequest, grant: Grant, blog_id: str) -> HttpResponse:
    """The blog's labels by name, a page at a time, with the number of live posts carrying
    each (the Labels gadget's count).

    The page is chosen first and only its labels' posts are counted: counting every label's
    posts and then keeping a thousand took the database through all of a blog's label links
    on every request (100,000 labels: docs/api.md, bench/RESULTS.md).
    """
    member = access.member_for(grant, blog_id)
    paging = params.paging(request, LABELS_PER_PAGE, LABELS_PER_PAGE)
    names = Label.objects.filter(blog=member.blog).order_by("name", "pk").only("name")
    page, after = paging.slice(names)
    counts = _live_counts([label.pk for label in page])
    items = [label_json(label, counts.get(label.pk, 0)) for label in page]
    return ok(listing("broadsheet#labelList", items, after))


def _live_counts(label_ids: list[int]) -> dict[int, int]:
    """How many live posts (published, or scheduled and come due) carry each of these labels."""
    links = Post.labels.through.objects.filter(live(through="post__"), label_id__in=label_ids)
    counted: dict[int, int] = dict(links.values_list("label_id").annotate(n=Count("post_id")))
    return counted


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
