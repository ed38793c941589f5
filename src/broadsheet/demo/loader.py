"""Load the demo blog from the TOML files in `content/`.

`content/blog.toml` holds the blog's settings, its authors and its static pages;
`content/posts/*.toml` holds one post each, with its comments. Times in the files are local to
the blog's time zone, as an author would type them, so a post "published" at 00:20 in June
sits under that day's date header although it is still the day before in UTC.

Everything goes through the same actions the studio uses (`save_post`, `save_page`,
`add_comment`), so the demo is rendered, given permalinks and counted exactly as real content
would be.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from broadsheet.blogs.models import Blog, Membership, Profile
from broadsheet.blogs.people import display_name
from broadsheet.comments.actions import add_comment
from broadsheet.comments.models import Comment
from broadsheet.posts.actions import save_page, save_post
from broadsheet.posts.models import Page, Post, SourceFormat

DEMO_SLUG = "demo"

Table = dict[str, Any]


class DemoAlreadyLoaded(Exception):
    """A blog with the demo's slug exists already; loading again would duplicate it."""


class DemoContentError(ValueError):
    """A file in `content/` refers to something that does not exist."""


@dataclass(frozen=True)
class Context:
    """What every post needs while loading: its blog, the authors by key, and the clock."""

    blog: Blog
    users: dict[str, User]
    now: dt.datetime


def load_demo(now: dt.datetime | None = None) -> Blog:
    """Create the demo blog (slug 'demo', is_default=True) with its authors, posts, pages and
    comments, in one transaction. Raises DemoAlreadyLoaded if a blog with slug 'demo' exists.
    """
    now = now or timezone.now()
    settings = read_toml(content_dir() / "blog.toml")
    with transaction.atomic():
        if Blog.objects.filter(slug=DEMO_SLUG).exists():
            raise DemoAlreadyLoaded(f"A blog with the slug {DEMO_SLUG!r} exists already.")
        blog = load_blog(settings)
        ctx = Context(blog=blog, users=load_authors(blog, settings["authors"]), now=now)
        load_pages(ctx, settings.get("pages", []))
        posts = {
            path.name.removesuffix(".toml"): load_post(ctx, read_toml(path))
            for path in post_files()
        }
        set_featured(blog, posts, settings.get("featured"))
    return blog


# Reading the files


def content_dir() -> Traversable:
    return resources.files("broadsheet.demo") / "content"


def post_files() -> list[Traversable]:
    """The post files, in name order, so that permalink collisions always resolve the same way."""
    posts = content_dir() / "posts"
    return sorted((f for f in posts.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)


def read_toml(path: Traversable) -> Table:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def source_format(data: Table) -> str:
    fmt = data.get("format", SourceFormat.MARKDOWN)
    if fmt not in SourceFormat.values:
        raise DemoContentError(f"Unknown format {fmt!r}; use markdown or html.")
    return str(fmt)


def local_time(blog: Blog, value: dt.datetime | str) -> dt.datetime:
    """A local date-time from the files, made aware in the blog's time zone."""
    naive = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    return timezone.make_aware(naive, blog.tzinfo)


# The blog and its people


def load_blog(settings: Table) -> Blog:
    # The one-default-blog constraint would turn a second default into an IntegrityError; the
    # demo only claims the base domain when nothing else has.
    is_default = not Blog.objects.filter(is_default=True).exists()
    return Blog.objects.create(
        slug=DEMO_SLUG,
        is_default=is_default,
        title=settings["title"],
        description=settings.get("description", ""),
        time_zone=settings.get("time_zone", "UTC"),
        language=settings.get("language", "en"),
        posts_per_page=settings.get("posts_per_page", 7),
        comment_form_message=settings.get("comment_form_message", ""),
    )


def load_authors(blog: Blog, authors: dict[str, Table]) -> dict[str, User]:
    """A user and a membership per author; the first author is the blog's admin by default."""
    users = {}
    for index, (key, author) in enumerate(authors.items()):
        users[key] = load_author(key, author)
        default_role = Membership.Role.ADMIN if index == 0 else Membership.Role.AUTHOR
        role = author.get("role", default_role)
        Membership.objects.create(blog=blog, user=users[key], role=role)
    return users


def load_author(key: str, author: Table) -> User:
    first, _, last = author["name"].partition(" ")
    user, created = User.objects.get_or_create(
        username=key,
        defaults={"first_name": first, "last_name": last, "email": author.get("email", "")},
    )
    if created:
        # Demo authors exist to sign posts, not to sign in.
        user.set_unusable_password()
        user.save(update_fields=["password"])
        load_profile(user, author)
    return user


def load_profile(user: User, author: Table) -> None:
    """The author's display name, bio and link, as they would set them in the studio."""
    fields = {"display_name": "display_name", "bio": "bio", "link": "url"}
    given = {field: author[key] for field, key in fields.items() if key in author}
    if given:
        Profile.objects.create(user=user, **given)


def user_for(ctx: Context, key: str) -> User:
    try:
        return ctx.users[key]
    except KeyError:
        raise DemoContentError(f"No author with the key {key!r} in blog.toml.") from None


# Static pages


def load_pages(ctx: Context, pages: list[Table]) -> None:
    for data in pages:
        load_page(ctx, data)


def load_page(ctx: Context, data: Table) -> Page:
    published = data.get("published")
    page = Page(
        blog=ctx.blog,
        author=user_for(ctx, data["author"]),
        title=data["title"],
        slug=data.get("slug", ""),
        source=data["body"],
        source_format=source_format(data),
        status=data.get("status", Page.Status.PUBLISHED),
        position=data.get("position", 0),
        published_at=local_time(ctx.blog, published) if published else None,
    )
    return save_page(page, now=ctx.now)


# Posts


def load_post(ctx: Context, data: Table) -> Post:
    published_at = publication_time(ctx, data)
    post = Post(
        blog=ctx.blog,
        author=user_for(ctx, data["author"]),
        title=data["title"],
        source=data["body"],
        source_format=source_format(data),
        status=post_status(data),
        published_at=published_at,
        created_at=published_at if published_at and published_at <= ctx.now else ctx.now,
        comments_allowed=data.get("comments_allowed", True),
        search_description=data.get("search_description", ""),
    )
    save_post(post, labels=data.get("labels", []), now=ctx.now)
    load_comments(ctx, post, data.get("comments", []))
    return post


def post_status(data: Table) -> Post.Status:
    # save_post decides between published and scheduled from the time; only drafts are asked for.
    if data.get("status") == Post.Status.DRAFT:
        return Post.Status.DRAFT
    return Post.Status.PUBLISHED


def publication_time(ctx: Context, data: Table) -> dt.datetime | None:
    """The file's local time; or, for the scheduled post, a time relative to loading."""
    if "scheduled_in_days" in data:
        return ctx.now + dt.timedelta(days=data["scheduled_in_days"])
    if "published" in data:
        return local_time(ctx.blog, data["published"])
    return None


def set_featured(blog: Blog, posts: dict[str, Post], name: str | None) -> None:
    if name is None:
        return
    if name not in posts:
        raise DemoContentError(f"The featured post {name!r} is not a file in posts/.")
    blog.featured_post = posts[name]
    blog.save(update_fields=["featured_post"])


# Comments


def load_comments(ctx: Context, post: Post, comments: list[Table]) -> None:
    """Store the post's comments in file order; a reply names its parent's key."""
    if comments and not post.comments_allowed:
        raise DemoContentError(f"{post.title!r} has comments turned off but lists some.")
    by_key: dict[str, Comment] = {}
    for data in comments:
        parent = parent_for(by_key, data.get("parent"))
        by_key[data["key"]] = add_comment(build_comment(ctx, post, parent, data))


def parent_for(by_key: dict[str, Comment], key: str | None) -> Comment | None:
    if key is None:
        return None
    if key not in by_key:
        raise DemoContentError(f"A reply's parent {key!r} must come before it in the file.")
    return by_key[key]


def build_comment(ctx: Context, post: Post, parent: Comment | None, data: Table) -> Comment:
    at = local_time(ctx.blog, data["at"])
    user = user_for(ctx, data["author"]) if "author" in data else None
    return Comment(
        post=post,
        parent=parent,
        user=user,
        author_name=data.get("name") or display_name(user),
        author_url=data.get("url", ""),
        author_email=data.get("email") or (user.email if user else ""),
        body=data["text"].strip(),
        status=data.get("status", Comment.Status.PUBLISHED),
        created_at=at,
        updated_at=at,
    )
