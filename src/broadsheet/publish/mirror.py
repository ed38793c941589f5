"""The continuous mirror (`BROADSHEET_STATIC_MIRROR`): the blog's static copy brought up to
date after every write that changes what readers see.

Every such write moves the blog's content version (`blogs.actions.bump_content_version`: a
post, a comment published or revised, a like or repost, a setting, a gadget), which calls
`on_content_moved`'s hooks after its commit; `PublishConfig.ready` registers `blog_changed`.
It only asks for a copy (`copies.request_copy`): a burst of writes runs one or two
incremental exports, not one each. (It heard only posts and comments published before, so a
comment revised, a like or a setting changed left the copy stale until the next post.)
"""

from __future__ import annotations

from django.conf import settings

from broadsheet.blogs.models import Blog
from broadsheet.publish.copies import request_copy


def blog_changed(blog_id: int) -> None:
    """Something a reader sees on the blog moved: ask for a copy."""
    if not settings.STATIC_MIRROR:
        return  # before any query: this runs after every write of every site
    blog = Blog.objects.filter(pk=blog_id).first()
    if blog is not None:
        request_copy(blog)
