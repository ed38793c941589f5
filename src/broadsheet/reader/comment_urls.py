"""The reader's comment addresses, mounted at the site root before the reader's own."""

from __future__ import annotations

from broadsheet.core.routes import Views, path, re_path

# Imported on the first comment, not with the URLconf (`core.routes`): the static export
# reverses these addresses and never calls the views.
views = Views("broadsheet.reader.comment_views")

app_name = "comments"

# At most 18 digits: a longer id cannot be a row and would overflow the database integer.
POST_ID = r"(?P<post_id>[0-9]{1,18})"

urlpatterns = [
    re_path(rf"^comments/post/{POST_ID}$", views.post_comment, name="post"),
    re_path(rf"^comments/token/{POST_ID}$", views.form_token, name="token"),
    path("comments/unsubscribe/<str:token>", views.unsubscribe, name="unsubscribe"),
    path("comments/confirm/<str:token>", views.confirm_replies, name="confirm-replies"),
]
