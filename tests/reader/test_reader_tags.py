"""The reader's filters that keep what they formatted: the same text as Django's formatter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import dateformat, translation

from broadsheet.blogs.models import Blog
from broadsheet.reader.templatetags.reader_tags import date_header

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


def test_a_format_with_the_clock_is_refused_for_a_day_each_time(blog: Blog) -> None:
    blog.date_header_format = "F j, Y g:i A"
    for _ in range(2):  # nothing kept for a format Django refuses
        with pytest.raises(TypeError):
            date_header(dt.date(2024, 10, 20), blog)
