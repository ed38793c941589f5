"""The operator's view of posts and pages, for repairs (writers use the studio)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from broadsheet.blogs.admin import InvalidatesPages
from broadsheet.posts.models import Page, Post


class MarksEdited(InvalidatesPages):
    """An operator's change is an edit: its time moves, as the studio's saves move it, so
    what is keyed on a post's or page's last edit (the static export's keys, the feeds'
    `updated`) shows the change."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Post)
class PostAdmin(MarksEdited):
    list_display = ["title", "blog", "status", "published_at", "permalink"]
    list_filter = ["status", "blog"]
    search_fields = ["title", "permalink"]
    readonly_fields = ["body_html", "text", "snippet", "comment_count"]
    date_hierarchy = "published_at"


@admin.register(Page)
class PageAdmin(MarksEdited):
    list_display = ["title", "blog", "status", "slug"]
    list_filter = ["status", "blog"]
