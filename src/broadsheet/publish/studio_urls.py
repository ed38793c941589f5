"""The studio's "Static copy" page, mounted at /studio/<blog>/static-copy/ by the root URLs
(before the studio's own) since the studio cannot import this app (`studio_views`)."""

from __future__ import annotations

from django.urls import path

from broadsheet.publish import studio_views

app_name = "publish-studio"

urlpatterns = [
    path("", studio_views.static_copy, name="static-copy"),
]
