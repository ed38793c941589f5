"""The blog's own images in exported bodies: absolute addresses, and WordPress's attachments.

An export leaves the site, so `/media/…` in a body means nothing where it lands: every
address of an uploaded file is written under the blog's origin (the export's `base`, never a
request's Host).

WordPress's importer brings images along only as attachment items: it downloads each
`wp:attachment_url` into its own media library, then replaces that address (and the item's
guid) wherever a post shows it, by plain string replacement. So in a WXR body each of the
blog's uploads is shown by its largest file, which is the attachment's address, and its
`srcset` and `sizes` are dropped: WordPress makes its own sizes, and a srcset left pointing
here would keep readers loading the pictures from the old site after the move.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from html import escape

from django.conf import settings
from django.core.files.storage import default_storage

from broadsheet.blogs.models import Blog
from broadsheet.media.models import UploadedImage
from broadsheet.portability.image_html import Tag, image_tags, srcset_urls

CHUNK = 500
Changes = dict[str, str | None]  # attribute → new value; None removes it


def absolute(url: str, base: str) -> str:
    """`/media/…` under `base`; any other address (already absolute, another path) as it is."""
    relative = settings.MEDIA_URL.startswith("/") and not url.startswith("//")
    return base.rstrip("/") + url if relative and url.startswith(settings.MEDIA_URL) else url


def absolute_media(html: str, base: str) -> str:
    """The body with every media address of its `<img>` and `<a>` tags made absolute."""
    if settings.MEDIA_URL not in html:  # most bodies: no parse needed
        return html
    return _retag(html, lambda tag: _absolute_attrs(tag, base))


class Uploads:
    """The blog's uploaded images by the address of each of their files, for the WXR export.

    Holds one entry per stored file of the blog (a few per image), not the files themselves.
    """

    def __init__(self, blog: Blog, base: str) -> None:
        self.blog, self.base = blog, base.rstrip("/")
        self.image_of: dict[str, int] = {}
        self.largest: dict[int, str] = {}
        self.parent: dict[int, int] = {}
        rows = UploadedImage.objects.filter(blog=blog).values_list("pk", "variants")
        for pk, variants in rows.iterator(chunk_size=CHUNK):
            for variant in variants:
                self.image_of[default_storage.url(variant["name"])] = pk
            if variants:
                widest = max(variants, key=lambda variant: variant["width"])
                self.largest[pk] = absolute(default_storage.url(widest["name"]), self.base)

    def body(self, html: str, number: int) -> str:
        """A WXR item's body: uploads shown by their attachment's address; `number` (the
        item's) becomes the parent of each upload it is the first to show."""
        if not self.image_of:
            return absolute_media(html, self.base)
        return _retag(html, lambda tag: self._wordpress_attrs(tag, number))

    def images(self) -> Iterator[tuple[UploadedImage, str, int]]:
        """Each upload with a file: its attachment address and the item that first shows it."""
        images = UploadedImage.objects.filter(blog=self.blog).order_by("pk")
        for image in images.select_related("uploaded_by").iterator(chunk_size=CHUNK):
            if image.pk in self.largest:
                yield image, self.largest[image.pk], self.parent.get(image.pk, 0)

    def _wordpress_attrs(self, tag: Tag, number: int) -> Changes | None:
        found = [self.image_of[url] for url in tag.urls() if url in self.image_of]
        if not found or found[0] not in self.largest:
            return _absolute_attrs(tag, self.base)
        self.parent.setdefault(found[0], number)
        if tag.name == "a":
            return {"href": self.largest[found[0]]}
        return {"src": self.largest[found[0]], "srcset": None, "sizes": None}


def _absolute_attrs(tag: Tag, base: str) -> Changes | None:
    changes: Changes = {}
    for name in ("src", "href"):
        value = tag.get(name).strip()
        if value and absolute(value, base) != value:
            changes[name] = absolute(value, base)
    srcset = tag.get("srcset")
    if srcset and any(absolute(url, base) != url for url in srcset_urls(srcset)):
        changes["srcset"] = _absolute_srcset(srcset, base)
    return changes or None


def _absolute_srcset(value: str, base: str) -> str:
    candidates = [part.strip().split(None, 1) for part in value.split(",") if part.strip()]
    return ", ".join(" ".join([absolute(url, base), *rest]) for url, *rest in candidates)


def _retag(html: str, changes_for: Callable[[Tag], Changes | None]) -> str:
    """Write anew only the start tags `changes_for(tag)` changes; every other byte stays."""
    pieces, done = [], 0
    for tag in image_tags(html):
        changes = changes_for(tag)
        if changes:
            pieces += [html[done : tag.start], _written(tag, changes)]
            done = tag.end
    return "".join(pieces) + html[done:]


def _written(tag: Tag, changes: Changes) -> str:
    kept = [(key, changes.get(key, value)) for key, value in tag.attrs]
    # A removed attribute is dropped; a bare one (`<img ismap>`) stays bare.
    text = "".join(
        f" {key}" if value is None else f' {key}="{escape(value, quote=True)}"'
        for key, value in kept
        if not (key in changes and changes[key] is None)
    )
    return f"<{tag.name}{text}{' /' if tag.self_closing else ''}>"
