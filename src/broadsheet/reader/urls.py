"""Blogger's public addresses (PAGE.md), so a blog moved from Blogger keeps every link."""

from __future__ import annotations

from django.urls import path, re_path

from broadsheet.reader import share_views, theme_css, views

app_name = "reader"

urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    path("search/", views.search),
    path("search/label/<path:names>", views.label, name="label"),
    re_path(
        r"^(?P<year>\d{4})/(?P<month>\d{2})/(?P<slug>[^/]+)\.html$", views.post_detail, name="post"
    ),
    re_path(r"^(?P<year>\d{4})/(?P<month>\d{2})/$", views.archive_month, name="archive-month"),
    re_path(r"^(?P<year>\d{4})/$", views.archive_year, name="archive-year"),
    re_path(
        r"^(?P<year>\d{4})_(?P<month>\d{2})_(?P<day>\d{2})_archive\.html$",
        views.legacy_archive,
        name="legacy-archive",
    ),
    path("p/<str:slug>.html", views.page_detail, name="page"),
    path("share/mastodon/<int:pk>", share_views.mastodon, name="share-mastodon"),
    # The blog's theme options as CSS (reader.theme_css); not a Blogger address, none clashes.
    path("theme.css", theme_css.theme_css, name="theme-css"),
]
