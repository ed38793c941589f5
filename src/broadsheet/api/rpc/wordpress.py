"""The WordPress methods desktop editors use (MarsEdit, Open Live Writer, the WordPress
apps): blogs, posts, terms and uploads. Labels are WordPress's categories and tags alike: a
post's categories and tags sent in become its labels; they come back as categories."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from broadsheet.api import access, writing
from broadsheet.api.errors import ApiError
from broadsheet.api.resources import post_status
from broadsheet.api.rpc import methods
from broadsheet.api.rpc.shapes import (
    WP_STATUS,
    Context,
    Struct,
    link,
    member,
    moment,
    signed_in,
    string,
    struct,
    utc,
)
from broadsheet.blogs.hosts import origin
from broadsheet.blogs.models import Membership
from broadsheet.posts import actions
from broadsheet.posts.actions import Content
from broadsheet.posts.models import Label, Post

TAXONOMIES = ("category", "post_tag")


def users_blogs(context: Context, user: Any, password: Any) -> list[Struct]:
    """wp.getUsersBlogs"""
    grant = signed_in(context, user, password)
    found = []
    for blog in access.blogs_for(grant):
        shaped = methods.blog_struct(blog, context)
        shaped["isAdmin"] = bool(access.member_for(grant, str(blog.pk)).is_admin)
        found.append(shaped)
    return found


def post_struct(post: Post) -> Struct:
    """A post as wp.getPost answers it."""
    when = utc(post.published_at or post.created_at)
    return {
        "post_id": str(post.pk),
        "post_title": post.title,
        "post_date": when,
        "post_date_gmt": when,
        "post_modified": utc(post.updated_at),
        "post_modified_gmt": utc(post.updated_at),
        "post_status": WP_STATUS[post_status(post)],
        "post_type": "post",
        "post_name": post.slug,
        "post_author": str(post.author_id or ""),
        "post_password": "",
        "post_excerpt": post.snippet,
        "post_content": post.body_html,
        "post_parent": "0",
        "post_mime_type": "",
        "link": link(post),
        "guid": link(post),
        "menu_order": 0,
        "comment_status": "open" if post.comments_allowed else "closed",
        "ping_status": "closed",
        "sticky": False,
        "post_format": "standard",
        "post_thumbnail": [],
        "terms": [term(label) for label in post.labels.all()],
        "custom_fields": [],
    }


def term(label: Label, count: int = 0) -> Struct:
    return {
        "term_id": str(label.pk),
        "name": label.name,
        "slug": label.name,
        "term_group": "0",
        "term_taxonomy_id": str(label.pk),
        "taxonomy": "category",
        "description": "",
        "parent": "0",
        "count": count,
    }


def wp_content(found: Membership, data: Struct, post: Post | None) -> Content:
    """wp.newPost's and wp.editPost's struct; a field left out keeps its value."""
    if data.get("post_type", "post") != "post":
        raise ApiError("invalid", "Only posts are written through XML-RPC.")
    asked: dict[str, Any] = {}
    for ours, theirs in (("title", "post_title"), ("content", "post_content")):
        if theirs in data:
            asked[ours] = data[theirs]
    names = _term_names(found, data)
    if names is not None:
        asked["labels"] = names
    content = writing.content(asked, post)
    when = moment(data.get("post_date_gmt") or data.get("post_date"))
    return replace(content, publish_at=when) if when else content


def _term_names(found: Membership, data: Struct) -> list[str] | None:
    if "terms_names" not in data and "terms" not in data:
        return None
    names: list[str] = []
    # Clients send nil or an empty array for "none" as often as an empty struct.
    given = struct(data.get("terms_names") or {}, "terms_names")
    numbered = struct(data.get("terms") or {}, "terms")
    for taxonomy in TAXONOMIES:
        names += _strings(given.get(taxonomy) or [])
        ids = _strings(numbered.get(taxonomy) or [])
        known = Label.objects.filter(blog=found.blog, pk__in=[i for i in ids if i.isdigit()][:100])
        names += [label.name for label in known]
    return list(dict.fromkeys(names))


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise ApiError("invalid", "Terms must be lists.")
    return [string(item, "term", 200) for item in value]


def new_post(context: Context, blog_id: Any, user: Any, password: Any, data: Any) -> str:
    """wp.newPost: the new post's id; a draft unless post_status says publish or future."""
    found = member(context, blog_id, user, password, write=True)
    data = struct(data, "content")
    asked = wp_content(found, data, None)
    chosen = methods.intent(asked, False, data.get("post_status", "draft"))
    return str(actions.write_post(found, None, asked, chosen).pk)


def edit_post(
    context: Context, blog_id: Any, user: Any, password: Any, post_id: Any, data: Any
) -> bool:
    """wp.editPost: the post stays live, scheduled or a draft unless post_status says."""
    found = member(context, blog_id, user, password, write=True)
    post = access.post_for(found, string(post_id, "post id", 20))
    data = struct(data, "content")
    asked = wp_content(found, data, post)
    if "post_status" in data:
        chosen = methods.intent(asked, False, data["post_status"])
    else:
        chosen, asked = writing.intent_to_keep(post, asked)
    actions.write_post(found, post, asked, chosen)
    return True


def delete_post(context: Context, blog_id: Any, user: Any, password: Any, post_id: Any) -> bool:
    """wp.deletePost: to the studio's trash."""
    found = member(context, blog_id, user, password, write=True)
    actions.trash(found, access.post_for(found, string(post_id, "post id", 20)))
    return True


def get_post(
    context: Context, blog_id: Any, user: Any, password: Any, post_id: Any, fields: Any = None
) -> Struct:
    """wp.getPost (every field, whichever were asked for)."""
    found = member(context, blog_id, user, password)
    return post_struct(access.post_for(found, string(post_id, "post id", 20)))


def get_posts(
    context: Context, blog_id: Any, user: Any, password: Any, wanted: Any = None, fields: Any = None
) -> list[Struct]:
    """wp.getPosts: newest first; filter by post_status, number and offset."""
    found = member(context, blog_id, user, password)
    wanted = struct(wanted or {}, "filter")
    posts = access.posts_for(found).select_related("blog").prefetch_related("labels")
    number = _count(wanted.get("number", 10), 1, methods.MOST_RECENT)
    offset = _count(wanted.get("offset", 0), 0, 10_000)
    chosen = [
        post_struct(post) for post in posts.order_by("-created_at", "-id")[offset : offset + number]
    ]
    status = wanted.get("post_status")
    return [item for item in chosen if not status or item["post_status"] == status]


def _count(value: Any, least: int, most: int) -> int:
    if isinstance(value, str) and value.isdigit() and len(value) < 7:
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ApiError("invalid", "number and offset must be integers.")
    return min(max(value, least), most)


def get_terms(
    context: Context,
    blog_id: Any,
    user: Any,
    password: Any,
    taxonomy: Any = "category",
    wanted: Any = None,
) -> list[Struct]:
    """wp.getTerms for category or post_tag: the blog's labels either way."""
    found = member(context, blog_id, user, password)
    if string(taxonomy, "taxonomy", 50) not in TAXONOMIES:
        raise ApiError("invalid", "Taxonomies are category and post_tag.")
    return [term(label) for label in Label.objects.filter(blog=found.blog)[:1000]]


def get_categories(context: Context, blog_id: Any, user: Any, password: Any) -> list[Struct]:
    """wp.getCategories (the older call): MetaWeblog's list with WordPress's names."""
    found = methods.categories(context, blog_id, user, password)
    return [item | {"categoryDescription": "", "parentId": "0"} for item in found]


def get_tags(context: Context, blog_id: Any, user: Any, password: Any) -> list[Struct]:
    """wp.getTags"""
    found = member(context, blog_id, user, password)
    home = origin(found.blog)
    return [
        {
            "tag_id": str(label.pk),
            "name": label.name,
            "count": 0,
            "slug": label.name,
            "html_url": f"{home}/search/label/{quote(label.name)}",
            "rss_url": "",
        }
        for label in Label.objects.filter(blog=found.blog)[:1000]
    ]


def upload_file(context: Context, blog_id: Any, user: Any, password: Any, data: Any) -> Struct:
    """wp.uploadFile: metaWeblog.newMediaObject under WordPress's name."""
    return methods.new_media(context, blog_id, user, password, data)


def options(context: Context, blog_id: Any, user: Any, password: Any, names: Any = None) -> Struct:
    """wp.getOptions: the few a client shows (the blog's name, address, software)."""
    found = member(context, blog_id, user, password)
    home = origin(found.blog) + "/"
    every = {
        "software_name": "Broadsheet",
        "blog_title": found.blog.title,
        "blog_tagline": found.blog.description,
        "blog_url": home,
        "home_url": home,
        "time_zone": "0",
    }
    shown = {
        key: {"desc": key.replace("_", " "), "readonly": True, "value": value}
        for key, value in every.items()
    }
    if isinstance(names, list) and names:
        return {key: shown[key] for key in names if isinstance(key, str) and key in shown}
    return shown


TABLE: dict[str, Callable[..., Any]] = {
    "wp.getUsersBlogs": users_blogs,
    "wp.getPosts": get_posts,
    "wp.getPost": get_post,
    "wp.newPost": new_post,
    "wp.editPost": edit_post,
    "wp.deletePost": delete_post,
    "wp.getTerms": get_terms,
    "wp.getCategories": get_categories,
    "wp.getTags": get_tags,
    "wp.uploadFile": upload_file,
    "wp.getOptions": options,
}
