"""Changing a password, and resetting a forgotten one by email."""

from __future__ import annotations

import datetime as dt
import re

import time_machine
from django.core import mail
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult as TaskResult

from tests.studio.conftest import NOON, url


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


def test_reset_by_email_link(admin, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("password-reset"), {"email": "grace@example.com"})
    assert response["Location"] == url("password-reset-sent")
    assert len(mail.outbox) == 1
    link = re.search(r"http://localhost(/studio/password-reset/\S+/)", mail.outbox[0].body)
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


def test_reset_says_the_same_for_an_unknown_address(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(url("password-reset"), {"email": "nobody@example.com"})
    assert response["Location"] == url("password-reset-sent")
    assert mail.outbox == []


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_reset_mail_is_queued_with_the_user_id_only(admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(url("password-reset"), {"email": "grace@example.com"})
    assert response["Location"] == url("password-reset-sent")
    assert mail.outbox == []  # the answer went out; the worker sends the mail
    (job,) = TaskResult.objects.all()
    assert job.task_path.endswith("send_password_reset")
    assert job.args_kwargs == {"args": [admin.pk], "kwargs": {}}  # no token in the table


def test_a_broken_reset_link_says_so(admin):
    response = Client().get(url("password-reset-confirm", "MQ", "bad-token"))
    assert b"This link does not work any more" in response.content


def test_reset_refuses_a_missing_csrf_token(db):
    response = Client(enforce_csrf_checks=True).post(url("password-reset"), {"email": "a@b.c"})
    assert response.status_code == 403


def ask_reset(email, client_address="203.0.113.5", host="localhost"):
    """One reset request from a given client; returns what the visitor sees."""
    response = Client(REMOTE_ADDR=client_address).post(
        url("password-reset"), {"email": email}, HTTP_HOST=host
    )
    return response.status_code, response["Location"]


SENT = (302, "/studio/password-reset/sent/")


def test_reset_is_throttled_per_address_and_answers_the_same(
    admin, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOON, tick=False), django_capture_on_commit_callbacks(execute=True):
        answers = [ask_reset("grace@example.com", f"203.0.113.{n}") for n in range(5)]
    assert answers == [SENT] * 5
    assert len(mail.outbox) == 3  # the fourth and fifth asked too often for one address
    later = NOON + dt.timedelta(hours=1)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert ask_reset("GRACE@example.com") == SENT
    assert len(mail.outbox) == 4  # an hour later the address may ask again


def test_reset_is_throttled_per_client_and_answers_the_same(
    admin, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOON, tick=False), django_capture_on_commit_callbacks(execute=True):
        probes = [ask_reset(f"nobody{n}@example.com") for n in range(10)]
        throttled = ask_reset("grace@example.com")
        other_client = ask_reset("grace@example.com", "198.51.100.7")
    assert probes == [SENT] * 10 and throttled == SENT and other_client == SENT
    assert [m.to for m in mail.outbox] == [["grace@example.com"]]  # only the other client's


def test_reset_link_ignores_a_hostile_host_header(admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert ask_reset("grace@example.com", host="evil.localhost:666") == SENT
    (message,) = mail.outbox
    assert "evil" not in message.body and ":666" not in message.body
    assert re.search(r"^http://localhost/studio/password-reset/\S+/$", message.body, re.M)


@override_settings(SECURE=True, PUBLIC_PORT=8443)
def test_reset_link_takes_the_configured_scheme_and_port(admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            url("password-reset"),
            {"email": "grace@example.com"},
            secure=True,
            HTTP_HOST="localhost",
        )
    (message,) = mail.outbox
    assert re.search(r"^https://localhost:8443/studio/password-reset/\S+/$", message.body, re.M)


def test_ipv4_clients_of_a_dual_stack_server_are_counted_apart(
    admin, django_capture_on_commit_callbacks
):
    # Listening on `::`, the server sees IPv4 clients as ::ffff:a.b.c.d: one prober there
    # must not spend the allowance of every other IPv4 client.
    def asks(email, client):
        with django_capture_on_commit_callbacks(execute=True):
            assert ask_reset(email, client) == SENT  # the same answer throughout

    with time_machine.travel(NOON, tick=False):
        for n in range(10):
            asks(f"nobody{n}@example.com", "::ffff:203.0.113.5")
        asks("grace@example.com", "::ffff:198.51.100.7")
        assert len(mail.outbox) == 1  # another IPv4 client: its own allowance
        asks("grace@example.com", "203.0.113.5")
        assert len(mail.outbox) == 1  # the prober, unmapped: the same host, still throttled
