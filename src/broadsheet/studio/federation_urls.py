"""The fediverse in the studio, mounted at /studio/fediverse/."""

from __future__ import annotations

from broadsheet.core.routes import Views, path

views = Views("broadsheet.studio.views.federation")  # imported on first use (`core.routes`)

app_name = "federation-studio"

urlpatterns = [
    path("<slug:blog>/", views.overview, name="overview"),
    path("<slug:blog>/block/", views.block, name="block"),
    path("<slug:blog>/unblock/<int:pk>/", views.unblock, name="unblock"),
]
