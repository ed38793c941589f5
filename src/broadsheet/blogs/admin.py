"""The operator's view of blogs and memberships (writers use the studio)."""

from __future__ import annotations

from django.contrib import admin

from broadsheet.blogs.models import Blog, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Blog)
class BlogAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "custom_domain", "is_default", "is_private"]
    search_fields = ["title", "slug", "custom_domain"]
    readonly_fields = ["content_version", "created_at", "updated_at"]
    raw_id_fields = ["featured_post"]
    inlines = [MembershipInline]
