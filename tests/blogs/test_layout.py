"""A blog's layout: the default every blog starts with, the checked options, and the actions
that place, move, remove and configure gadgets (admins only, each moving the versions)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from broadsheet.blogs import actions, layout_actions
from broadsheet.blogs.access import NotAllowed
from broadsheet.blogs.layout import (
    DEFAULT_LAYOUT,
    Gadget,
    clean_config,
    default_gadgets,
    gadgets_of,
)
from broadsheet.blogs.models import Blog, Membership


def kinds(blog: Blog, area: str = "sidebar") -> list[str]:
    return [gadget.kind for gadget in gadgets_of(blog) if gadget.area == area]


@pytest.fixture
def grace(blog: Blog, admin: User) -> Membership:
    return Membership.objects.get(blog=blog, user=admin)


def test_a_blog_without_rows_shows_the_layout_every_blog_had(blog: Blog) -> None:
    assert not Gadget.objects.filter(blog=blog).exists()
    assert [(g.area, g.kind) for g in gadgets_of(blog)] == DEFAULT_LAYOUT


def test_a_new_blog_gets_the_default_layout_as_rows(operator: User) -> None:
    made = actions.create_blog(operator, Blog(slug="fresh", title="Fresh"))
    stored = Gadget.objects.filter(blog=made).order_by("position")
    assert [(g.area, g.kind) for g in stored] == DEFAULT_LAYOUT


@pytest.mark.parametrize(
    ("kind", "config", "field"),
    [
        ("archive", {"style": "dropdown"}, "style"),
        ("labels", {"sort": 3}, "sort"),
        ("popular", {"count": 0}, "count"),
        ("popular", {"count": True}, "count"),
        ("popular", {"days": 12}, "days"),
        ("links", {"links": [{"text": "x", "url": "javascript:alert(1)"}]}, "links"),
        ("image", {"image": "data:image/png;base64,AAAA"}, "image"),
        ("image", {"link": "javascript:alert(1)"}, "link"),
        ("text", {"text": "x" * 5001}, "text"),
        ("pages", {"order": ["1"]}, "order"),
    ],
)
def test_options_a_gadget_cannot_show_are_refused_by_name(
    kind: str, config: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        clean_config(kind, config)
    assert list(refused.value.message_dict) == [field]


def test_options_keep_defaults_and_drop_what_the_gadget_does_not_read() -> None:
    cleaned = clean_config("labels", {"display": "cloud", "evil": "<script>"})
    assert cleaned == {"display": "cloud", "sort": "name", "counts": True}


def test_admin_places_a_gadget_at_the_end_of_the_footer(
    blog: Blog, grace: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    before = blog.sidebar_version
    with django_capture_on_commit_callbacks(execute=True):
        added = layout_actions.add_gadget(grace, "footer", "text")
    assert kinds(blog, "footer") == ["attribution", "text"]
    assert added.config == {"text": ""}
    blog.refresh_from_db()
    assert blog.sidebar_version > before  # cached sidebars and pages are stale at once


def test_a_blog_has_one_archive_but_any_number_of_text_gadgets(
    blog: Blog, grace: Membership
) -> None:
    with pytest.raises(ValidationError, match="already shows"):
        layout_actions.add_gadget(grace, "sidebar", "archive")
    layout_actions.add_gadget(grace, "sidebar", "text")
    layout_actions.add_gadget(grace, "sidebar", "text")
    assert kinds(blog).count("text") == 2
    with pytest.raises(ValidationError):
        layout_actions.add_gadget(grace, "header", "text")


def test_moving_swaps_with_the_neighbour_and_stops_at_the_ends(
    blog: Blog, grace: Membership
) -> None:
    second = layout_actions.stored_layout(blog)[2]
    layout_actions.move_gadget(grace, second, -1)
    assert kinds(blog)[:2] == ["search", "featured"]
    version = Blog.objects.get(pk=blog.pk).content_version
    layout_actions.move_gadget(grace, Gadget.objects.get(pk=second.pk), -1)
    assert kinds(blog)[:2] == ["search", "featured"]
    assert Blog.objects.get(pk=blog.pk).content_version == version  # nothing moved


def test_removing_keeps_the_header_and_the_attribution(blog: Blog, grace: Membership) -> None:
    rows = layout_actions.stored_layout(blog)
    for gadget in rows:
        if gadget.removable:
            layout_actions.remove_gadget(grace, gadget)
    assert kinds(blog) == []  # an emptied sidebar stays empty, not back to the default
    with pytest.raises(NotAllowed):
        layout_actions.remove_gadget(grace, rows[0])
    assert [g.kind for g in gadgets_of(blog)] == ["header", "attribution"]


def test_configuring_stores_checked_options(blog: Blog, grace: Membership) -> None:
    archive = next(g for g in layout_actions.stored_layout(blog) if g.kind == "archive")
    layout_actions.configure_gadget(grace, archive, "  Older posts ", {"style": "menu"})
    archive.refresh_from_db()
    assert (archive.title, archive.config) == ("Older posts", {"style": "menu"})
    with pytest.raises(ValidationError):
        layout_actions.configure_gadget(grace, archive, "", {"style": "carousel"})
    archive.refresh_from_db()
    assert archive.config == {"style": "menu"}


def test_only_admins_change_the_layout(blog: Blog, author: User, contributor: User) -> None:
    for user in (author, contributor):
        member = Membership.objects.get(blog=blog, user=user)
        with pytest.raises(NotAllowed):
            layout_actions.add_gadget(member, "sidebar", "text")
    assert not Gadget.objects.filter(blog=blog).exists()


def test_the_migration_gives_existing_blogs_the_layout_they_showed(
    blog: Blog, other_blog: Blog
) -> None:
    """Run on today's models: its frozen copy of the default must be the default, options
    and all, or a migrated blog would look different from a new one."""
    from django.apps import apps

    step = importlib.import_module("broadsheet.blogs.migrations.0015_layout")
    step.give_default_layouts(apps, None)
    for each in (blog, other_blog):
        rows = Gadget.objects.filter(blog=each).order_by("position")
        stored = [(g.area, g.kind, g.config) for g in rows]
        assert stored == [(g.area, g.kind, g.config) for g in default_gadgets(each)]
