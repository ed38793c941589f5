"""The API described once: every operation and every resource's fields. The OpenAPI
document (`openapi`) and the discovery document Google's client libraries read (`discovery`)
are both rendered from here, and a test holds the URL configuration to it, so no endpoint
goes undescribed.

A field type is a short string: `string`, `integer`, `boolean`, `date-time`, `Name` (another
schema), `[type]` (a list of it), or a dict of fields (an object in place).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Fields = dict[str, Any]


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    type: str = "string"
    where: str = "query"
    required: bool = False
    repeated: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Operation:
    id: str  # Blogger's method id: "posts.list"
    http: str
    path: str  # under /blogger/v3/, Blogger's parameter names in braces
    summary: str
    params: tuple[Param, ...] = ()
    request: str | None = None
    response: str | None = None
    scope: str = "read"
    extension: bool = False  # Broadsheet's own, not in Blogger's API
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def path_params(self) -> list[str]:
        return [part[1:-1] for part in self.path.split("/") if part.startswith("{")]


def _id(name: str, what: str) -> Param:
    return Param(name, f"The {what}'s id.", where="path", required=True)


BLOG, POST, PAGE = _id("blogId", "blog"), _id("postId", "post"), _id("pageId", "page")
COMMENT = _id("commentId", "comment")
USER = Param("userId", "Only `self`, the caller.", where="path", required=True)
MAX = Param("maxResults", "How many to answer, 1 to 100 (10 if left out).", "integer")
TOKEN = Param("pageToken", "The `nextPageToken` of the page before.")
BODIES = Param("fetchBodies", "Include each item's content (true if left out).", "boolean")
POST_STATUS = Param(
    "status",
    "Which posts (live if left out).",
    repeated=True,
    choices=("live", "draft", "scheduled"),
)
COMMENT_STATUS = Param(
    "status",
    "Which comments (live if left out); the others to those who moderate them.",
    repeated=True,
    choices=("live", "pending", "spam", "emptied"),
)
PAGE_STATUS = Param(
    "status", "Which pages (live if left out).", repeated=True, choices=("live", "draft")
)
LISTING = (MAX, TOKEN, BODIES)
POST_PATH = "blogs/{blogId}/posts/{postId}"
PAGE_PATH = "blogs/{blogId}/pages/{pageId}"
ORDERS = ("published", "updated")

OPERATIONS: tuple[Operation, ...] = (
    Operation("blogs.get", "GET", "blogs/{blogId}", "A blog.", (BLOG,), response="Blog"),
    Operation(
        "blogs.getByUrl",
        "GET",
        "blogs/byurl",
        "The blog served at an address.",
        (Param("url", "The blog's address.", required=True),),
        response="Blog",
    ),
    Operation(
        "blogs.listByUser",
        "GET",
        "users/{userId}/blogs",
        "The blogs the caller writes on.",
        (USER,),
        response="BlogList",
    ),
    Operation("users.get", "GET", "users/{userId}", "The caller.", (USER,), response="User"),
    Operation(
        "posts.list",
        "GET",
        "blogs/{blogId}/posts",
        "A blog's posts, newest first.",
        (
            BLOG,
            *LISTING,
            POST_STATUS,
            Param("labels", "Only posts carrying all these labels, comma-separated."),
            Param(
                "orderBy", "published (the default) or updated.", choices=("published", "updated")
            ),
        ),
        response="PostList",
    ),
    Operation(
        "posts.insert",
        "POST",
        "blogs/{blogId}/posts",
        "Write a new post: published (contributors: refused) or a draft.",
        (BLOG, Param("isDraft", "Keep it as a draft.", "boolean")),
        request="Post",
        response="Post",
        scope="write",
    ),
    Operation(
        "posts.getByPath",
        "GET",
        "blogs/{blogId}/posts/bypath",
        "The live post at an address.",
        (BLOG, Param("path", "The post's path, /YYYY/MM/slug.html.", required=True)),
        response="Post",
    ),
    Operation(
        "posts.search",
        "GET",
        "blogs/{blogId}/posts/search",
        "Live posts matching a query, best first.",
        (BLOG, Param("q", "The words to find.", required=True), MAX, BODIES),
        response="PostList",
    ),
    Operation(
        "posts.get",
        "GET",
        POST_PATH,
        "A post.",
        (BLOG, POST),
        response="Post",
    ),
    Operation(
        "posts.patch",
        "PATCH",
        POST_PATH,
        "Change the fields given; the post stays live, scheduled or a draft.",
        (BLOG, POST),
        request="Post",
        response="Post",
        scope="write",
    ),
    Operation(
        "posts.update",
        "PUT",
        POST_PATH,
        "Replace the title, content and labels.",
        (BLOG, POST),
        request="Post",
        response="Post",
        scope="write",
    ),
    Operation(
        "posts.delete",
        "DELETE",
        POST_PATH,
        "Move a post to the trash (restorable in the studio).",
        (BLOG, POST),
        scope="write",
    ),
    Operation(
        "posts.publish",
        "POST",
        "blogs/{blogId}/posts/{postId}/publish",
        "Publish a post now, or schedule it (authors and admins only).",
        (BLOG, POST, Param("publishDate", "When, RFC 3339; ahead of now schedules it.")),
        response="Post",
        scope="write",
    ),
    Operation(
        "posts.revert",
        "POST",
        "blogs/{blogId}/posts/{postId}/revert",
        "Take a post back to a draft.",
        (BLOG, POST),
        response="Post",
        scope="write",
    ),
    Operation(
        "comments.list",
        "GET",
        "blogs/{blogId}/posts/{postId}/comments",
        "A post's comments, newest first.",
        (BLOG, POST, MAX, TOKEN, COMMENT_STATUS),
        response="CommentList",
    ),
    Operation(
        "comments.listByBlog",
        "GET",
        "blogs/{blogId}/comments",
        "The blog's comments, newest first.",
        (BLOG, MAX, TOKEN, COMMENT_STATUS),
        response="CommentList",
    ),
    Operation(
        "comments.get",
        "GET",
        "blogs/{blogId}/posts/{postId}/comments/{commentId}",
        "A comment.",
        (BLOG, POST, COMMENT),
        response="Comment",
    ),
    Operation(
        "comments.delete",
        "DELETE",
        "blogs/{blogId}/posts/{postId}/comments/{commentId}",
        "Delete a comment (to the trash).",
        (BLOG, POST, COMMENT),
        scope="write",
    ),
    Operation(
        "comments.approve",
        "POST",
        "blogs/{blogId}/posts/{postId}/comments/{commentId}/approve",
        "Publish a held comment.",
        (BLOG, POST, COMMENT),
        response="Comment",
        scope="write",
    ),
    Operation(
        "comments.markAsSpam",
        "POST",
        "blogs/{blogId}/posts/{postId}/comments/{commentId}/spam",
        "Mark a comment as spam.",
        (BLOG, POST, COMMENT),
        response="Comment",
        scope="write",
    ),
    Operation(
        "comments.removeContent",
        "POST",
        "blogs/{blogId}/posts/{postId}/comments/{commentId}/removecontent",
        "Take a comment off the page.",
        (BLOG, POST, COMMENT),
        response="Comment",
        scope="write",
    ),
    Operation(
        "pages.list",
        "GET",
        "blogs/{blogId}/pages",
        "The blog's static pages.",
        (BLOG, *LISTING, PAGE_STATUS),
        response="PageList",
    ),
    Operation(
        "pages.get",
        "GET",
        PAGE_PATH,
        "A page.",
        (BLOG, PAGE),
        response="Page",
    ),
    Operation(
        "pages.insert",
        "POST",
        "blogs/{blogId}/pages",
        "Write a new page, published or a draft (the blog's admins).",
        (BLOG, Param("isDraft", "Keep it as a draft.", "boolean")),
        request="Page",
        response="Page",
        scope="write",
    ),
    Operation(
        "pages.patch",
        "PATCH",
        PAGE_PATH,
        "Change the fields given; the page stays live or a draft.",
        (BLOG, PAGE),
        request="Page",
        response="Page",
        scope="write",
    ),
    Operation(
        "pages.update",
        "PUT",
        PAGE_PATH,
        "Replace the title and content.",
        (BLOG, PAGE),
        request="Page",
        response="Page",
        scope="write",
    ),
    Operation(
        "pages.delete",
        "DELETE",
        PAGE_PATH,
        "Move a page to the trash (restorable in the studio).",
        (BLOG, PAGE),
        scope="write",
    ),
    Operation(
        "pages.publish",
        "POST",
        PAGE_PATH + "/publish",
        "Publish a page.",
        (BLOG, PAGE),
        response="Page",
        scope="write",
    ),
    Operation(
        "pages.revert",
        "POST",
        PAGE_PATH + "/revert",
        "Take a page back to a draft.",
        (BLOG, PAGE),
        response="Page",
        scope="write",
    ),
    Operation(
        "labels.list",
        "GET",
        "blogs/{blogId}/labels",
        "The blog's labels by name, a page at a time, with how many live posts carry each.",
        (
            BLOG,
            Param("maxResults", "How many to answer, 1 to 1000 (1000 if left out).", "integer"),
            TOKEN,
        ),
        response="LabelList",
        extension=True,
    ),
    Operation(
        "media.insert",
        "POST",
        "blogs/{blogId}/media",
        "Upload an image: multipart (field `image`, and `alt`) or the image as the body.",
        (
            BLOG,
            Param("name", "The file's name, for a raw body."),
            Param("alt", "Its text alternative, for a raw body."),
        ),
        response="Media",
        scope="write",
        extension=True,
    ),
)

AUTHOR: Fields = {
    "id": "string",
    "displayName": "string",
    "url": "string",
    "image": {"url": "string"},
}
REF: Fields = {"id": "string"}
SCHEMAS: dict[str, Fields] = {
    "Blog": {
        "kind": "string",
        "id": "string",
        "name": "string",
        "description": "string",
        "published": "date-time",
        "updated": "date-time",
        "url": "string",
        "selfLink": "string",
        "posts": {"totalItems": "integer", "selfLink": "string"},
        "pages": {"selfLink": "string"},
        "locale": {"language": "string"},
    },
    "BlogList": {"kind": "string", "items": "[Blog]"},
    "User": {"kind": "string", "selfLink": "string", **AUTHOR},
    "Post": {
        "kind": "string",
        "id": "string",
        "blog": REF,
        "published": "date-time",
        "updated": "date-time",
        "url": "string",
        "selfLink": "string",
        "title": "string",
        "content": "string",
        "labels": "[string]",
        "author": AUTHOR,
        "replies": {"totalItems": "string", "selfLink": "string"},
        "status": "string",
    },
    "PostList": {"kind": "string", "items": "[Post]", "nextPageToken": "string"},
    "Page": {
        "kind": "string",
        "id": "string",
        "blog": REF,
        "published": "date-time",
        "updated": "date-time",
        "url": "string",
        "selfLink": "string",
        "title": "string",
        "content": "string",
        "author": AUTHOR,
        "status": "string",
    },
    "PageList": {"kind": "string", "items": "[Page]", "nextPageToken": "string"},
    "Comment": {
        "kind": "string",
        "id": "string",
        "post": REF,
        "blog": REF,
        "inReplyTo": REF,
        "published": "date-time",
        "updated": "date-time",
        "selfLink": "string",
        "content": "string",
        "author": {"displayName": "string", "url": "string"},
        "status": "string",
    },
    "CommentList": {"kind": "string", "items": "[Comment]", "nextPageToken": "string"},
    "Label": {"kind": "string", "name": "string", "totalItems": "integer"},
    "LabelList": {"kind": "string", "items": "[Label]", "nextPageToken": "string"},
    "Media": {
        "kind": "string",
        "id": "string",
        "blog": REF,
        "url": "string",
        "width": "integer",
        "height": "integer",
        "alt": "string",
        "html": "string",
        "published": "date-time",
    },
}

# The error codes of `api.errors.REASONS`, for the documents' error schema.
ERROR: Fields = {
    "error": {
        "code": "integer",
        "message": "string",
        "status": "string",
        "errors": [
            {"reason": "string", "message": "string", "domain": "string", "location": "string"}
        ],
    }
}
