"""The operator's view of posts and pages, for repairs (writers use the studio)."""

from __future__ import annotations

from django.contrib import admin

from broadsheet.blogs.admin import InvalidatesPages
from broadsheet.posts.models import Page, Post


@admin.register(Post)
class PostAdmin(InvalidatesPages):
    list_display = ["title", "blog", "status", "published_at", "permalink"]
    list_filter = ["status", "blog"]
    search_fields = ["title", "permalink"]
    readonly_fields = ["body_html", "text", "snippet", "comment_count"]
    date_hierarchy = "published_at"


@admin.register(Page)
class PageAdmin(InvalidatesPages):
    list_display = ["title", "blog", "status", "slug"]
    list_filter = ["status", "blog"]
