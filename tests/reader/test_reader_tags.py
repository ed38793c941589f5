"""The reader's filters that keep what they formatted: the same text as Django's formatter."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from django.utils import dateformat, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from broadsheet.blogs.models import Blog
from broadsheet.reader.templatetags.reader_tags import (
    date_header,
    local_comment_time,
    post_time,
)
from tests.conftest import MakePost

pytestmark = pytest.mark.django_db


def test_a_day_header_kept_per_language_is_the_one_django_formats(blog: Blog) -> None:
    day = dt.date(2024, 10, 20)
    for language, fmt in [("en", "l, F j, Y"), ("fr", "l j F Y"), ("de", "D, j. M Y")]:
        blog.date_header_format = fmt
        with translation.override(language):
            for _ in range(2):  # the second time from what was kept
                assert date_header(day, blog) == dateformat.format(day, fmt)
    with translation.override("fr"):
        blog.date_header_format = "l j F Y"
        assert date_header(day, blog) == "dimanche 20 octobre 2024"


def test_a_day_in_a_format_with_the_clock_is_its_first_moment(blog: Blog) -> None:
    blog.date_header_format, blog.time_zone = "F j, Y g:i A T", "Europe/Paris"
    for _ in range(2):  # Django refuses the clock's letters for a date: not a TypeError
        assert date_header(dt.date(2024, 10, 20), blog) == "October 20, 2024 12:00 AM CEST"


@settings(derandomize=True, database=None, max_examples=300, deadline=None)
@given(st.text(alphabet=string.ascii_letters + string.punctuation + " \\", max_size=64))
def test_any_format_a_blog_can_hold_draws_every_date(fmt: str) -> None:
    # The studio's settings, Django's admin and a restored backup store any 64 characters.
    blog = Blog(slug="any", date_header_format=fmt, time_format=fmt, time_zone="Asia/Kolkata")
    moment = dt.datetime(2024, 2, 29, 23, 59, 59, tzinfo=dt.UTC)
    with translation.override("en"):
        for value in (moment, moment.date()):
            assert isinstance(date_header(value, blog), str)
        assert isinstance(post_time(moment, blog), str)
        assert isinstance(local_comment_time(moment, fmt, "en"), str)


def _both(context: dict[str, object]) -> tuple[str, str]:
    """The post page's comment form as the tag draws it, and as the include renders it."""
    from django.template import engines

    engine = engines["django"]
    tag = engine.from_string("{% load reader_tags %}{% comment_form %}")
    include = engine.from_string('{% include "reader/_comment_form.html" %}')
    return tag.render(context), include.render(context)


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"who_can_comment": "members"},
        {"who_can_comment": "users"},
        {"who_can_comment": "named", "comment_challenge": "off"},
        {"comment_form_message": 'Be <b>kind</b> & "brief"\nThanks'},
        {"comments_enabled": False},
    ],
)
def test_the_drawn_comment_form_is_the_included_one(
    blog: Blog, make_post: MakePost, settings: dict[str, object]
) -> None:
    from broadsheet.reader.templatetags import reader_tags

    post = make_post("Rhubarb, forced")
    for name, value in settings.items():
        setattr(blog, name, value)
    for language in ("en", "fr"):
        with translation.override(language):
            for _ in range(2):  # drawn, then from what was kept
                drawn, included = _both({"post": post, "blog": blog})
                assert drawn == included
    post.comments_allowed = False
    assert _both({"post": post, "blog": blog})[0] == _both({"post": post, "blog": blog})[1]
    assert reader_tags.FORMS.kept  # the reader's form was kept


def test_the_form_page_with_a_readers_form_is_never_drawn_from_what_was_kept(
    blog: Blog, make_post: MakePost
) -> None:
    from broadsheet.reader.templatetags import reader_tags

    post = make_post("Rhubarb, forced")
    reader_tags.FORMS.kept.clear()
    _both({"post": post, "blog": blog})
    kept = dict(reader_tags.FORMS.kept)
    for extra in ({"refusal": "Comments are closed."}, {"form_token": "t0k3n"}):
        drawn, included = _both({"post": post, "blog": blog, **extra})
        assert drawn == included
        assert next(iter(extra.values())) in drawn
    assert dict(reader_tags.FORMS.kept) == kept


@pytest.mark.parametrize(
    "fmt", ["l, F j, Y", "D, d M y", "jS \\o\\f F, o-W (z, t, L)", "l j F Y H:i", "F j, Y T", "c"]
)
@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Asia/Kolkata"])
def test_a_moments_header_is_the_one_django_formats_in_the_blogs_zone(
    blog: Blog, fmt: str, zone: str
) -> None:
    from django.utils import timezone

    blog.date_header_format, blog.time_zone = fmt, zone
    for language in ("en", "de"):
        with translation.override(language):
            for hour in (0, 7, 23):
                moment = dt.datetime(2024, 12, 31, hour, 30, tzinfo=dt.UTC)
                local = timezone.localtime(moment, blog.tzinfo)
                assert date_header(moment, blog) == dateformat.format(local, fmt)
