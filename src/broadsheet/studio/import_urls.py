"""The studio's import page, mounted at /studio/<blog>/import/ (before the studio's own URLs).

`blog_slug` names the blog; the studio's `blog_view` takes it positionally as `blog`.
"""

from __future__ import annotations

from broadsheet.core.routes import Views, path

studio_views = Views("broadsheet.studio.views.imports")  # imported on first use (`core.routes`)

app_name = "portability-studio"

urlpatterns = [
    path("", studio_views.import_page, name="import"),
    path("<int:pk>/", studio_views.job_page, name="job"),
    path("<int:pk>/progress/", studio_views.job_progress, name="job-progress"),
]
