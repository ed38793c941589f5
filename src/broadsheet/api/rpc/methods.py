"""MetaWeblog and Blogger 1.0, the methods every desktop editor since 2003 speaks. Each is
sign in, one helper of `api.access`, one action of `posts` or `media`, as the JSON API's
views are; structs are read into the editor's `Content` by `api.writing`."""

from __future__ import annotations

import html
import io
import re
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from broadsheet.api import access, writing
from broadsheet.api.errors import ApiError
from broadsheet.api.rpc.shapes import (
    Context,
    Struct,
    blogger,
    member,
    metaweblog,
    moment,
    signed_in,
    string,
    struct,
)
from broadsheet.blogs.hosts import origin
from broadsheet.blogs.models import Membership
from broadsheet.media import actions as media
from broadsheet.posts import actions
from broadsheet.posts.actions import Content, Intent
from broadsheet.posts.models import Label, Post

MOST_RECENT = 100
TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL | re.IGNORECASE)
CATEGORY = re.compile(r"<category>(.*?)</category>", re.DOTALL | re.IGNORECASE)


def intent(asked: Content, publish: Any, status: Any = None) -> Intent:
    """The publish flag, or WordPress's post_status where a client sends one."""
    if status in ("draft", "pending", "private"):
        return Intent.DRAFT
    if status in ("publish", "future") or (status is None and bool(publish)):
        return writing.intent_to_publish(asked.publish_at)
    return Intent.DRAFT


def weblog_content(data: Struct, post: Post | None) -> Content:
    """A MetaWeblog struct (title, description, categories or mt_keywords, dateCreated)."""
    asked = {"title": data.get("title"), "content": data.get("description")}
    found = {key: value for key, value in asked.items() if value is not None}
    names = _categories(data)
    if names is not None:
        found["labels"] = names
    content = writing.content(found, post)
    when = moment(data.get("date_created_gmt") or data.get("dateCreated"))
    return replace(content, publish_at=when) if when else content


def _categories(data: Struct) -> list[str] | None:
    if "categories" in data:
        value = data["categories"]
        return value if isinstance(value, list) else [str(value)]
    if isinstance(data.get("mt_keywords"), str):
        return [name.strip() for name in data["mt_keywords"].split(",") if name.strip()]
    return None


def new_post(
    context: Context, blog_id: Any, user: Any, password: Any, data: Any, publish: Any = True
) -> str:
    """metaWeblog.newPost: the new post's id."""
    found = member(context, blog_id, user, password, write=True)
    asked = weblog_content(struct(data, "content"), None)
    post = actions.write_post(found, None, asked, intent(asked, publish, data.get("post_status")))
    return str(post.pk)


def edit_post(
    context: Context, post_id: Any, user: Any, password: Any, data: Any, publish: Any = True
) -> bool:
    """metaWeblog.editPost"""
    found, post = access.post_anywhere(
        signed_in(context, user, password, write=True), string(post_id, "post id", 20)
    )
    asked = weblog_content(struct(data, "content"), post)
    actions.write_post(found, post, asked, intent(asked, publish, data.get("post_status")))
    return True


def get_post(context: Context, post_id: Any, user: Any, password: Any) -> Struct:
    """metaWeblog.getPost"""
    grant = signed_in(context, user, password)
    return metaweblog(access.post_anywhere(grant, string(post_id, "post id", 20))[1])


def recent(found: Membership, count: Any) -> list[Post]:
    """The member's newest posts, drafts they may see included, as editors list them."""
    most = count if isinstance(count, int) and 0 < count <= MOST_RECENT else MOST_RECENT
    posts = access.posts_for(found).select_related("blog").prefetch_related("labels")
    return list(posts.order_by("-created_at", "-id")[:most])


def recent_posts(
    context: Context, blog_id: Any, user: Any, password: Any, count: Any = 10
) -> list[Struct]:
    """metaWeblog.getRecentPosts"""
    return [metaweblog(post) for post in recent(member(context, blog_id, user, password), count)]


def categories(context: Context, blog_id: Any, user: Any, password: Any) -> list[Struct]:
    """metaWeblog.getCategories: the blog's labels, with their pages and feeds."""
    found = member(context, blog_id, user, password)
    home = origin(found.blog)
    return [_category(label, home) for label in Label.objects.filter(blog=found.blog)[:1000]]


def _category(label: Label, home: str) -> Struct:
    return {
        "categoryId": str(label.pk),
        "categoryName": label.name,
        "description": label.name,
        "htmlUrl": f"{home}/search/label/{quote(label.name)}",
        "rssUrl": f"{home}/feeds/posts/default/-/{quote(label.name)}",
    }


def new_media(context: Context, blog_id: Any, user: Any, password: Any, data: Any) -> Struct:
    """metaWeblog.newMediaObject: an image, stored as the studio's uploads are."""
    found = member(context, blog_id, user, password, write=True)
    data = struct(data, "file")
    bits = data.get("bits")
    if not isinstance(bits, bytes):
        raise ApiError("invalid", "bits must be base64.")
    name = string(data.get("name", "image"), "name", 255)
    image = media.upload_image(found, io.BytesIO(bits), name, "")
    return {"id": str(image.pk), "file": name, "url": image.src, "type": data.get("type", "")}


# --- Blogger 1.0 (its first parameter, the application key, is ignored, as Blogger's was) --


def users_blogs(context: Context, appkey: Any, user: Any, password: Any) -> list[Struct]:
    """blogger.getUsersBlogs"""
    grant = signed_in(context, user, password)
    return [blog_struct(found, context) for found in access.blogs_for(grant)]


def blog_struct(found: Any, context: Context) -> Struct:
    home = origin(found) + "/"
    return {
        "url": home,
        "blogid": str(found.pk),
        "blogName": found.title,
        "xmlrpc": home + "xmlrpc.php",
    }


def user_info(context: Context, appkey: Any, user: Any, password: Any) -> Struct:
    """blogger.getUserInfo"""
    found = signed_in(context, user, password).user
    return {
        "userid": str(found.pk),
        "nickname": found.get_username(),
        "firstname": getattr(found, "first_name", ""),
        "lastname": getattr(found, "last_name", ""),
        "email": getattr(found, "email", ""),
        "url": "",
    }


def blogger_content(text: Any, post: Post | None) -> Content:
    """Blogger 1.0 sends one string: a `<title>` and `<category>` in it are read out of it,
    as WordPress does."""
    # The whole string is held to the body's bound before the searches below read it.
    body = writing.checked_body(string(text, "content", sys.maxsize))
    data: dict[str, Any] = {}
    title = TITLE.search(body)
    if title:
        data["title"] = html.unescape(title.group(1)).strip()
    named = CATEGORY.search(body)
    if named:
        data["labels"] = [
            name.strip() for name in html.unescape(named.group(1)).split(",") if name.strip()
        ]
    data["content"] = CATEGORY.sub("", TITLE.sub("", body)).strip()
    return writing.content(data, post)


def blogger_new(
    context: Context,
    appkey: Any,
    blog_id: Any,
    user: Any,
    password: Any,
    text: Any,
    publish: Any = True,
) -> str:
    """blogger.newPost"""
    found = member(context, blog_id, user, password, write=True)
    asked = blogger_content(text, None)
    return str(actions.write_post(found, None, asked, intent(asked, publish)).pk)


def blogger_edit(
    context: Context,
    appkey: Any,
    post_id: Any,
    user: Any,
    password: Any,
    text: Any,
    publish: Any = True,
) -> bool:
    """blogger.editPost"""
    found, post = access.post_anywhere(
        signed_in(context, user, password, write=True), string(post_id, "post id", 20)
    )
    asked = blogger_content(text, post)
    actions.write_post(found, post, asked, intent(asked, publish))
    return True


def blogger_delete(
    context: Context, appkey: Any, post_id: Any, user: Any, password: Any, publish: Any = True
) -> bool:
    """blogger.deletePost: to the studio's trash, from where it can be restored."""
    found, post = access.post_anywhere(
        signed_in(context, user, password, write=True), string(post_id, "post id", 20)
    )
    actions.trash(found, post)
    return True


def blogger_recent(
    context: Context, appkey: Any, blog_id: Any, user: Any, password: Any, count: Any = 10
) -> list[Struct]:
    """blogger.getRecentPosts"""
    return [blogger(post) for post in recent(member(context, blog_id, user, password), count)]


TABLE: dict[str, Callable[..., Any]] = {
    "metaWeblog.newPost": new_post,
    "metaWeblog.editPost": edit_post,
    "metaWeblog.getPost": get_post,
    "metaWeblog.getRecentPosts": recent_posts,
    "metaWeblog.getCategories": categories,
    "metaWeblog.newMediaObject": new_media,
    "blogger.getUsersBlogs": users_blogs,
    "blogger.getUserInfo": user_info,
    "blogger.newPost": blogger_new,
    "blogger.editPost": blogger_edit,
    "blogger.deletePost": blogger_delete,
    "blogger.getRecentPosts": blogger_recent,
}
