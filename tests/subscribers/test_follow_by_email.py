"""A reader's whole journey, through a real SMTP server: subscribe, confirm, receive a post,
unsubscribe in one click."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.subscribers.models import Delivery, Send, Subscriber
from tests.subscribers.conftest import Inbox, html_part, text_part
from tests.subscribers.publishing import publish

pytestmark = pytest.mark.django_db
READER = "reader@example.org"


def link_in(text: str, part: str) -> str:
    found = re.search(rf"http://[^\s\"<>]+/follow-by-email/{part}/[^\s\"<>]+", text)
    assert found, text
    return found.group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def subscribed(blog: Blog, smtp: Inbox, django_capture_on_commit_callbacks: Any) -> Subscriber:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/follow-by-email", {"email": READER.upper(), "frequency": "each"})
    assert answer.status_code == 200
    assert "a mail with a link to confirm is on its way" in answer.content.decode()
    assert "Set-Cookie" not in answer.headers
    (confirmation,) = smtp.to(READER)
    link = path_of(link_in(text_part(confirmation), "confirm"))
    asked = client.get(link)
    assert "Yes, subscribe me" in asked.content.decode()
    assert Subscriber.objects.get(email=READER).status == Subscriber.Status.PENDING
    client.post(link)
    return Subscriber.objects.get(email=READER)


def test_subscribe_confirm_receive_and_unsubscribe(
    subscribed: Subscriber,
    blog: Blog,
    author: User,
    smtp: Inbox,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assert subscribed.status == Subscriber.Status.CONFIRMED
    settings.PUBLIC_PORT = 8443
    with django_capture_on_commit_callbacks(execute=True):
        post = publish(blog, author)
    mail = smtp.to(READER)[-1]
    assert mail["Subject"] == "[Field Notes] Spring sowing"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html, text = html_part(mail), text_part(mail)
    assert 'src="http://localhost:8443/media/bed.jpg"' in html
    assert f"http://localhost:8443{post.permalink}" in text
    assert "Unsubscribe" in html and "/follow-by-email/unsubscribe/" in text
    one_click = str(mail["List-Unsubscribe"]).strip().strip("<>")
    assert one_click.startswith("http://localhost:8443/follow-by-email/unsubscribe/")
    answer = Client().post(path_of(one_click), {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert Subscriber.objects.get(email=READER).status == Subscriber.Status.UNSUBSCRIBED
    with django_capture_on_commit_callbacks(execute=True):
        publish(blog, author, "Summer", "Water.")
    assert len(smtp.to(READER)) == 2  # the confirmation and the first post, nothing after


def test_an_edit_never_sends_the_post_again(
    subscribed: Subscriber,
    blog: Blog,
    author: User,
    smtp: Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post = publish(blog, author)
    with django_capture_on_commit_callbacks(execute=True):
        publish(blog, author, "Spring sowing, corrected", post=post)
    assert len(smtp.to(READER)) == 2
    assert Delivery.objects.get().state == Delivery.State.SENT
    assert Send.objects.count() == 1


def test_excerpt_setting_stops_at_the_jump_break(
    subscribed: Subscriber,
    blog: Blog,
    author: User,
    smtp: Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from broadsheet.subscribers.models import NewsletterSettings

    NewsletterSettings.objects.create(blog=blog, full_posts=False)
    with django_capture_on_commit_callbacks(execute=True):
        publish(blog, author)
    html = html_part(smtp.to(READER)[-1])
    assert "Read more" in html and "The rest." not in html


def test_an_unconfirmed_address_gets_only_the_confirmation(
    blog: Blog, author: User, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/follow-by-email", {"email": READER, "frequency": "each"})
        Client().post("/follow-by-email", {"email": READER, "frequency": "each"})
    with django_capture_on_commit_callbacks(execute=True):
        publish(blog, author)
    (only,) = smtp.to(READER)
    assert "Confirm your subscription" in only["Subject"]


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b@c", "x" * 300 + "@example.org"])
def test_a_bad_address_is_refused_with_a_reason(blog: Blog, email: str) -> None:
    answer = Client().post("/follow-by-email", {"email": email, "frequency": "each"})
    assert answer.status_code == 400
    assert 'role="alert"' in answer.content.decode()
    assert not Subscriber.objects.exists()


def test_a_forged_link_is_not_found(blog: Blog) -> None:
    assert Client().get("/follow-by-email/confirm/forged").status_code == 404
    assert Client().post("/follow-by-email/unsubscribe/forged").status_code == 404


def test_the_sidebar_gadget_posts_to_the_subscribe_page(blog: Blog, make_post: Any) -> None:
    make_post()
    page = Client().get("/")
    body = page.content.decode()
    assert 'action="/follow-by-email" method="post"' in body
    assert "csrfmiddlewaretoken" not in body and "Set-Cookie" not in page.headers


# Spellings of one inbox: its case, a +tag (most providers deliver reader+x@ to reader@).
ONE_INBOX = ["reader+1@example.org", "Reader+news@example.org", "READER@example.org"]
ONE_INBOX += ["reader@EXAMPLE.ORG", "reader+2@example.org", READER]


def test_one_confirmation_a_day_per_inbox_however_the_address_is_spelled(
    blog: Blog, smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    # Each spelling from another client: no per-client limit stands in the way.
    for n, email in enumerate(ONE_INBOX):
        with django_capture_on_commit_callbacks(execute=True):
            answer = Client(REMOTE_ADDR=f"198.51.100.{n}").post(
                "/follow-by-email", {"email": email, "frequency": "each"}
            )
        assert answer.status_code == 200  # the same answer for each
    (only,) = smtp.messages
    assert "Confirm your subscription" in only["Subject"]
