"""The editor's page actions: admins only, addresses fixed once published."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from broadsheet.blogs.access import NotAllowed
from broadsheet.blogs.models import Membership
from broadsheet.posts.actions import Content, Intent, restore, trash, write_page
from broadsheet.posts.models import Page
from tests.studio.conftest import NOON


def test_admin_publishes_a_page_at_its_address(blog, admin):
    grace = Membership.of(admin, blog)
    page = write_page(grace, None, Content(title="About us", source="Hi"), Intent.PUBLISH, now=NOON)
    assert (page.status, page.slug, page.published_at) == (Page.Status.PUBLISHED, "about-us", NOON)
    assert page.revisions.count() == 1


def test_authors_do_not_write_pages(blog, author):
    with pytest.raises(NotAllowed):
        write_page(Membership.of(author, blog), None, Content(title="x", source=""), Intent.DRAFT)


def test_a_taken_custom_address_is_refused_and_a_title_one_is_numbered(blog, admin):
    grace = Membership.of(admin, blog)
    write_page(grace, None, Content(title="About", source=""), Intent.PUBLISH, now=NOON)
    with pytest.raises(ValidationError) as caught:
        write_page(grace, None, Content(title="X", source="", permalink="about"), Intent.DRAFT)
    assert "/p/about.html" in caught.value.message_dict["permalink"][0]
    second = write_page(grace, None, Content(title="About", source=""), Intent.DRAFT)
    assert second.slug == "about_1"


def test_a_published_page_keeps_its_address(blog, admin):
    grace = Membership.of(admin, blog)
    page = write_page(grace, None, Content(title="About", source=""), Intent.PUBLISH, now=NOON)
    page = write_page(grace, page, Content(title="Who", source="", permalink="who"), Intent.DRAFT)
    assert page.slug == "about" and page.status == Page.Status.DRAFT


def test_pages_go_to_the_trash_and_back(blog, admin):
    grace = Membership.of(admin, blog)
    page = write_page(grace, None, Content(title="About", source=""), Intent.PUBLISH, now=NOON)
    trash(grace, page)
    assert page.status == Page.Status.TRASH
    restore(grace, page)
    assert page.status == Page.Status.DRAFT
