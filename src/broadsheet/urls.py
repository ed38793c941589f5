"""The URL root: the studio and admin under their prefixes, the reader's Blogger paths below."""

from __future__ import annotations

from django.apps import apps
from django.urls import URLPattern, URLResolver, include, path

from broadsheet.core.routes import Views, re_path

# Imported on the first request for a media file, not with the URLconf (`core.routes`).
serve_media = Views("broadsheet.studio.views.media").serve_media

urlpatterns: list[URLPattern | URLResolver] = [
    path("studio/comments/", include("broadsheet.studio.comment_urls")),
    path("studio/subscribers/", include("broadsheet.studio.subscriber_urls")),
    path("studio/fediverse/", include("broadsheet.studio.federation_urls")),
    path("studio/<slug:blog_slug>/import/", include("broadsheet.studio.import_urls")),
    # The static copy's page belongs to `publish`, above the studio (publish/studio_views.py).
    path("studio/<slug:blog>/static-copy/", include("broadsheet.publish.studio_urls")),
    path("studio/", include("broadsheet.studio.urls")),
    re_path(r"^media/(?P<path>.+)$", serve_media, name="media"),
    path("", include("broadsheet.api.urls")),
    path("", include("broadsheet.federation.urls")),
    path("", include("broadsheet.webmention.urls")),
    path("", include("broadsheet.feeds.urls")),
    path("", include("broadsheet.reader.comment_urls")),
    path("", include("broadsheet.reader.subscriber_urls")),
    path("", include("broadsheet.reader.urls")),
]

# A command that starts without the admin (`cli.without_admin`) has no admin to route to.
if apps.is_installed("django.contrib.admin"):
    from django.contrib import admin

    urlpatterns.insert(0, path("admin/", admin.site.urls))

handler404 = "broadsheet.reader.views.not_found"
