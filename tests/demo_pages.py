"""Every public address of the demo blog, for the validity and accessibility sweeps."""

from __future__ import annotations

from urllib.parse import quote

from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Page, Post
from broadsheet.reader.gadgets import label_counts


def demo_paths(blog: Blog) -> list[str]:
    now = timezone.now()
    posts = list(Post.objects.public(blog, now))
    months = {
        timezone.localtime(post.published_at, blog.tzinfo).strftime("/%Y/%m/")  # type: ignore[arg-type]
        for post in posts
    }
    years = {month[:6] for month in months}
    labels = [f"/search/label/{quote(label.name, safe='')}" for label in label_counts(blog, now)]
    pages = [page.get_absolute_url() for page in Page.objects.filter(blog=blog, status="published")]
    oldest_on_home = posts[blog.posts_per_page - 1]
    older = f"/search?updated-max={quote(oldest_on_home.published_at.isoformat())}"  # type: ignore[union-attr]
    return [
        "/",
        older,
        *[post.permalink for post in posts],
        *pages,
        *labels,
        *sorted(months),
        *sorted(years),
        "/search?q=compost",
        "/search?q=nothing-matches-this",
        "/no/such/page",
    ]
