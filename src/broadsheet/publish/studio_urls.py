"""The studio's "Static copy" page, mounted at /studio/<blog>/static-copy/ by the root URLs
(before the studio's own) since the studio cannot import this app (`studio_views`)."""

from __future__ import annotations

from broadsheet.core.routes import Views, path

studio_views = Views("broadsheet.publish.studio_views")  # imported on first use (`core.routes`)

app_name = "publish-studio"

urlpatterns = [
    path("", studio_views.static_copy, name="static-copy"),
]
