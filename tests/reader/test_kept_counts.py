"""The sidebar's data kept between post writes (`reader.tallied.kept`): read again when
something it shows moved or a scheduled post's time came, and only then."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from broadsheet.blogs.actions import bump_content_version, save_profile
from broadsheet.blogs.models import Blog
from broadsheet.blogs.people import profile_of
from broadsheet.posts.actions import save_page, save_post
from broadsheet.posts.models import Label, Page, Post
from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db


def home() -> str:
    response = Client().get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_an_edit_reads_no_count_and_shows_the_same_counts(make_post: MakePost) -> None:
    post = make_post("Rhubarb, forced", labels=("Veg",))
    home()
    post.source = "Under a bucket since January."
    save_post(post, labels=("Veg",), now=NOON)
    with CaptureQueriesContext(connection) as queries:
        page = home()
    assert "Under a bucket since January." in page
    assert 'Veg</a> <span class="count">(1)</span>' in page
    counting = [q for q in queries.captured_queries if "tally " in q["sql"]]
    assert not counting  # posts_daytally, posts_labeltally: the stamp alone was read


def test_a_label_renamed_in_the_admin_shows_on_the_next_page(make_post: MakePost) -> None:
    make_post("Rhubarb, forced", labels=("Veg",))
    assert 'Veg</a> <span class="count">(1)</span>' in home()
    label = Label.objects.get(name="Veg")
    label.name = "Vegetables"
    label.save()  # no action renames a label: a write around them, then any write's bump
    bump_content_version(label.blog)
    assert 'Vegetables</a> <span class="count">(1)</span>' in home()


def test_a_scheduled_post_is_counted_from_its_time(make_post: MakePost) -> None:
    make_post("Rhubarb, forced", labels=("Veg",))
    soon = make_post("Leeks", published_at=NOON + dt.timedelta(hours=1), labels=("Veg",))
    assert soon.status == Post.Status.SCHEDULED
    with time_machine.travel(NOON, tick=False):
        assert 'Veg</a> <span class="count">(1)</span>' in home()
    with time_machine.travel(NOON + dt.timedelta(hours=2), tick=False):
        page = home()
    assert 'Veg</a> <span class="count">(2)</span>' in page
    assert re.search(r'October( 2024)?</a> <span class="count">\(2\)', page)


def test_the_next_page_shows_a_new_page_a_new_bio_and_a_retitled_featured_post(
    blog: Blog, author: User, make_post: MakePost
) -> None:
    post = make_post("Rhubarb, forced")
    home()
    save_page(Page(blog=blog, title="Colophon", source="Hi", status="published"))
    profile = profile_of(author)
    profile.bio = "Grows rhubarb in the dark."
    save_profile(profile)
    post.title = "Rhubarb, forced early"
    save_post(post, now=NOON)
    page = home()
    assert ">Colophon</a>" in page
    assert "Grows rhubarb in the dark." in page
    assert page.count("Rhubarb, forced early") >= 2  # the listing and the featured post
