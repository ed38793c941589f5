from __future__ import annotations

from broadsheet.core.routes import Views, path

views = Views("broadsheet.webmention.views")  # imported on first use (`core.routes`)

app_name = "webmention"

urlpatterns = [
    path("webmention", views.receive, name="receive"),
]
