"""Blogger's feed addresses (PAGE.md), mounted at the site root before the reader's.

Blogger answers with or without a trailing slash, and `full` is its old name for `default`.
"""

from __future__ import annotations

from django.urls import path, re_path

from broadsheet.feeds import params, views

app_name = "feeds"

PROJECTION = r"(?P<projection>default|full|summary)"

urlpatterns = [
    re_path(rf"^feeds/posts/{PROJECTION}/?$", views.posts, name="posts"),
    re_path(rf"^feeds/posts/{PROJECTION}/-/(?P<labels>.+?)/?$", views.posts, name="label-posts"),
    path("atom.xml", views.posts, {"fmt": params.ATOM}, name="atom"),
    path("rss.xml", views.posts, {"fmt": params.RSS}, name="rss"),
    path("feed.json", views.posts, {"fmt": params.JSONFEED}, name="jsonfeed"),
    re_path(rf"^feeds/pages/{PROJECTION}/?$", views.pages, name="pages"),
    re_path(rf"^feeds/comments/{PROJECTION}/?$", views.comments, name="comments"),
    # At most 18 digits: a longer id cannot be a row and would overflow the database integer.
    re_path(
        rf"^feeds/(?P<post_id>[0-9]{{1,18}})/comments/{PROJECTION}/?$",
        views.post_comments,
        name="post-comments",
    ),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    # At most 9 digits, as `?page=N`: the pages of posts counted from the oldest.
    re_path(
        r"^sitemap-posts-(?P<number>[0-9]{1,9})\.xml$", views.sitemap_posts, name="sitemap-posts"
    ),
    path("sitemap-pages.xml", views.sitemap_pages, name="sitemap-pages"),
    path("sitemap-labels.xml", views.sitemap_labels, name="sitemap-labels"),
    # The files of labels past the first 50,000 (sitemaps.py), numbered as the posts' are.
    re_path(
        r"^sitemap-labels-(?P<number>[0-9]{1,9})\.xml$",
        views.sitemap_labels_page,
        name="sitemap-labels-page",
    ),
    path("robots.txt", views.robots_txt, name="robots"),
]
