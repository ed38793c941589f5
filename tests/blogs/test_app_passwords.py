"""App passwords (blogs.app_passwords): made with a secret shown once, kept hashed, scoped,
revocable, and throttled like sign-in."""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from broadsheet.blogs import app_passwords
from broadsheet.blogs.models import AppPassword

CLIENT = "192.0.2.7"


def basic(username: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{secret}".encode()).decode()


def test_only_a_hash_of_the_secret_is_stored(author):
    row, secret = app_passwords.create(author, "MarsEdit", ["write"])
    stored = AppPassword.objects.get(pk=row.pk)
    assert secret not in {stored.secret_hash, stored.hint, stored.name}
    assert stored.secret_hash == AppPassword.hash_secret(secret)
    assert stored.scope_set == {"read", "write"}  # writing includes reading


def test_the_secret_signs_in_as_its_owner_with_its_scopes(author, blog):
    _, secret = app_passwords.create(author, "Script", ["read"], blog)
    grant = app_passwords.authenticate(secret, CLIENT)
    assert grant is not None
    assert grant.user == author and grant.scopes == {"read"} and not grant.can_write
    assert grant.reaches(blog)
    assert AppPassword.objects.get().last_used_at is not None


def test_bearer_and_basic_headers_both_work(author):
    _, secret = app_passwords.create(author, "Script", ["read"])
    assert app_passwords.from_authorization(f"Bearer {secret}", CLIENT) is not None
    assert app_passwords.from_authorization(basic("ada", secret), CLIENT) is not None
    # Basic names the user: another user's name with Ada's secret is refused.
    assert app_passwords.from_authorization(basic("alan", secret), CLIENT) is None
    assert app_passwords.from_authorization("Basic %%%", CLIENT) is None
    assert app_passwords.from_authorization("Digest x", CLIENT) is None


def test_a_revoked_password_no_longer_signs_in(author, other_author):
    row, secret = app_passwords.create(author, "Old phone", ["write"])
    assert not app_passwords.revoke(other_author, row.pk)  # not Alan's to revoke
    assert app_passwords.authenticate(secret, CLIENT) is not None
    assert app_passwords.revoke(author, row.pk)
    assert app_passwords.authenticate(secret, CLIENT) is None
    assert app_passwords.listed(author) == []


def test_an_inactive_users_password_no_longer_signs_in(author):
    _, secret = app_passwords.create(author, "Script", ["read"])
    author.is_active = False
    author.save()
    assert app_passwords.authenticate(secret, CLIENT) is None


def test_bad_scopes_and_other_peoples_blogs_are_refused(author, other_blog):
    with pytest.raises(ValidationError):
        app_passwords.create(author, "Script", ["admin"])
    with pytest.raises(ValidationError):
        app_passwords.create(author, "Script", [])
    with pytest.raises(ValidationError):
        app_passwords.create(author, "Script", ["read"], other_blog)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_guessing_is_throttled_per_client_even_with_the_right_secret_after(author):
    _, secret = app_passwords.create(author, "Script", ["read"])
    for _ in range(3):
        assert app_passwords.authenticate("bsp_wrong", CLIENT) is None
    with pytest.raises(app_passwords.Throttled) as refusal:
        app_passwords.authenticate(secret, CLIENT)
    assert refusal.value.retry_after > 0
    # Another client is not held back by this one's failures.
    assert app_passwords.authenticate(secret, "198.51.100.1") is not None


@override_settings(AXES_FAILURE_LIMIT=2)
def test_guessing_one_user_name_is_throttled_from_every_client(author):
    _, secret = app_passwords.create(author, "Script", ["read"])
    app_passwords.from_authorization(basic("ada", "bsp_no"), "192.0.2.1")
    app_passwords.from_authorization(basic("ada", "bsp_no"), "192.0.2.2")
    with pytest.raises(app_passwords.Throttled):
        app_passwords.from_authorization(basic("ada", secret), "192.0.2.3")
