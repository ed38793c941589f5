from __future__ import annotations

from django.urls import path

from broadsheet.feeds import views

app_name = "feeds"

urlpatterns = [
    path("feeds/posts/default", views.posts_feed, name="posts"),
    path("atom.xml", views.posts_feed),
    path("rss.xml", views.posts_feed),
    path("feeds/<int:post_id>/comments/default", views.post_comments_feed, name="post-comments"),
]
