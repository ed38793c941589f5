"""robots.txt, following the blog's privacy and search-engine settings.

A public blog gets Blogger's rules (everything but `/search`, and the sitemap), with one
addition: label pages live under `/search/label/` and our sitemap lists them, so they are
allowed, while their paged forms (`?updated-max=...`) stay out like Blogger's search pages.
Crawlers that follow RFC 9309 take the longest matching rule; older ones take the first
that matches, so the most specific rules come first and both readings agree.

A private blog, or one hidden from search engines, disallows everything. A missing robots.txt
would mean "crawl anything", so a private blog answers this file even to outsiders.

A public blog's admin may write their own (Blogger's "Custom robots.txt"); it is served as
written, but never for a private or hidden blog: a custom file must not open what the
privacy settings close.
"""

from __future__ import annotations

from broadsheet.blogs.models import Blog

PUBLIC_RULES = (
    "User-agent: *",
    "Disallow: /search/label/*?",
    "Allow: /search/label/",
    "Disallow: /search",
    "Allow: /",
)
CLOSED_RULES = ("User-agent: *", "Disallow: /")


def closed() -> str:
    """Keep every crawler out: a private blog, one hidden from search engines, or no blog."""
    return "\n".join(CLOSED_RULES) + "\n"


def robots_txt(blog: Blog, origin: str) -> str:
    if blog.is_private or blog.hide_from_search_engines:
        return closed()
    if blog.custom_robots_txt.strip():
        # Typed in a textarea, so CRLF; crawlers take either, one style reads better.
        return "\n".join(blog.custom_robots_txt.rstrip().splitlines()) + "\n"
    return "\n".join([*PUBLIC_RULES, "", f"Sitemap: {origin}/sitemap.xml"]) + "\n"
