"""Changing a password, and resetting a forgotten one by email."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client

from tests.studio.conftest import url


def test_change_password(admin, signed_in):
    client = signed_in(admin)
    assert client.get(url("password-change")).status_code == 200
    response = client.post(
        url("password-change"),
        {
            "old_password": "pw",
            "new_password1": "a long new secret",
            "new_password2": "a long new secret",
        },
    )
    assert response["Location"] == url("password-changed")
    admin.refresh_from_db()
    assert admin.check_password("a long new secret")
    assert client.get(url("password-changed")).status_code == 200  # still signed in


def test_change_password_bad_input_is_explained(admin, signed_in):
    response = signed_in(admin).post(
        url("password-change"),
        {"old_password": "wrong", "new_password1": "short", "new_password2": "other"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in page
    assert 'id="id_old_password_error"' in page


def test_change_password_needs_sign_in_and_csrf(admin, signed_in):
    assert Client().get(url("password-change"))["Location"].startswith("/studio/login/")
    response = signed_in(admin, csrf=True).post(url("password-change"), {"old_password": "pw"})
    assert response.status_code == 403


def test_reset_by_email_link(admin):
    client = Client()
    response = client.post(url("password-reset"), {"email": "grace@example.com"})
    assert response["Location"] == url("password-reset-sent")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://testserver(/studio/password-reset/\S+/)", mail.outbox[0].body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert b"Choose a new password" in form_page.content
    done = client.post(
        form_page.request["PATH_INFO"],
        {"new_password1": "another long secret", "new_password2": "another long secret"},
    )
    assert done["Location"] == url("password-reset-done")
    admin.refresh_from_db()
    assert admin.check_password("another long secret")


def test_reset_says_the_same_for_an_unknown_address(db):
    response = Client().post(url("password-reset"), {"email": "nobody@example.com"})
    assert response["Location"] == url("password-reset-sent")
    assert mail.outbox == []


def test_a_broken_reset_link_says_so(admin):
    response = Client().get(url("password-reset-confirm", "MQ", "bad-token"))
    assert b"This link does not work any more" in response.content


def test_reset_refuses_a_missing_csrf_token(db):
    response = Client(enforce_csrf_checks=True).post(url("password-reset"), {"email": "a@b.c"})
    assert response.status_code == 403
