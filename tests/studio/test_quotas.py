"""Hourly limits on what a member adds (blogs.quotas) and the per-post label bounds, through
the studio: a refused save keeps what was typed and writes nothing; the editor's JSON upload
answers 429 with a JSON error."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from broadsheet.blogs import quotas
from broadsheet.blogs.models import Blog, Membership
from broadsheet.blogs.quotas import HOUR, Quota
from broadsheet.core.ratelimit import Limit
from broadsheet.media.models import UploadedImage
from broadsheet.posts.models import Label, Post
from tests.cast import member
from tests.conftest import SignIn
from tests.studio.conftest import editor_data, url, write
from tests.studio.images import photo, upload

JSON = {"HTTP_ACCEPT": "application/json"}
HALF_PAST = dt.datetime(2024, 10, 20, 12, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def small_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Two of each an hour for contributors (and 5 KB of text), so a test reaches the limit in
    a few requests; the clock stands still at half past, so no test straddles the hour."""
    for quota in Quota:
        limit = Limit(5_000 if quota == Quota.TEXT else 2, HOUR)
        monkeypatch.setitem(quotas.LIMITS[Membership.Role.CONTRIBUTOR], quota, limit)
    with time_machine.travel(HALF_PAST, tick=False):
        yield


def new_post(client: Client, blog: Blog, **fields: Any) -> Any:
    return client.post(url("post-new", blog.slug), editor_data(**fields))


def test_the_real_limits_rise_with_the_role() -> None:
    contributor, author = (quotas.LIMITS[role] for role in ("contributor", "author"))
    admin = Membership(role=Membership.Role.ADMIN)
    assert all(quotas.limit_for(admin, quota) is None for quota in Quota)
    assert all(author[quota].count > contributor[quota].count for quota in Quota)


def test_a_contributor_past_the_post_limit_gets_the_form_back_and_nothing_is_saved(
    blog: Blog, contributor: User, signed_in: SignIn
) -> None:
    client = signed_in(contributor)
    for title in ("One", "Two"):
        assert new_post(client, blog, title=title, labels="").status_code == 302

    refused = new_post(client, blog, title="Three, typed with care", labels="")

    assert refused.status_code == 429
    html = refused.content.decode()
    assert "limit of 2 new posts an hour" in html and "Try again in 30 minutes" in html
    assert 'value="Three, typed with care"' in html
    assert Post.objects.filter(blog=blog).count() == 2


def test_a_refused_save_costs_nothing_and_the_next_hour_is_free(
    blog: Blog, contributor: User, signed_in: SignIn
) -> None:
    client = signed_in(contributor)
    for title in ("One", "Two", "Refused", "Refused again"):
        new_post(client, blog, title=title, labels="")
    with time_machine.travel(HALF_PAST + dt.timedelta(hours=1), tick=False):
        for title in ("Three", "Four"):
            assert new_post(client, blog, title=title, labels="").status_code == 302
    assert Post.objects.filter(blog=blog).count() == 4


def test_editing_a_post_is_not_counted(blog: Blog, contributor: User, signed_in: SignIn) -> None:
    post = write(blog, contributor, "Mine")
    client = signed_in(contributor)
    for n in range(4):
        edited = client.post(url("post-edit", blog.slug, post.pk), editor_data(title=f"v{n}"))
        assert edited.status_code == 302


def test_only_labels_the_blog_lacks_count_as_new(
    blog: Blog, contributor: User, signed_in: SignIn
) -> None:
    Label.objects.create(blog=blog, name="potatoes")
    post = write(blog, contributor, "Mine")
    client = signed_in(contributor)
    edit = url("post-edit", blog.slug, post.pk)

    assert client.post(edit, editor_data(labels="potatoes, spring, summer")).status_code == 302
    refused = client.post(edit, editor_data(labels="potatoes, autumn"))

    assert refused.status_code == 429
    assert "limit of 2 new labels an hour" in refused.content.decode()
    assert 'value="potatoes, autumn"' in refused.content.decode()
    assert not Label.objects.filter(name="autumn").exists()
    assert set(post.labels.values_list("name", flat=True)) == {"potatoes", "spring", "summer"}


def test_limits_are_per_member_and_authors_and_admins_go_further(
    blog: Blog, contributor: User, author: User, admin: User, signed_in: SignIn
) -> None:
    other = member(blog, "kim", Membership.Role.CONTRIBUTOR)
    for user in (contributor, other, author, admin):
        client = signed_in(user)
        for n in range(2):
            assert new_post(client, blog, title=f"{user} {n}", labels="").status_code == 302
    for user in (author, admin):
        assert new_post(signed_in(user), blog, title="third", labels="").status_code == 302


def test_a_post_with_too_many_labels_is_refused_with_the_text_kept(
    blog: Blog, author: User, signed_in: SignIn
) -> None:
    labels = ", ".join(f"tag{i}" for i in range(21))

    response = new_post(signed_in(author), blog, title="Tag soup", labels=labels)

    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 20 labels; this one has 21" in html and f'value="{labels}"' in html
    assert not Post.objects.exists() and not Label.objects.exists()


def test_the_editors_upload_past_the_limit_answers_429_in_json(
    blog: Blog, contributor: User, signed_in: SignIn
) -> None:
    client = signed_in(contributor)
    images = url("images", blog.slug)
    not_an_image = client.post(images, {"image": upload(b"not an image", "x.jpg")}, **JSON)
    assert not_an_image.status_code == 400  # refused for itself: not counted
    for _ in range(2):
        assert client.post(images, {"image": upload(photo(64, 64))}, **JSON).status_code == 200

    refused = client.post(images, {"image": upload(photo(64, 64)), "alt": "Beans"}, **JSON)

    assert refused.status_code == 429
    assert refused["Retry-After"] == "1800"
    body = refused.json()
    assert body["error"] == "over-quota" and body["retry_after"] == 1800
    assert "limit of 2 uploads an hour" in body["errors"][0]
    page = client.post(images, {"image": upload(photo(64, 64)), "alt": "Beans"})
    assert page.status_code == 429 and 'value="Beans"' in page.content.decode()
    assert UploadedImage.objects.count() == 2


def test_saves_are_bounded_by_the_text_they_send_edits_included(
    blog: Blog, contributor: User, signed_in: SignIn
) -> None:
    # Every save renders its body: a script re-saving one draft with a worst-shaped body
    # would keep the workers busy with no new post at all. 5 KB an hour here: two saves of
    # 2 KB pass, the third is refused with what was typed, and the post keeps the second.
    client = signed_in(contributor)
    created = new_post(client, blog, title="Long", labels="", source="a" * 2_000)
    assert created.status_code == 302
    post = Post.objects.get(title="Long")
    edit = url("post-edit", blog.slug, post.pk)
    assert client.post(edit, editor_data(title="Long", source="b" * 2_000)).status_code == 302
    refused = client.post(edit, editor_data(title="Long", source="typed " * 400))
    assert refused.status_code == 429
    assert "MB of text saved an hour" in refused.content.decode()
    assert "typed typed" in refused.content.decode()
    post.refresh_from_db()
    assert post.source == "b" * 2_000


def test_the_text_quota_holds_through_the_api_too(
    blog: Blog, contributor: User, signed_in: SignIn
) -> None:
    from broadsheet.blogs import app_passwords

    _, secret = app_passwords.create(contributor, "script", ["read", "write"])
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    posts = f"/blogger/v3/blogs/{blog.pk}/posts"
    body = {"title": "Via API", "content": "<p>" + "x" * 3_000 + "</p>"}
    made = api.post(f"{posts}?isDraft=true", body, content_type="application/json")
    assert made.status_code == 200, made.content
    again = api.put(f"{posts}/{made.json()['id']}", body, content_type="application/json")
    assert b"MB of text saved" in again.content
    assert again.status_code == 429, again.content
    assert Post.objects.get(title="Via API").source == body["content"]
