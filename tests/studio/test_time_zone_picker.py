"""The time-zone picker: a text box with the zones as suggestions, read the forgiving way."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User

from broadsheet.blogs.models import Blog
from broadsheet.studio.timezones import describe, find_zone, offset_text
from tests.conftest import SignIn
from tests.studio.conftest import url
from tests.studio.test_blog_settings import SETTINGS_PUBLIC

pytestmark = pytest.mark.django_db
JANUARY = dt.datetime(2025, 1, 15, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Paris", "Europe/Paris"),
        ("  europe/paris ", "Europe/Paris"),
        ("New York", "America/New_York"),
        ("kathmandu", "Asia/Kathmandu"),
        ("UTC", "UTC"),
        ("Mars/Olympus", None),
        ("", None),
    ],
)
def test_what_people_type_finds_the_zone(typed: str, zone: str | None) -> None:
    assert find_zone(typed) == zone


def test_offsets_and_clocks_are_shown_as_people_read_them() -> None:
    assert offset_text("Asia/Kathmandu", JANUARY) == ("UTC+05:45", "17:45")
    assert offset_text("America/St_Johns", JANUARY) == ("UTC-03:30", "08:30")
    assert "Now in Europe/Paris: 13:00 (UTC+01:00)." in describe("Europe/Paris", JANUARY)


def test_the_field_suggests_every_zone_without_a_select(
    blog: Blog, admin: User, signed_in: SignIn
) -> None:
    page = signed_in(admin).get(url("blog-settings", blog.slug)).content.decode()
    field = re.search(r'<input[^>]*name="time_zone"[^>]*>', page)
    assert field is not None and 'list="id_time_zone-options"' in field.group()
    assert '<select name="time_zone"' not in page
    options = re.search(r'<datalist id="id_time_zone-options">(.*?)</datalist>', page, re.S)
    assert options is not None and options.group(1).count("<option") > 300
    assert re.search(
        r'<option value="Asia/Kathmandu" label="Asia · UTC\+05:45 · \d\d:\d\d now">', page
    )


def test_a_typed_city_is_saved_as_its_zone(blog: Blog, admin: User, signed_in: SignIn) -> None:
    data = SETTINGS_PUBLIC | {"time_zone": "tokyo"}
    assert signed_in(admin).post(url("blog-settings", blog.slug), data).status_code == 302
    blog.refresh_from_db()
    assert blog.time_zone == "Asia/Tokyo"


def test_an_unknown_zone_is_refused_and_kept(blog: Blog, admin: User, signed_in: SignIn) -> None:
    before = blog.time_zone
    data = SETTINGS_PUBLIC | {"time_zone": "Mars/Olympus", "title": "Kept title"}
    response = signed_in(admin).post(url("blog-settings", blog.slug), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "“Mars/Olympus” is not a time zone we know." in page
    assert 'value="Mars/Olympus"' in page and 'value="Kept title"' in page
    blog.refresh_from_db()
    assert blog.time_zone == before


def test_a_new_blog_takes_a_typed_zone(operator: User, signed_in: SignIn) -> None:
    data = {"title": "Tide tables", "slug": "tides", "time_zone": "lisbon", "language": "en"}
    assert signed_in(operator).post(url("blog-new"), data).status_code == 302
    assert Blog.objects.get(slug="tides").time_zone == "Europe/Lisbon"
