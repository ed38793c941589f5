"""The one cast of users for the whole suite, built in code.

- Field Notes (`blog`, slug "notes", the default blog) and Another Blog (`other_blog`);
- Grace, Field Notes' admin; Ada, an author (the `author` of `make_post`); Alan, another
  author; Kit, a contributor;
- Oscar, an outsider to Field Notes who runs Another Blog;
- Rita, a signed-up reader who belongs to no blog; root, the site operator (a superuser);
- anonymous visitors are a plain `Client()`.

The fixtures of the same names live in tests/conftest.py; the access-control harness
(tests/security/cast.py) builds the same people with `person`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.test import Client

from broadsheet.blogs.models import Blog, Membership

ROLES = Membership.Role
PEOPLE: dict[str, dict[str, Any]] = {
    "admin": {"username": "grace", "first_name": "Grace", "last_name": "Hopper"},
    "author": {"username": "ada", "first_name": "Ada", "last_name": "Byron"},
    "other_author": {"username": "alan", "first_name": "Alan", "last_name": "Turing"},
    "contributor": {"username": "kit", "first_name": "Kit", "last_name": "Marlowe"},
    "outsider": {"username": "oscar", "first_name": "Oscar"},
    "reader": {"username": "rita", "first_name": "Rita"},
    "operator": {"username": "root", "is_staff": True, "is_superuser": True},
}


def member(blog: Blog | None, username: str, role: str = "", **fields: Any) -> User:
    """A user (password "pw", address `<username>@example.com`), a member of `blog` if given."""
    user = User.objects.create_user(username, f"{username}@example.com", "pw", **fields)
    if blog is not None:
        Membership.objects.create(blog=blog, user=user, role=role)
    return user


def person(part: str, blog: Blog | None = None, role: str = "") -> User:
    """One of the cast by the part they play (`"admin"`, `"reader"`…)."""
    fields = dict(PEOPLE[part])
    return member(blog, fields.pop("username"), role, **fields)


def signed_in(user: User, *, csrf: bool = False) -> Client:
    """A client signed in as `user`; `csrf=True` makes it check CSRF tokens as browsers do."""
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client
