"""Following an invitation link: join as the signed-in user, or create an account."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from broadsheet.blogs.actions import invite
from broadsheet.blogs.models import Membership
from tests.studio.conftest import url


@pytest.fixture
def link(blog, admin) -> str:
    """An invitation to Field Notes as an author, and its link path."""
    invitation = invite(Membership.of(admin, blog), "newcomer@example.com", "author")
    # The real token only travels in the email; give the invitation one the test knows.
    token = "fixed-token-for-tests"
    invitation.token_hash = invitation.hash_token(token)
    invitation.save()
    return url("accept-invitation", token)


def test_a_newcomer_creates_an_account_and_joins(blog, link):
    client = Client()
    page = client.get(link).content.decode()
    assert "You are invited to write on this blog as <strong>Author</strong>" in page
    response = client.post(
        link,
        {
            "username": "newcomer",
            "first_name": "New",
            "last_name": "Comer",
            "password1": "a good long password",
            "password2": "a good long password",
        },
    )
    assert response["Location"] == url("dashboard", blog.slug)
    user = User.objects.get(username="newcomer")
    assert user.email == "newcomer@example.com"
    assert Membership.objects.get(user=user, blog=blog).role == "author"
    assert client.get(url("dashboard", blog.slug)).status_code == 200  # signed in
    assert Client().get(link).status_code == 404  # used up


def test_a_signed_in_user_joins_with_one_click(blog, other_blog, outsider, link, signed_in):
    client = signed_in(outsider)
    assert b"Join as oscar" in client.get(link).content
    assert client.post(link)["Location"] == url("dashboard", blog.slug)
    assert Membership.objects.get(user=outsider, blog=blog).role == "author"


def test_an_existing_member_keeps_their_role(blog, admin, link, signed_in):
    signed_in(admin).post(link)
    assert Membership.objects.get(user=admin, blog=blog).role == "admin"


def test_bad_account_input_is_explained_and_kept(blog, author, link):
    response = Client().post(
        link, {"username": "ada", "first_name": "Kept", "password1": "x", "password2": "y"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "A user with that username already exists" in page
    assert "The two password fields didn" in page
    assert 'value="Kept"' in page
    assert not Membership.objects.filter(blog=blog, role="author").exclude(user=author).exists()


def test_unknown_expired_and_revoked_links_are_404(blog, link, time_machine):
    assert Client().get(url("accept-invitation", "no-such-token")).status_code == 404
    time_machine.move_to(dt.datetime.now(dt.UTC) + dt.timedelta(days=15))
    assert Client().get(link).status_code == 404


def test_accept_method_and_csrf(link):
    assert Client().put(link).status_code == 405
    assert Client(enforce_csrf_checks=True).post(link, {"username": "x"}).status_code == 403
