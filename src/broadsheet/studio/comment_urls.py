"""Comment moderation in the studio, mounted at /studio/comments/."""

from __future__ import annotations

from broadsheet.core.routes import Views, path

moderation = Views("broadsheet.studio.views.comments")  # imported on first use (`core.routes`)

app_name = "comments-studio"

blog = "<slug:blog>/"

urlpatterns = [
    path(blog, moderation.comment_list, name="list"),
    path(blog + "bulk/", moderation.bulk, name="bulk"),
    path(blog + "<int:pk>/reply/", moderation.reply, name="reply"),
    path(blog + "<int:pk>/<slug:action>/", moderation.moderate, name="moderate"),
]
