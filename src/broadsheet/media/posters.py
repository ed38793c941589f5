"""Stored embed posters, looked up by the rendering pipeline (`core.embeds.on_poster`)."""

from __future__ import annotations

from broadsheet.media.models import EmbedPoster


def stored_poster(blog_id: int, key: str) -> str | None:
    """The local URL of the poster `blog_id` stored for the embed `key`, if it has one."""
    poster = EmbedPoster.objects.filter(blog_id=blog_id, key=key).select_related("image").first()
    return poster.image.src if poster is not None and poster.image is not None else None
