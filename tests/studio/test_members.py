"""The members page: roles, removal, invitations sent and revoked (admins only)."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from broadsheet.blogs.models import Invitation, Membership
from tests.studio.conftest import url


def membership(user, blog) -> Membership:
    return Membership.objects.get(user=user, blog=blog)


def test_members_page_lists_people_and_roles(blog, admin, author, signed_in):
    assert signed_in(admin).post(url("members", blog.slug)).status_code == 405
    page = signed_in(admin).get(url("members", blog.slug)).content.decode()
    assert "Grace Hopper" in page and "Ada Byron" in page
    assert '<label for="id_email">Email address</label>' in page


def test_invite_sends_a_link(blog, admin, signed_in, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(admin).post(
            url("invite", blog.slug), {"email": "new@example.com", "role": "contributor"}
        )
    assert response["Location"] == url("members", blog.slug)
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "new@example.com",
        "contributor",
        admin,
    )
    assert mail.outbox[0].to == ["new@example.com"]
    token = re.search(r"/studio/invitations/([\w-]+)/", mail.outbox[0].body).group(1)
    assert invitation.token_hash == Invitation.hash_token(token)
    assert token not in invitation.token_hash


def test_invitation_link_names_the_configured_site_not_the_request_host(
    blog, admin, signed_in, django_capture_on_commit_callbacks, settings
):
    """The Host header is the client's to choose: a link built from it could send the invitee
    (and the token) to any host. Mail links come from the configuration."""
    settings.PUBLIC_PORT = 8443
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(admin).post(
            url("invite", blog.slug),
            {"email": "new@example.com", "role": "author"},
            HTTP_HOST="evil.localhost:666",
        )
    assert "evil" not in mail.outbox[0].body
    assert "http://localhost:8443/studio/invitations/" in mail.outbox[0].body


def test_invite_bad_input_keeps_what_was_typed(blog, admin, signed_in):
    response = signed_in(admin).post(
        url("invite", blog.slug), {"email": "not-an-address", "role": "king"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid email address" in page and 'value="not-an-address"' in page
    assert not Invitation.objects.exists()


def test_change_role_and_keep_one_admin(blog, admin, author, signed_in):
    client = signed_in(admin)
    assert (
        client.post(
            url("member-role", blog.slug, membership(author, blog).pk), {"role": "contributor"}
        ).status_code
        == 302
    )
    assert membership(author, blog).role == "contributor"
    refused = client.post(
        url("member-role", blog.slug, membership(admin, blog).pk), {"role": "author"}
    )
    assert refused.status_code == 403 and b"at least one admin" in refused.content
    assert membership(admin, blog).role == "admin"


def test_change_role_bad_input(blog, admin, author, signed_in):
    response = signed_in(admin).post(
        url("member-role", blog.slug, membership(author, blog).pk), {"role": "king"}, follow=True
    )
    assert b"Choose one of the roles" in response.content
    assert membership(author, blog).role == "author"


def test_remove_member_keeps_their_posts(blog, admin, author, make_post, signed_in):
    post = make_post()
    assert (
        signed_in(admin)
        .post(url("member-remove", blog.slug, membership(author, blog).pk))
        .status_code
        == 302
    )
    assert not Membership.objects.filter(user=author, blog=blog).exists()
    post.refresh_from_db()
    assert post.author == author


def test_the_last_admin_cannot_be_removed(blog, admin, signed_in):
    assert (
        signed_in(admin)
        .post(url("member-remove", blog.slug, membership(admin, blog).pk))
        .status_code
        == 403
    )
    assert Membership.objects.filter(user=admin, blog=blog).exists()


def test_revoke_invitation(blog, admin, signed_in):
    from broadsheet.blogs.actions import invite

    invitation = invite(Membership.of(admin, blog), "x@example.com", "author")
    assert (
        signed_in(admin).post(url("invitation-revoke", blog.slug, invitation.pk)).status_code == 302
    )
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("name", ["member-role", "member-remove"])
def test_another_blogs_members_are_404(blog, other_blog, admin, outsider, name, signed_in):
    theirs = membership(outsider, other_blog)
    assert (
        signed_in(admin).post(url(name, blog.slug, theirs.pk), {"role": "author"}).status_code
        == 404
    )
    assert (
        signed_in(admin).post(url(name, other_blog.slug, theirs.pk), {"role": "author"}).status_code
        == 404
    )
    assert membership(outsider, other_blog).role == "admin"


def test_another_blogs_invitation_is_404(blog, other_blog, admin, outsider, signed_in):
    from broadsheet.blogs.actions import invite

    theirs = invite(Membership.of(outsider, other_blog), "x@example.com", "author")
    assert signed_in(admin).post(url("invitation-revoke", blog.slug, theirs.pk)).status_code == 404
    assert Invitation.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize(
    ("name", "needs_pk"),
    [
        ("invite", False),
        ("member-role", True),
        ("member-remove", True),
        ("invitation-revoke", True),
    ],
)
def test_member_actions_are_post_only_with_csrf_and_admins_only(
    blog, admin, author, name, needs_pk, signed_in
):
    args = [blog.slug] + ([membership(author, blog).pk] if needs_pk else [])
    assert signed_in(admin).get(url(name, *args)).status_code == 405
    assert signed_in(admin, csrf=True).post(url(name, *args), {"role": "admin"}).status_code == 403
    assert (
        signed_in(author).post(url(name, *args), {"role": "admin", "email": "a@b.c"}).status_code
        == 403
    )
    assert membership(author, blog).role == "author"


@pytest.mark.parametrize("brk", ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028"])
def test_an_invitation_goes_out_whatever_line_breaks_the_title_holds(
    blog, admin, signed_in, django_capture_on_commit_callbacks, brk
):
    # The studio's form takes control characters out of a title; a restored backup or an
    # import keeps them, and a line break in a mail header is refused by Django.
    type(blog).objects.filter(pk=blog.pk).update(title=f"Field{brk}Bcc: someone@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(admin).post(
            url("invite", blog.slug), {"email": "new@example.com", "role": "author"}
        )
    (message,) = mail.outbox
    assert message.to == ["new@example.com"] and message.bcc == []
    assert message.subject == "You are invited to write on Field Bcc: someone@example.org"
    assert "Bcc" not in message.message()
