"""Blogs filled with hostile text in bulk, for the page-level and browser checks.

Every row goes through the same rendering pipeline that the studio's actions use
(`posts.actions.render_into`: Markdown or HTML -> nh3 -> stored `body_html`, `text`,
`snippet`), then into the database with `bulk_create`, so thousands of payloads cost seconds,
not minutes. What bulk writing skips (role checks, revisions) has nothing to do with what
readers see; the studio's real forms and actions get their own, smaller, runs in the tests.

Comment rows are stored as given, without the comment form's validation, on purpose: an
importer or a future API could store what the form refuses (a `javascript:` author URL), and
the pages must still be safe. The same builder makes the harmless twin of each blog, whose
pages are the baseline of what our own templates write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments.actions import refresh_comment_count
from broadsheet.comments.models import Comment
from broadsheet.posts.actions import render_into
from broadsheet.posts.models import Label, Page, Post, SourceFormat

START = dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.UTC)
MARKDOWN, HTML = SourceFormat.MARKDOWN, SourceFormat.HTML


def host(blog: Blog) -> str:
    return f"{blog.slug}.{settings.BASE_DOMAIN}"


def make_blog(slug: str, **fields: object) -> Blog:
    fields.setdefault("title", f"Blog {slug}")
    fields.setdefault("time_zone", "UTC")
    return Blog.objects.create(slug=slug, **fields)


def make_user(username: str, blog: Blog | None = None, role: str = "") -> User:
    user = User.objects.create_user(username, f"{username}@example.com", "pw")
    if blog is not None and role:
        Membership.objects.create(blog=blog, user=user, role=role)
    return user


def permalink(blog: Blog, when: dt.datetime, slug: str) -> str:
    local = timezone.localtime(when, blog.tzinfo)
    return f"/{local:%Y}/{local:%m}/{slug}.html"


@dataclass(frozen=True)
class PostSpec:
    title: str
    source: str
    fmt: str = MARKDOWN
    labels: tuple[str, ...] = ()
    comments: tuple[CommentSpec, ...] = ()


@dataclass(frozen=True)
class CommentSpec:
    name: str
    url: str
    body: str


@dataclass
class Built:
    blog: Blog
    posts: list[Post] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)


def add_posts(blog: Blog, author: User | None, specs: Sequence[PostSpec]) -> list[Post]:
    """Published posts, one minute apart, newest last, at `/YYYY/MM/pN.html`."""
    posts = []
    for number, spec in enumerate(specs):
        when = START + dt.timedelta(minutes=number)
        slug = f"p{number}"
        post = Post(
            blog=blog,
            author=author,
            title=spec.title[:500],
            source=spec.source,
            source_format=spec.fmt,
            status=Post.Status.PUBLISHED,
            published_at=when,
            created_at=when,
            updated_at=when,
            slug=slug,
            permalink=permalink(blog, when, slug),
        )
        render_into(post)
        posts.append(post)
    Post.objects.bulk_create(posts, batch_size=500)
    _label(blog, posts, specs)
    _comment(posts, specs)
    return posts


def _label(blog: Blog, posts: list[Post], specs: Sequence[PostSpec]) -> None:
    names = list(dict.fromkeys(name for spec in specs for name in spec.labels))
    if not names:
        return
    labels = Label.objects.bulk_create([Label(blog=blog, name=name) for name in names])
    by_name = {label.name: label for label in labels}
    through = Post.labels.through
    rows = [
        through(post_id=post.pk, label_id=by_name[name].pk)
        for post, spec in zip(posts, specs, strict=True)
        for name in dict.fromkeys(spec.labels)
    ]
    through.objects.bulk_create(rows, batch_size=500)


def _comment(posts: list[Post], specs: Sequence[PostSpec]) -> None:
    rows = []
    for post, spec in zip(posts, specs, strict=True):
        for number, comment in enumerate(spec.comments):
            when = START + dt.timedelta(days=1, seconds=number)
            rows.append(
                Comment(
                    post=post,
                    author_name=comment.name[:200],
                    author_url=comment.url[:500],
                    body=comment.body,
                    status=Comment.Status.PUBLISHED,
                    created_at=when,
                    updated_at=when,
                )
            )
    if not rows:
        return
    Comment.objects.bulk_create(rows, batch_size=500)
    for post, spec in zip(posts, specs, strict=True):
        if spec.comments:
            refresh_comment_count(post)


def add_pages(blog: Blog, author: User | None, specs: Sequence[PostSpec]) -> list[Page]:
    """Published static pages at `/p/page-N.html`."""
    pages = []
    for number, spec in enumerate(specs):
        page = Page(
            blog=blog,
            author=author,
            title=spec.title[:500],
            slug=f"page-{number}",
            source=spec.source,
            source_format=spec.fmt,
            status=Page.Status.PUBLISHED,
            published_at=START,
            updated_at=START,
            position=number,
        )
        render_into(page)
        pages.append(page)
    Page.objects.bulk_create(pages, batch_size=500)
    return pages
