"""Follow by Email's public addresses, mounted at the site root before the reader's own."""

from __future__ import annotations

from broadsheet.core.routes import Views, path

views = Views("broadsheet.reader.subscriber_views")  # imported on first use (`core.routes`)

app_name = "subscribers"

urlpatterns = [
    path("follow-by-email", views.subscribe, name="subscribe"),
    path("follow-by-email/confirm/<str:token>", views.confirm, name="confirm"),
    path("follow-by-email/unsubscribe/<str:token>", views.unsubscribe, name="unsubscribe"),
    path("follow-by-email/bounces", views.bounce_webhook, name="bounce-webhook"),
]
