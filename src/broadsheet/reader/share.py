"""Share links under a post: plain addresses of each service's own share page.

Blogger's share buttons load nothing from the services either; a reader who never clicks
tells no one they were here. So: no script, no image, no request to anyone until a click, and
each link is a plain `<a href>` (`rel="noopener"`). Mastodon has no one address (every server
is its own), so its link goes to a page of ours that asks for the reader's server first
(`share_views.mastodon`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.urls import reverse

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post

# A host name as a reader types their Mastodon server ("mastodon.social"), port allowed.
_SERVER = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?::\d{1,5})?$"
)


@dataclass(frozen=True)
class ShareLink:
    service: str
    href: str


def share_links(blog: Blog, post: Post, origin: str) -> list[ShareLink]:
    """The post's share links, or none when the blog has turned them off."""
    if not blog.share_links:
        return []
    url, title = origin + post.permalink, post.title or blog.title
    # mailto: reads `+` as itself (RFC 6068), so spaces are %20 there.
    email = urlencode({"subject": title, "body": url}, quote_via=quote)
    links = [ShareLink("Email", f"mailto:?{email}")]
    links.append(ShareLink("Mastodon", reverse("reader:share-mastodon", args=[post.pk])))
    for service, page, query in _SERVICES:
        params = {
            name: {"url": url, "title": title, "text": f"{title} {url}"}[value]
            for name, value in query.items()
        }
        links.append(ShareLink(service, f"{page}?{urlencode(params)}"))
    return links


# Each service's share page and what it is told: which of the post's url, title or both
# ("text") goes in which parameter.
_SERVICES: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("Bluesky", "https://bsky.app/intent/compose", {"text": "text"}),
    ("Facebook", "https://www.facebook.com/sharer/sharer.php", {"u": "url"}),
    ("X", "https://x.com/intent/post", {"url": "url", "text": "title"}),
    ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/", {"url": "url"}),
    ("Reddit", "https://www.reddit.com/submit", {"url": "url", "title": "title"}),
)


def mastodon_server(typed: str) -> str | None:
    """The server a reader typed ("@me@mastodon.social", "https://mastodon.social/"), as a
    bare host name; None when it is not one."""
    host = typed.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")
    host = host.rsplit("@", 1)[-1]
    return host if _SERVER.match(host) else None


def mastodon_url(server: str, blog: Blog, post: Post, origin: str) -> str:
    """Mastodon's own share page on the reader's server, with the post's title and address."""
    text = f"{post.title or blog.title} {origin + post.permalink}"
    return f"https://{server}/share?" + urlencode({"text": text})
