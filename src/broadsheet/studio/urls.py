"""The studio, under /studio/. Blog pages carry the blog's slug: /studio/<blog>/posts/..."""

from __future__ import annotations

from django.contrib.auth import views as auth
from django.urls import register_converter, reverse_lazy

from broadsheet.core.routes import Views, path
from broadsheet.studio.views import password

# Imported when a request first reaches them, not with the URLconf (`core.routes`).
V = "broadsheet.studio.views."
app_passwords = Views(V + "app_passwords")
blogs = Views(V + "blogs")
items = Views(V + "items")
layout = Views(V + "layout")
media = Views(V + "media")
members = Views(V + "members")
pages = Views(V + "pages")
posts = Views(V + "posts")
profile = Views(V + "profile")
stats = Views(V + "stats")
theme = Views(V + "theme")
backup = Views(V + "backup").backup
post_by_email = Views(V + "post_by_email").post_by_email

app_name = "studio"


class KindConverter:
    regex = "posts|pages"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(KindConverter, "kind")

T = "studio/account/"

accounts = [
    path(
        "login/",
        auth.LoginView.as_view(template_name=T + "login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path(
        "account/password/",
        auth.PasswordChangeView.as_view(
            template_name=T + "password_change.html",
            success_url=reverse_lazy("studio:password-changed"),
        ),
        name="password-change",
    ),
    path(
        "account/password/changed/",
        auth.PasswordChangeDoneView.as_view(template_name=T + "password_changed.html"),
        name="password-changed",
    ),
    path(
        "password-reset/",
        password.PasswordResetView.as_view(
            template_name=T + "password_reset.html",
            success_url=reverse_lazy("studio:password-reset-sent"),
        ),
        name="password-reset",
    ),
    path(
        "password-reset/sent/",
        auth.PasswordResetDoneView.as_view(template_name=T + "password_reset_sent.html"),
        name="password-reset-sent",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        password.PasswordResetConfirmView.as_view(
            template_name=T + "password_reset_confirm.html",
            success_url=reverse_lazy("studio:password-reset-done"),
        ),
        name="password-reset-confirm",
    ),
    path(
        "password-reset/done/",
        auth.PasswordResetCompleteView.as_view(template_name=T + "password_reset_done.html"),
        name="password-reset-done",
    ),
    path("invitations/<str:token>/", members.accept, name="accept-invitation"),
    path("profile/", profile.profile, name="profile"),
    path("account/app-passwords/", app_passwords.app_password_list, name="app-passwords"),
    path(
        "account/app-passwords/<int:pk>/revoke/",
        app_passwords.app_password_revoke,
        name="app-password-revoke",
    ),
]

blog = "<slug:blog>/"
item = blog + "<kind:kind>/<int:pk>/"

urlpatterns = [
    *accounts,
    path("", blogs.home, name="home"),
    path("new-blog/", blogs.blog_new, name="blog-new"),
    path(blog, blogs.dashboard, name="dashboard"),
    path(blog + "settings/", blogs.blog_settings, name="blog-settings"),
    path(blog + "settings/date-example/", blogs.date_example, name="date-example"),
    path(blog + "theme/", theme.theme, name="theme"),
    path(blog + "settings/post-by-email/", post_by_email, name="post-by-email"),
    path(blog + "backup/", backup, name="backup"),
    path(blog + "layout/", layout.layout, name="layout"),
    path(blog + "layout/add/", layout.gadget_add, name="gadget-add"),
    path(blog + "layout/<int:pk>/", layout.gadget, name="gadget"),
    path(blog + "layout/<int:pk>/move/", layout.gadget_move, name="gadget-move"),
    path(blog + "layout/<int:pk>/remove/", layout.gadget_remove, name="gadget-remove"),
    path(blog + "members/", members.members, name="members"),
    path(blog + "members/invite/", members.invite, name="invite"),
    path(blog + "members/<int:pk>/role/", members.change_role, name="member-role"),
    path(blog + "members/<int:pk>/remove/", members.remove, name="member-remove"),
    path(blog + "invitations/<int:pk>/revoke/", members.revoke, name="invitation-revoke"),
    path(blog + "posts/", posts.post_list, name="post-list"),
    path(blog + "posts/new/", posts.post_new, name="post-new"),
    path(blog + "posts/<int:pk>/", posts.post_edit, name="post-edit"),
    path(blog + "pages/", pages.page_list, name="page-list"),
    path(blog + "pages/new/", pages.page_new, name="page-new"),
    path(blog + "pages/<int:pk>/", pages.page_edit, name="page-edit"),
    path(blog + "<kind:kind>/autosave/", items.autosave, name="autosave-new"),
    path(item + "autosave/", items.autosave, name="autosave"),
    path(item + "trash/", items.trash, name="trash"),
    path(item + "restore/", items.restore, name="restore"),
    path(item + "revisions/", items.revisions, name="revisions"),
    path(item + "revisions/<int:revision_pk>/", items.revision, name="revision"),
    path(
        item + "revisions/<int:revision_pk>/restore/",
        items.revision_restore,
        name="revision-restore",
    ),
    path(blog + "preview/", media.preview, name="preview"),
    path(blog + "images/", media.images, name="images"),
    path(blog + "stats/", stats.stats, name="stats"),
    path(blog + "stats/export.csv", stats.stats_csv, name="stats-csv"),
]
