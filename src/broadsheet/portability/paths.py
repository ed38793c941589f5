"""The one rule for addresses an import may store: a path on the blog's own host.

Redirects, aliases and permalinks come from files someone else wrote (a Blogger or WordPress
export, a Broadsheet backup handed to a blog's admin), and the redirect middleware answers
with whatever is stored. A stored `//evil.example/` or `/\\evil.example` is an open redirect
(browsers read both as another host), `..` climbs out of the blog's scheme, and control
characters split headers or hide the real target. Every importer checks its paths here, and
the middleware checks again before it answers, so a row stored before this rule leads nowhere.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

from broadsheet.portability.models import MAX_PATH

# Blogger's shapes: `/YYYY/MM/slug.html` for posts, `/p/slug.html` for pages. A slug is one
# path segment of printable characters that cannot be read as a query or a fragment.
POST_PERMALINK = re.compile(r"^/\d{4}/(0[1-9]|1[0-2])/[^/?#\\]+\.html$")
PAGE_SLUG = re.compile(r"^[^/?#\\]+$")


def path_problem(path: str) -> str | None:
    """Why `path` cannot be stored as an address on the blog's own host; None when it can.
    Checked as written and percent-decoded, since a browser or proxy may decode either."""
    if not isinstance(path, str) or not path.startswith("/"):
        return "not an absolute path starting with /"
    if len(path) > MAX_PATH:
        return f"longer than {MAX_PATH} characters"
    for form in dict.fromkeys((path, unquote(path))):
        problem = _form_problem(form)
        if problem:
            return problem
    return None


def _form_problem(path: str) -> str | None:
    if path.startswith("//"):
        return "starts with //, which browsers read as another host"
    if "\\" in path:
        return "holds a backslash, which browsers read as a slash"
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in path):
        return "holds control characters"
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return "names a scheme or a host"
    if ".." in parts.path.split("/"):
        return "climbs with .."
    return None


def is_local_path(path: str) -> bool:
    """Whether `path` is an address on the blog's own host (see `path_problem`)."""
    return path_problem(path) is None


def permalink_problem(path: str) -> str | None:
    """Why `path` cannot be a post's permalink: empty (a draft never published) or
    Blogger-shaped `/YYYY/MM/slug.html` on the blog's own host."""
    if path == "":
        return None
    if not isinstance(path, str) or not POST_PERMALINK.match(path):
        return "not a post address of the form /YYYY/MM/slug.html"
    return path_problem(path)


def page_slug_problem(slug: str) -> str | None:
    """Why `slug` cannot name a page at `/p/<slug>.html`."""
    if not isinstance(slug, str) or not slug or not PAGE_SLUG.match(slug):
        return "not a page name for /p/<name>.html"
    return path_problem(f"/p/{slug}.html")
