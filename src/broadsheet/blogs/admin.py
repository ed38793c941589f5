"""The operator's view of blogs and memberships (writers use the studio)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from broadsheet.blogs.actions import bump_content_version, lock_blog
from broadsheet.blogs.models import Blog, Membership


class InvalidatesPages(admin.ModelAdmin):
    """A change made here reaches readers at once: the blog's cached pages are dropped, as the
    studio's own writes do (`Blog.bump_content_version`). Each takes the blog's row first, as
    the studio's writes do (`blogs.actions.lock_blog`)."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        blog = blog_of(obj)
        if blog.pk is not None:  # a blog being made holds no one up
            lock_blog(blog.pk)
        super().save_model(request, obj, form, change)
        bump_content_version(blog_of(obj))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        blog = blog_of(obj)
        lock_blog(blog.pk)
        super().delete_model(request, obj)
        if obj is not blog:
            bump_content_version(blog)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        blogs = {blog_of(obj).pk: blog_of(obj) for obj in queryset}
        lock_blog(*blogs)
        super().delete_queryset(request, queryset)
        for blog in blogs.values():
            if Blog.objects.filter(pk=blog.pk).exists():
                bump_content_version(blog)


def blog_of(obj: Model) -> Blog:
    return obj if isinstance(obj, Blog) else obj.blog  # type: ignore[attr-defined]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Blog)
class BlogAdmin(InvalidatesPages):
    list_display = ["title", "slug", "custom_domain", "is_default", "is_private"]
    search_fields = ["title", "slug", "custom_domain"]
    readonly_fields = ["content_version", "sidebar_version", "created_at", "updated_at"]
    raw_id_fields = ["featured_post"]
    inlines = [MembershipInline]
