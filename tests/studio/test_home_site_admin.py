"""/studio/ for the site admin (a superuser, like the `admin` that `broadsheet setup` makes):
every blog of the install is theirs to manage, with no membership rows."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from broadsheet.blogs.models import Blog
from tests.studio.conftest import url


def test_the_site_admin_sees_every_blog_as_its_admin(
    blog: Blog, other_blog: Blog, signed_in: Any, django_user_model: type[User]
) -> None:
    boss = django_user_model.objects.create_superuser("admin", "admin@localhost", "pw")
    page = signed_in(boss).get(url("home")).content.decode()
    assert "You do not write on any blog yet" not in page
    assert page.count(">Admin<") == 2
    for each in (blog, other_blog):
        assert f'href="{url("dashboard", each.slug)}">{each.title}</a>' in page
    assert "Create a blog" in page


def test_a_site_admin_of_one_blog_still_lands_on_the_list(
    blog: Blog, signed_in: Any, django_user_model: type[User]
) -> None:
    boss = django_user_model.objects.create_superuser("admin", "admin@localhost", "pw")
    response = signed_in(boss).get(url("home"))
    assert response.status_code == 200 and "Field Notes" in response.content.decode()


def test_members_still_see_only_their_blogs(author: User, other_blog: Blog, signed_in: Any) -> None:
    response = signed_in(author).get(url("home"))
    assert response["Location"] == url("dashboard", "notes")
