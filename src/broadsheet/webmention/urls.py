from __future__ import annotations

from django.urls import path

from broadsheet.webmention import views

app_name = "webmention"

urlpatterns = [
    path("webmention", views.receive, name="receive"),
]
