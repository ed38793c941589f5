"""A Blogger backup's settings entries, applied to the blog they are imported into.

Blogger writes each setting as an entry of kind `settings` whose id ends in its name
(`tag:blogger.com,1999:blog-ID.settings.BLOG_NAME`) and whose content is its value. Every one
found is reported: applied (and as what), or ignored and why. They are applied inside the
import's transaction, so a refused import leaves the settings as they were too.

Blogger's date and time formats are numbers into its own list of patterns. Only the numbers
whose pattern is known for certain are mapped (docs/portability.md has the table); for any
other the blog keeps its format and the report says so.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from broadsheet.blogs.models import Blog

# Blogger's number → (what Blogger shows, Django's date format for it).
DATE_HEADER_FORMATS = {"26": ("Sunday, October 20, 2024", "l, F j, Y")}
TIME_FORMATS = {"27": ("9:28 AM", "g:i A")}
MAX_URL = 500
_LOCALE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")
_FEED = {"FULL": Blog.FeedContent.FULL, "SHORT": Blog.FeedContent.SUMMARY}
_FEED |= {"UNTIL_JUMP_BREAK": Blog.FeedContent.SUMMARY, "NONE": Blog.FeedContent.NONE}
_WHO = {"ANYBODY": Blog.WhoCanComment.ANYONE, "ANYONE": Blog.WhoCanComment.ANYONE}
# Blogger's "registered users" and "users with Google accounts" are people who sign in.
_WHO |= {"REGISTERED": Blog.WhoCanComment.USERS, "BLOGGERS": Blog.WhoCanComment.USERS}
_WHO |= {"MEMBERS": Blog.WhoCanComment.MEMBERS, "BLOG_MEMBERS": Blog.WhoCanComment.MEMBERS}
_MODERATION = {"DISABLED": Blog.Moderation.NEVER, "NEVER": Blog.Moderation.NEVER}
_MODERATION |= {"ENABLED": Blog.Moderation.ALWAYS, "ALWAYS": Blog.Moderation.ALWAYS}
_MODERATION |= {"SOMETIMES": Blog.Moderation.OLDER, "BY_AGE": Blog.Moderation.OLDER}

# Settings with no counterpart here, and why they are left.
IGNORED = {
    "BLOG_ARCHIVE_DATE_FORMAT": "the archive gadget names months its own way",
    "BLOG_COMMENTS_TIME_STAMP_FORMAT": "comments show their time in the blog's time format",
    "BLOG_COMMENT_FEED": "comment feeds always carry the whole comment",
    "BLOG_PER_POST_FEED": "per-post comment feeds always carry the whole comment",
    "BLOG_POST_FEED_FOOTER": "feeds carry no footer",
    "BLOG_CONVERT_LINE_BREAKS": "posts come in as the HTML Blogger published",
    "BLOG_ADMIN_PERMISSION": "people are invited from the studio; addresses are no accounts",
    "BLOG_AUTHOR_PERMISSION": "people are invited from the studio; addresses are no accounts",
    "BLOG_READER_PERMISSION": "people are invited from the studio; addresses are no accounts",
    "BLOG_SUBDOMAIN": "the blog's address is its slug (set when the blog is created)",
    "BLOG_COMMENT_EMAIL": "moderators are the blog's admins, mailed at their own addresses",
    "BLOG_COMMENT_MODERATION_EMAIL": "moderators are the blog's admins",
    "BLOG_SEND_EMAIL": "mail goes to members, not to addresses kept in settings",
    "BLOG_COMMENT_CAPTCHA": "the comment form has its own spam defences",
}


@dataclass(frozen=True)
class SettingOutcome:
    """One setting of the file and what the import did with it."""

    name: str
    value: str
    applied: bool
    note: str

    def line(self) -> str:
        verdict = "applied" if self.applied else "ignored"
        return f"setting {self.name} = {self.value!r}: {verdict}, {self.note}"


Rule = Callable[[Blog, str, dict[str, str]], str | None]


def apply_settings(blog: Blog, found: dict[str, str]) -> list[SettingOutcome]:
    """Apply what Broadsheet can honour of `found` (name → value) to `blog` and save it;
    returns an outcome for every setting, in the file's order."""
    outcomes = [_outcome(blog, name, value, found) for name, value in found.items()]
    applied = {outcome.name for outcome in outcomes if outcome.applied}
    changed = [field for field, names in _FIELDS.items() if names & applied]
    if changed:
        # Each rule has checked its value, so nothing here can fail half-way.
        blog.save(update_fields=changed)
    return outcomes


def _outcome(blog: Blog, name: str, value: str, found: dict[str, str]) -> SettingOutcome:
    rule = RULES.get(name)
    if rule is None:
        why = IGNORED.get(name, "Broadsheet has no such setting")
        return SettingOutcome(name, value, False, why)
    result = rule(blog, value, found)
    if result is None:
        return SettingOutcome(name, value, False, _refusal(name, value))
    return SettingOutcome(name, value, True, result)


def _refusal(name: str, value: str) -> str:
    if not value:
        return "empty, so this blog's own stands"
    return "a value Broadsheet does not know, so this blog's own stands"


def _title(blog: Blog, value: str, found: dict[str, str]) -> str | None:
    if not value.strip():
        return None
    blog.title = value.strip()[:200]
    return "as the title"


def _description(blog: Blog, value: str, found: dict[str, str]) -> str | None:
    if not value.strip():
        return None
    blog.description = value.strip()
    return "as the description"


def _posts_per_page(blog: Blog, value: str, found: dict[str, str]) -> str | None:
    if found.get("BLOG_MAX_UNIT", "POSTS") != "POSTS" or not value.isdigit():
        return None  # Blogger could also show "N days" of posts; pages here hold N posts
    blog.posts_per_page = max(1, min(int(value), 100))
    return f"as {blog.posts_per_page} posts per page (1 to 100)"


def _max_unit(blog: Blog, value: str, found: dict[str, str]) -> str | None:
    return "with BLOG_MAX_NUM" if value == "POSTS" else None


def _numbered(table: dict[str, tuple[str, str]], field: str) -> Rule:
    def apply(blog: Blog, value: str, found: dict[str, str]) -> str | None:
        if value not in table:
            return None
        shown, pattern = table[value]
        setattr(blog, field, pattern)
        return f"as {pattern!r} (Blogger's {shown!r})"

    return apply


def _time_zone(blog: Blog, value: str, found: dict[str, str]) -> str | None:
    if value not in zoneinfo.available_timezones():
        return None
    blog.time_zone = value
    return "as the time zone"


def _language(blog: Blog, value: str, found: dict[str, str]) -> str | None:
    if not _LOCALE.match(value):
        return None
    blog.language = value.replace("_", "-").lower()
    return f"as the language ({blog.language})"


def _feed(blog: Blog, value: str, found: dict[str, str]) -> str | None:
    if value not in _FEED:
        return None
    blog.feed_content = _FEED[value]
    return f"as the feed content: {blog.get_feed_content_display().lower()}"


def _feed_redirect(blog: Blog, value: str, found: dict[str, str]) -> str | None:
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return None
    if len(value) > MAX_URL:
        return None
    blog.feed_redirect_url = value
    return "readers of the posts feed are sent there (302); members and ?redirect=false are not"


def _comments_allowed(blog: Blog, value: str, found: dict[str, str]) -> str | None:
    if value not in ("true", "false"):
        return None
    blog.comments_enabled = value == "true"
    return "comments on" if blog.comments_enabled else "comments off"


def _who(blog: Blog, value: str, found: dict[str, str]) -> str | None:
    if value not in _WHO:
        return None
    blog.who_can_comment = _WHO[value]
    return f"as who may comment: {blog.get_who_can_comment_display().lower()}"


def _moderation(blog: Blog, value: str, found: dict[str, str]) -> str | None:
    if value not in _MODERATION:
        return None
    blog.moderation = _MODERATION[value]
    return f"as comment moderation: {blog.get_moderation_display().lower()}"


def _moderation_days(blog: Blog, value: str, found: dict[str, str]) -> str | None:
    if not value.isdigit() or int(value) > 3650:
        return None
    blog.moderation_after_days = int(value)
    return "as the age (days) after which comments are moderated"


def _form_message(blog: Blog, value: str, found: dict[str, str]) -> str | None:
    if not value.strip():
        return None
    blog.comment_form_message = value.strip()
    return "as the comment form's message"


def _searchable(blog: Blog, value: str, found: dict[str, str]) -> str | None:
    if value not in ("true", "false"):
        return None
    blog.hide_from_search_engines = value == "false"
    return "search engines may list it" if value == "true" else "hidden from search engines"


def _read_access(blog: Blog, value: str, found: dict[str, str]) -> str | None:
    # Only ever towards private: an import never opens a blog its admin has closed.
    if value == "PRIVATE":
        blog.is_private = True
        return "the blog is private (members only)"
    return "this blog's own setting stands" if value == "PUBLIC" else None


RULES: dict[str, Rule] = {
    "BLOG_NAME": _title,
    "BLOG_DESCRIPTION": _description,
    "BLOG_MAX_NUM": _posts_per_page,
    "BLOG_MAX_UNIT": _max_unit,
    "BLOG_DATE_FORMAT": _numbered(DATE_HEADER_FORMATS, "date_header_format"),
    "BLOG_TIME_STAMP_FORMAT": _numbered(TIME_FORMATS, "time_format"),
    "BLOG_TIME_ZONE": _time_zone,
    "BLOG_LOCALE": _language,
    "BLOG_POST_FEED": _feed,
    "BLOG_FEED_REDIRECT_URL": _feed_redirect,
    "BLOG_COMMENTS_ALLOWED": _comments_allowed,
    "BLOG_COMMENT_ACCESS": _who,
    "BLOG_COMMENT_MODERATION": _moderation,
    "BLOG_COMMENT_MODERATION_DELAY": _moderation_days,
    "BLOG_COMMENT_MESSAGE": _form_message,
    "BLOG_SEARCHABLE": _searchable,
    "BLOG_READ_ACCESS_MODE": _read_access,
}

# The Blog fields each setting may change, for a save of those alone.
_FIELDS = {
    "title": {"BLOG_NAME"},
    "description": {"BLOG_DESCRIPTION"},
    "posts_per_page": {"BLOG_MAX_NUM"},
    "date_header_format": {"BLOG_DATE_FORMAT"},
    "time_format": {"BLOG_TIME_STAMP_FORMAT"},
    "time_zone": {"BLOG_TIME_ZONE"},
    "language": {"BLOG_LOCALE"},
    "feed_content": {"BLOG_POST_FEED"},
    "feed_redirect_url": {"BLOG_FEED_REDIRECT_URL"},
    "comments_enabled": {"BLOG_COMMENTS_ALLOWED"},
    "who_can_comment": {"BLOG_COMMENT_ACCESS"},
    "moderation": {"BLOG_COMMENT_MODERATION"},
    "moderation_after_days": {"BLOG_COMMENT_MODERATION_DELAY"},
    "comment_form_message": {"BLOG_COMMENT_MESSAGE"},
    "hide_from_search_engines": {"BLOG_SEARCHABLE"},
    "is_private": {"BLOG_READ_ACCESS_MODE"},
}
