"""Follow by Email in the studio, mounted at /studio/subscribers/."""

from __future__ import annotations

from broadsheet.core.routes import Views, path

views = Views("broadsheet.studio.views.subscribers")  # imported on first use (`core.routes`)

app_name = "subscribers-studio"

blog = "<slug:blog>/"

urlpatterns = [
    path(blog, views.overview, name="overview"),
    path(blog + "preview/", views.preview, name="preview"),
    path(blog + "test/", views.send_test, name="test"),
    path(blog + "settings/", views.newsletter_settings, name="settings"),
    path(blog + "export.csv", views.export, name="export"),
]
