"""The fediverse's addresses on every blog's host."""

from __future__ import annotations

from broadsheet.core.routes import Views, path

views = Views("broadsheet.federation.views")  # imported on first use (`core.routes`)

app_name = "federation"

urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="webfinger"),
    path(".well-known/nodeinfo", views.nodeinfo_links, name="nodeinfo-links"),
    path("nodeinfo/2.1", views.nodeinfo, name="nodeinfo"),
    path("ap/inbox", views.receive, name="shared-inbox"),
    path("ap/blog", views.actor, name="blog"),
    path("ap/blog/inbox", views.receive, name="blog-inbox"),
    path("ap/blog/outbox", views.outbox, name="blog-outbox"),
    path("ap/blog/followers", views.followers, name="blog-followers"),
    path("ap/authors/<str:username>", views.actor, name="author"),
    path("ap/authors/<str:username>/inbox", views.receive, name="author-inbox"),
    path("ap/authors/<str:username>/outbox", views.outbox, name="author-outbox"),
    path("ap/authors/<str:username>/followers", views.followers, name="author-followers"),
    path("ap/comments/<int:pk>", views.note, name="note"),
]
