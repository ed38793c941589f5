"""Workflows over a blog's layout: placing, moving, removing and configuring gadgets.

Kept beside `blogs.actions` rather than in it: one concern, read with `blogs.layout`. Every
action takes the acting member, allows only the blog's admins (`NotAllowed` otherwise), runs
in one transaction with the blog's row locked (two admins pressing "Up" at once must not give
two gadgets one place), and moves the content and sidebar versions, so cached pages and the
cached sidebar show the new layout on the next request.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from broadsheet.blogs.access import require
from broadsheet.blogs.actions import bump_content_version
from broadsheet.blogs.layout import (
    PLACEABLE,
    REPEATABLE,
    Area,
    Gadget,
    clean_config,
    default_gadgets,
    defaults,
)
from broadsheet.blogs.models import Blog, Membership

ADMINS_ONLY = "Only the blog's admins change its layout."


def _lock(member: Membership) -> Blog:
    require(member.is_admin, ADMINS_ONLY)
    return Blog.objects.select_for_update().get(pk=member.blog_id)


def stored_layout(blog: Blog) -> list[Gadget]:
    """The blog's gadgets as rows, storing the default layout first if it has none (a blog
    made around `create_blog`): the studio needs rows to name. Readers see no change."""
    stored = list(Gadget.objects.filter(blog=blog).order_by("position", "pk"))
    if stored:
        return stored
    with transaction.atomic():
        Blog.objects.select_for_update().filter(pk=blog.pk).first()
        if not Gadget.objects.filter(blog=blog).exists():
            Gadget.objects.bulk_create(default_gadgets(blog))
    return list(Gadget.objects.filter(blog=blog).order_by("position", "pk"))


@transaction.atomic
def add_gadget(member: Membership, area: str, kind: str) -> Gadget:
    """Place a new gadget of `kind` at the end of `area`, with the kind's default options.

    ValidationError for a kind that is not placed by hand or an area other than the sidebar
    and footer, and for a second gadget of a kind a blog has one of (its archive, its search).
    """
    blog = _lock(member)
    if kind not in PLACEABLE or area not in (Area.SIDEBAR, Area.FOOTER):
        raise ValidationError("Choose a gadget and the sidebar or the footer.")
    layout = stored_layout(blog)
    if kind not in REPEATABLE and any(gadget.kind == kind for gadget in layout):
        raise ValidationError("This blog already shows that gadget: move it instead.")
    last = max((gadget.position for gadget in layout), default=-1)
    gadget = Gadget.objects.create(
        blog=blog, area=area, kind=kind, position=last + 1, config=defaults(kind)
    )
    bump_content_version(blog)
    return gadget


@transaction.atomic
def move_gadget(member: Membership, gadget: Gadget, steps: int) -> None:
    """Swap the gadget with its neighbour in its area (`steps` -1: up, 1: down); at either
    end of the area, nothing moves."""
    blog = _lock(member)
    area = [row for row in stored_layout(blog) if row.area == gadget.area]
    index = next(i for i, row in enumerate(area) if row.pk == gadget.pk)
    other = index + (1 if steps > 0 else -1)
    if not 0 <= other < len(area):
        return
    mine, theirs = area[index], area[other]
    mine.position, theirs.position = theirs.position, mine.position
    Gadget.objects.bulk_update([mine, theirs], ["position"])
    bump_content_version(blog)


@transaction.atomic
def remove_gadget(member: Membership, gadget: Gadget) -> None:
    """Take a gadget off the layout (the header and the attribution line stay)."""
    blog = _lock(member)
    require(gadget.removable, "The header and the footer's attribution line stay.")
    Gadget.objects.filter(pk=gadget.pk, blog=blog).delete()
    bump_content_version(blog)


@transaction.atomic
def configure_gadget(member: Membership, gadget: Gadget, title: str, config: Any) -> Gadget:
    """Store a gadget's title and options, checked (`clean_config`: ValidationError keyed by
    option for a value the gadget cannot show)."""
    blog = _lock(member)
    gadget.config = clean_config(gadget.kind, config)
    gadget.title = title.strip()[:100]
    gadget.save(update_fields=["title", "config"])
    bump_content_version(blog)
    return gadget


@transaction.atomic
def configure_header(
    member: Membership, gadget: Gadget, config: Any, title: str, description: str
) -> Gadget:
    """The header's options, with the blog's title and description that it shows: the same
    two settings the Settings page edits, so either page may change them."""
    blog = _lock(member)
    if not title.strip():
        raise ValidationError({"blog_title": "A blog needs a title."})
    Blog.objects.filter(pk=blog.pk).update(title=title.strip()[:200], description=description)
    return configure_gadget(member, gadget, "", config)
