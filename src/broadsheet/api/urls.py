"""The API's addresses: Blogger API v3's paths under /blogger/v3/, and the documents that
describe them under /api/. Ids are matched as strings and checked by `api.access`, so a bad
one gets the API's JSON 404, not the reader's page."""

from __future__ import annotations

from broadsheet.core.routes import Views, path, re_path

# Imported when a request first reaches them, not with the URLconf (`core.routes`).
V = "broadsheet.api.views."
micropub = Views("broadsheet.api.micropub.views")
xmlrpc_endpoint = Views("broadsheet.api.rpc.server").xmlrpc_endpoint
blogs = Views(V + "blogs")
comments = Views(V + "comments")
described = Views(V + "described")
extras = Views(V + "extras")
missing = Views(V + "missing")
pages = Views(V + "pages")
posts = Views(V + "posts")
rpc = Views(V + "rpc")

app_name = "api"

B = "blogger/v3/blogs/<str:blog_id>/"
P = B + "posts/<str:post_id>/"
C = P + "comments/<str:comment_id>/"

urlpatterns = [
    # WordPress's address, which editors try first, and a plain one.
    path("xmlrpc.php", xmlrpc_endpoint, name="xmlrpc-php"),
    path("xmlrpc", xmlrpc_endpoint, name="xmlrpc"),
    path("rsd.xml", rpc.rsd, name="rsd"),
    path("micropub", micropub.micropub, name="micropub"),
    path("micropub/media", micropub.media_endpoint, name="micropub-media"),
    path("token", micropub.token_endpoint, name="token"),
    path("api/openapi.json", described.openapi_document, name="openapi"),
    path(
        "api/discovery/v1/apis/blogger/v3/rest",
        described.discovery_document,
        name="discovery",
    ),
    path("blogger/v3/blogs/byurl", blogs.byurl, name="blog-byurl"),
    path("blogger/v3/users/<str:user_id>", blogs.user, name="user"),
    path("blogger/v3/users/<str:user_id>/blogs", blogs.user_blogs, name="user-blogs"),
    path(B.rstrip("/"), blogs.blog, name="blog"),
    path(B + "posts", posts.posts, name="posts"),
    path(B + "posts/bypath", posts.bypath, name="post-bypath"),
    path(B + "posts/search", posts.search, name="post-search"),
    path(P.rstrip("/"), posts.post, name="post"),
    path(P + "publish", posts.publish, name="post-publish"),
    path(P + "revert", posts.revert, name="post-revert"),
    path(P + "comments", comments.post_comments, name="comments"),
    path(C.rstrip("/"), comments.comment, name="comment"),
    re_path(
        r"^blogger/v3/blogs/(?P<blog_id>[^/]+)/posts/(?P<post_id>[^/]+)/comments/"
        r"(?P<comment_id>[^/]+)/(?P<verb>approve|spam|removecontent)$",
        comments.moderate,
        name="comment-moderate",
    ),
    path(B + "comments", comments.blog_comments, name="blog-comments"),
    path(B + "pages", pages.pages, name="pages"),
    path(B + "pages/<str:page_id>", pages.page, name="page"),
    path(B + "pages/<str:page_id>/publish", pages.publish, name="page-publish"),
    path(B + "pages/<str:page_id>/revert", pages.revert, name="page-revert"),
    path(B + "labels", extras.labels, name="labels"),
    path(B + "media", extras.media, name="media"),
    re_path(r"^blogger/(?P<rest>.*)$", missing.missing, name="missing"),
]
