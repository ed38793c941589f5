"""Filters that put dates, counts and comment text the way Blogger's readers know them."""

from __future__ import annotations

import datetime as dt
import functools
import re
from urllib.parse import quote

from django import template
from django.template.context import Context
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import dateformat, timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from broadsheet.blogs.models import Blog
from broadsheet.core import weblinks
from broadsheet.reader.drawn import Drawings, blog_key, drawn

register = template.Library()


def _local(value: dt.datetime, blog: Blog) -> dt.datetime:
    return timezone.localtime(value, blog.tzinfo)


@register.filter
def date_header(value: dt.datetime | dt.date, blog: Blog) -> str:
    """`Sunday, October 20, 2024` by default: the blog's own format, language and time zone."""
    fmt = blog.date_header_format
    if isinstance(value, dt.datetime):
        value = _local(value, blog)
        if not _day_only(fmt):  # a clock or a zone in the header: the whole moment
            return dateformat.format(value, fmt)
        value = value.date()
    elif not _day_only(fmt):
        # A day alone (a listing's heading) in a format with a clock or a zone, which a blog's
        # admin may type or a backup bring: Django refuses those letters for a date (a
        # TypeError, the page a 500), so the day is shown as its first moment in the blog's
        # zone.
        return dateformat.format(dt.datetime.combine(value, dt.time(), blog.tzinfo), fmt)
    # A day's text is the same on every page and post that shows the day.
    return _date_text(translation.get_language(), value, fmt)


@functools.lru_cache(maxsize=4096)
def _date_text(language: str | None, day: dt.date, fmt: str) -> str:
    """A day in `fmt` and `language` (a date holds no zone or clock that could change it)."""
    return dateformat.format(day, fmt)


@register.filter
def post_time(value: dt.datetime, blog: Blog) -> str:
    return dateformat.format(_local(value, blog), blog.time_format)


def local_comment_time(local: dt.datetime, fmt: str, language: str | None) -> str:
    """`October 20, 2024 at 9:15 AM` for a moment already in the blog's zone, in `language`.
    A page shows a hundred of these and Django's formatter is slow, so each part is formatted
    once per language and value (the rest of the moment cannot change the text: a time format
    that shows seconds keys on them too)."""
    day = _day_text(language, local.year, local.month, local.day)
    if not _clock_only(fmt):  # a zone, an offset: needs the whole moment
        return f"{day} at {dateformat.format(local, fmt)}"
    second = local.second if "s" in fmt else 0
    return f"{day} at {_clock_text(language, fmt, local.hour, local.minute, second)}"


# Formats made only of the clock's letters (and escaped or non-letter characters).
_CLOCK_ONLY = re.compile(r"(?:\\.|[aAfgGhHiPsu]|[^A-Za-z\\])*")


# Formats made only of the day's letters (and escaped or non-letter characters).
_DAY_ONLY = re.compile(r"(?:\\.|[bdDEFjlLmMnNoStwWyYz]|[^A-Za-z\\])*")


@functools.lru_cache(maxsize=64)
def _day_only(fmt: str) -> bool:
    return _DAY_ONLY.fullmatch(fmt) is not None


@functools.lru_cache(maxsize=64)
def _clock_only(fmt: str) -> bool:
    return _CLOCK_ONLY.fullmatch(fmt) is not None


@functools.lru_cache(maxsize=4096)
def _day_text(language: str | None, year: int, month: int, day: int) -> str:
    return dateformat.format(dt.date(year, month, day), "F j, Y")


@functools.lru_cache(maxsize=4096)
def _clock_text(language: str | None, fmt: str, hour: int, minute: int, second: int) -> str:
    return dateformat.time_format(dt.time(hour, minute, second), fmt)


@register.filter
def iso(value: dt.datetime | dt.date, blog: Blog) -> str:
    if isinstance(value, dt.datetime):
        return _local(value, blog).isoformat(timespec="seconds")
    return value.isoformat()


@register.filter
def epoch_ms(value: dt.datetime) -> int:
    return int(value.timestamp() * 1000)


@register.filter
def label_url(name: str) -> str:
    return "/search/label/" + quote(name, safe="")


@register.filter
def comment_count(count: int) -> str:
    if count == 0:
        return "No comments:"
    return "1 comment:" if count == 1 else f"{count} comments:"


@register.filter
def web_url(value: str) -> str:
    """A commenter's URL only if it is http(s): never a `javascript:` link under a name."""
    return weblinks.web_url(value)


@register.filter
def month_name(value: dt.date) -> str:
    return dateformat.format(value, "F")


@register.simple_tag
def blog_title_for(blog: Blog, page_title: str = "") -> str:
    return escape(f"{blog.title}: {page_title}" if page_title else blog.title)


COMMENT_FORM = "reader/_comment_form.html"
# What the form shows a reader who has sent nothing: the uncached form page (comments'
# `form_page.html`) hands over the reader's form, errors, tokens, question or refusal.
_FORM_PAGE_ONLY = ("comment_form_page", "refusal", "form", "form_token", "parent_comment")
FORMS = Drawings(2000)


@register.simple_tag(takes_context=True)
def comment_form(context: Context) -> SafeString:
    """`{% include "reader/_comment_form.html" %}` for the post page, drawn once per post and
    blog as drawn (`reader.drawn`): on the cached page it holds nothing of a reader, only the
    post's address and number and the blog's comment settings, and drawing its fifty lines
    of conditions and three URL reversals was a tenth of a post page's miss."""
    form = get_template(COMMENT_FORM).template  # type: ignore[attr-defined]
    post, blog = context.get("post"), context.get("blog")
    reader_sent = any(name in context for name in (*_FORM_PAGE_ONLY, "challenge"))
    if reader_sent or blog is None or post is None:
        return mark_safe(form.render(context))  # noqa: S308 - the template escaped it
    inputs = (post.pk, post.permalink, post.comments_allowed, get_script_prefix())
    html = drawn(blog_key(blog), inputs, lambda: form.render(context), FORMS)
    return mark_safe(html)  # noqa: S308 - the template escaped it
