"""The studio's "Posting by email" page: admins see the blog's secret address, choose draft or
publish and make a new address; nobody else sees it."""

from __future__ import annotations

from typing import Any

import pytest

from broadsheet.blogs.models import PostByEmail

pytestmark = pytest.mark.django_db
URL = "/studio/notes/settings/post-by-email/"


@pytest.fixture(autouse=True)
def domain(settings: Any) -> None:
    settings.POST_BY_EMAIL_DOMAIN = "post.example.org"


def test_an_admin_turns_it_on_and_makes_a_new_address(signed_in: Any, admin: Any) -> None:
    grace = signed_in(admin)
    assert grace.post(URL, {"publish": "1"}).status_code == 302
    first = PostByEmail.objects.get()
    assert first.publish and first.address in grace.get(URL).content.decode()
    grace.post(URL, {"publish": "0", "rotate": "on"})
    second = PostByEmail.objects.get()
    assert second.secret != first.secret and not second.publish
    assert first.address not in grace.get(URL).content.decode()


def test_bad_input_is_answered_on_the_page(signed_in: Any, admin: Any) -> None:
    response = signed_in(admin).post(URL, {"publish": "maybe"})
    assert response.status_code == 400 and b"Choose draft or publish." in response.content
    assert not PostByEmail.objects.exists()


def test_an_author_is_refused_and_never_sees_the_address(
    signed_in: Any, admin: Any, author: Any
) -> None:
    signed_in(admin).post(URL, {"publish": "1"})
    ada = signed_in(author)
    response = ada.get(URL)
    assert response.status_code == 403
    assert PostByEmail.objects.get().secret not in response.content.decode()
    assert ada.post(URL, {"publish": "0", "rotate": "on"}).status_code == 403


def test_the_page_says_when_the_site_has_no_domain(
    signed_in: Any, admin: Any, settings: Any
) -> None:
    settings.POST_BY_EMAIL_DOMAIN = ""
    assert b"BROADSHEET_POST_BY_EMAIL_DOMAIN" in signed_in(admin).get(URL).content
