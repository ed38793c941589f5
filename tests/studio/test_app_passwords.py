"""The studio's "App passwords" page: made and shown once, listed with their last use,
revoked."""

from __future__ import annotations

from django.test import Client

from broadsheet.blogs import app_passwords
from broadsheet.blogs.models import AppPassword
from tests.studio.conftest import url


def test_anonymous_visitors_are_sent_to_sign_in(db):
    response = Client().get(url("app-passwords"))
    assert response.status_code == 302 and "/studio/login/" in response["Location"]


def test_a_new_password_is_shown_once_then_listed_without_its_secret(author, blog, signed_in):
    client = signed_in(author)
    made = client.post(
        url("app-passwords"), {"name": "MarsEdit", "access": "write", "blog": "notes"}
    )
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    secret = made.context["secret"]
    assert secret in made.content.decode()
    row = AppPassword.objects.get()
    assert (row.user, row.blog, row.scope_set) == (author, blog, {"read", "write"})
    app_passwords.authenticate(secret, "192.0.2.1")
    page = client.get(url("app-passwords")).content.decode()
    assert "MarsEdit" in page and secret not in page and "Never" not in page


def test_bad_input_is_handed_back(author, signed_in):
    response = signed_in(author).post(url("app-passwords"), {"name": "Kept", "access": "admin"})
    assert response.status_code == 400
    assert 'value="Kept"' in response.content.decode()
    assert not AppPassword.objects.exists()


def test_a_blog_one_does_not_write_on_is_refused(author, other_blog, signed_in):
    response = signed_in(author).post(
        url("app-passwords"), {"name": "X", "access": "read", "blog": "other"}
    )
    assert response.status_code == 400 and not AppPassword.objects.exists()


def test_revoking_ends_it_and_someone_elses_is_left_alone(author, other_author, signed_in):
    mine, secret = app_passwords.create(author, "Phone", ["read"])
    signed_in(other_author).post(url("app-password-revoke", mine.pk))
    assert app_passwords.authenticate(secret, "192.0.2.1") is not None
    response = signed_in(author).post(url("app-password-revoke", mine.pk))
    assert response.status_code == 302
    assert app_passwords.authenticate(secret, "192.0.2.1") is None


def test_revoking_needs_a_post_with_a_csrf_token(author, signed_in):
    mine, _ = app_passwords.create(author, "Phone", ["read"])
    assert signed_in(author).get(url("app-password-revoke", mine.pk)).status_code == 405
    forged = signed_in(author, csrf=True).post(url("app-password-revoke", mine.pk))
    assert forged.status_code == 403
    assert app_passwords.listed(author) == [mine]


def test_an_empty_post_names_what_is_missing(author, signed_in):
    response = signed_in(author).post(url("app-passwords"), {})
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
