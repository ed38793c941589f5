"""The access-control tests' world: the suite's one cast (tests/cast.py) on two blogs, and
one object of every kind that a URL can name (a post and its comment, a page, revisions, an
invitation, a membership, an uploaded file), each owned by the right person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from broadsheet.blogs import app_passwords
from broadsheet.blogs.models import Blog, Invitation, Membership
from broadsheet.comments.models import Comment
from broadsheet.comments.notifications import UNSUBSCRIBE_SALT, confirm_token
from broadsheet.portability.models import ImportJob
from broadsheet.posts.actions import save_page, save_post
from broadsheet.posts.models import Page, Post, Revision
from tests.cast import ROLES, person

NOON = dt.datetime(2024, 10, 20, 12, 0, tzinfo=dt.UTC)


@dataclass
class Cast:
    blog: Blog
    other_blog: Blog
    users: dict[str, User | None] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)  # role -> session key
    extra: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["extra"][name]
        except KeyError:
            raise AttributeError(name) from None


def build_cast() -> Cast:
    blog = Blog.objects.create(slug="notes", title="Field Notes", is_default=True)
    other_blog = Blog.objects.create(slug="other", title="Another Blog")
    # The suite's one cast (tests/cast.py); Ada, the author, owns the objects below.
    users: dict[str, User | None] = {
        "anonymous": None,
        "reader": person("reader"),
        "contributor": person("contributor", blog, ROLES.CONTRIBUTOR),
        "other_author": person("other_author", blog, ROLES.AUTHOR),
        "owner": person("author", blog, ROLES.AUTHOR),
        "admin": person("admin", blog, ROLES.ADMIN),
        "other_admin": person("outsider", other_blog, ROLES.ADMIN),
        "operator": person("operator"),
    }
    owner = users["owner"]
    post = save_post(
        Post(
            blog=blog,
            author=owner,
            title="A day in the garden",
            source="Words.",
            status=Post.Status.PUBLISHED,
            published_at=NOON,
        ),
        labels=("garden",),
        now=NOON,
    )
    trashed = save_post(Post(blog=blog, author=owner, title="Gone", source="x"), now=NOON)
    Post.objects.filter(pk=trashed.pk).update(status=Post.Status.TRASH, trashed_at=NOON)
    save_post(Post(blog=blog, author=users["contributor"], title="Kit's draft", source="x"))
    page = save_page(
        Page(
            blog=blog,
            author=users["admin"],
            title="About",
            source="Us.",
            status=Page.Status.PUBLISHED,
        )
    )
    trashed_page = save_page(Page(blog=blog, title="Old page", source="x"))
    Page.objects.filter(pk=trashed_page.pk).update(status=Page.Status.TRASH, trashed_at=NOON)
    comment = Comment.objects.create(
        post=post, author_name="Reader", body="Lovely.", status=Comment.Status.PUBLISHED
    )
    token = "invitation-token-for-the-access-test"
    invitation = Invitation.objects.create(
        blog=blog,
        email="new@example.com",
        role=ROLES.AUTHOR,
        token_hash=Invitation.hash_token(token),
        invited_by=users["admin"],
        created_at=NOON,
        expires_at=NOON + dt.timedelta(days=3650),
    )
    media = default_storage.save("images/access-test/pixel.png", ContentFile(b"\x89PNG\r\n\x1a\n"))
    extra = {
        "app_password": app_passwords.create(owner, "Editor", ["read"])[0],
        "post": post,
        "trashed_post": trashed,
        "page": page,
        "trashed_page": trashed_page,
        "revision": Revision.objects.create(post=post, author=owner, title="Older", source="Old."),
        "page_revision": Revision.objects.create(page=page, title="Older", source="Old."),
        "comment": comment,
        "invitation": invitation,
        "invitation_token": token,
        "other_author_membership": Membership.objects.get(user=users["other_author"]),
        "media_name": media,
        "unsubscribe_token": signing.dumps(
            {"b": blog.pk, "e": "x@example.com"}, salt=UNSUBSCRIBE_SALT
        ),
        "confirm_token": confirm_token(blog.pk, "x@example.com"),
        "post_content_type": ContentType.objects.get_for_model(Post),
        "import_job": ImportJob.objects.create(
            blog=blog,
            started_by=users["admin"],
            format=ImportJob.Format.BLOGGER,
            file_name="backup.xml",
            stored_as="imports/none.xml",
            status=ImportJob.Status.DONE,
        ),
    }
    # Each role's app password, read and write, for the API's rows of the table.
    extra["tokens"] = {
        role: app_passwords.create(user, "Access test", ["write"])[1]
        for role, user in users.items()
        if user is not None
    }
    cast = Cast(blog=blog, other_blog=other_blog, users=users, extra=extra)
    for role, user in users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            cast.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cast
