"""Signing in and out: django-axes throttling, no account enumeration, CSRF."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.studio.conftest import url


@pytest.fixture
def grace(admin):
    return admin


def sign_in(client: Client, username: str, password: str, **extra):
    return client.post(url("login"), {"username": username, "password": password}, **extra)


def test_sign_in_goes_to_the_studio(grace, blog):
    client = Client()
    response = sign_in(client, "grace", "pw")
    assert response.status_code == 302 and response["Location"] == "/studio/"
    assert client.get("/studio/", follow=True).request["PATH_INFO"] == "/studio/notes/"


def test_sign_in_follows_next_but_not_off_site(grace):
    client = Client()
    ok = client.post(
        url("login"), {"username": "grace", "password": "pw", "next": "/studio/notes/posts/"}
    )
    assert ok["Location"] == "/studio/notes/posts/"
    client = Client()
    off = client.post(
        url("login"), {"username": "grace", "password": "pw", "next": "https://evil.test/"}
    )
    assert off["Location"] == "/studio/"


def test_wrong_password_and_unknown_user_get_the_same_message(grace):
    wrong = sign_in(Client(), "grace", "nope")
    unknown = sign_in(Client(), "nobody-here", "nope")
    assert wrong.status_code == unknown.status_code == 200
    assert b"Please enter a correct username and password" in wrong.content
    assert wrong.context["form"].errors == unknown.context["form"].errors


def test_login_page_has_labelled_fields(db):
    page = Client().get(url("login")).content.decode()
    assert '<label for="id_username">Username</label>' in page
    assert '<label for="id_password">Password</label>' in page


def test_after_five_failures_the_account_is_locked_even_with_the_right_password(grace, settings):
    for attempt in range(4):
        assert (
            sign_in(
                Client(), "grace", f"guess{attempt}", REMOTE_ADDR=f"10.0.0.{attempt}"
            ).status_code
            == 200
        )
    locked = sign_in(Client(), "grace", "guess5", REMOTE_ADDR="10.0.0.9")
    assert locked.status_code == 429
    assert b"Too many failed attempts to sign in" in locked.content
    assert b"15 minutes" in locked.content
    # From yet another address, with the right password: still locked (per user name).
    assert sign_in(Client(), "grace", "pw", REMOTE_ADDR="10.0.0.77").status_code == 429


def test_an_address_that_tries_many_names_is_locked_out(grace):
    for name in ["a", "b", "c", "d"]:
        assert sign_in(Client(), name, "x", REMOTE_ADDR="192.0.2.5").status_code == 200
    assert sign_in(Client(), "e", "x", REMOTE_ADDR="192.0.2.5").status_code == 429
    assert sign_in(Client(), "grace", "pw", REMOTE_ADDR="192.0.2.5").status_code == 429
    assert sign_in(Client(), "grace", "pw", REMOTE_ADDR="192.0.2.6").status_code == 302


def test_unknown_user_names_lock_out_the_same_way(db):
    for attempt in range(4):
        sign_in(Client(), "ghost", "x", REMOTE_ADDR=f"10.1.0.{attempt}")
    locked = sign_in(Client(), "ghost", "x", REMOTE_ADDR="10.1.0.9")
    assert locked.status_code == 429 and b"Too many failed attempts" in locked.content


def test_an_overlong_user_name_is_a_failed_sign_in_and_still_counted(db):
    # django-axes stored the name as typed, which PostgreSQL refused: a 500 on sign-in.
    name = "x" * 100_000
    for attempt in range(4):
        assert sign_in(Client(), name, "x", REMOTE_ADDR=f"10.2.0.{attempt}").status_code == 200
    assert sign_in(Client(), name, "x", REMOTE_ADDR="10.2.0.9").status_code == 429


def test_a_successful_sign_in_resets_the_count(grace):
    for attempt in range(4):
        sign_in(Client(), "grace", "bad", REMOTE_ADDR=f"10.2.0.{attempt}")
    assert sign_in(Client(), "grace", "pw").status_code == 302
    for attempt in range(4):
        assert sign_in(Client(), "grace", "bad", REMOTE_ADDR=f"10.3.0.{attempt}").status_code == 200


def test_behind_a_proxy_the_client_is_the_last_forwarded_address(grace, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    for attempt in range(5):
        # The client forges a different first hop each time; the proxy's hop is the same.
        forwarded = f"203.0.113.{attempt}, 198.51.100.7"
        response = sign_in(Client(), f"u{attempt}", "x", HTTP_X_FORWARDED_FOR=forwarded)
    assert response.status_code == 429


def test_sign_in_refuses_a_missing_csrf_token_and_get_is_the_form(grace):
    client = Client(enforce_csrf_checks=True)
    assert sign_in(client, "grace", "pw").status_code == 403
    assert client.get(url("login")).status_code == 200


def test_sign_out_is_a_post(grace, signed_in):
    client = signed_in(grace, csrf=True)
    assert client.get(url("logout")).status_code == 405
    assert client.post(url("logout")).status_code == 403  # no CSRF token
    client = signed_in(grace)
    response = client.post(url("logout"))
    assert response.status_code == 302 and response["Location"] == "/studio/login/"
    assert client.get(url("dashboard", "notes")).status_code == 302
