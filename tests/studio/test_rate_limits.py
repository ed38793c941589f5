"""The editor's background requests (live preview, autosave) are limited per user: past the
limit they answer 429 with a JSON message the editor's script shows, and nothing changes for
anyone else."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
import time_machine

from broadsheet.core.ratelimit import Limit
from broadsheet.posts.models import Autosave
from broadsheet.studio import throttle
from tests.studio.conftest import NOON, url, write

REAL_LIMITS = dict(throttle.LIMITS)  # before the fixture below narrows them


@pytest.fixture(autouse=True)
def three_a_minute(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The real limits are in the hundreds; three keeps each test to a handful of requests.
    for scope in ("preview", "autosave"):
        monkeypatch.setitem(throttle.LIMITS, scope, (Limit(3, 60),))
    # Windows are aligned to the clock: a stopped clock keeps a test inside one minute.
    with time_machine.travel(NOON + dt.timedelta(seconds=20), tick=False):
        yield


def preview(client, blog):
    return client.post(url("preview", blog.slug), {"source": "*hi*", "source_format": "markdown"})


def autosave(client, blog, post):
    data = {"title": "T", "source": "still typing"}
    return client.post(url("autosave", blog.slug, "posts", post.pk), data)


def assert_limited(response) -> None:
    assert response.status_code == 429
    body = response.json()
    assert body["error"] == "rate-limited"
    assert "kept in this browser" in body["message"]
    assert 1 <= body["retry_after"] <= 60
    assert response["Retry-After"] == str(body["retry_after"])


def test_preview_past_the_limit_answers_429_with_a_message(blog, author, signed_in):
    client = signed_in(author)
    assert [preview(client, blog).status_code for _ in range(3)] == [200] * 3
    assert_limited(preview(client, blog))


def test_autosave_past_the_limit_answers_429_and_keeps_the_last_save(blog, author, signed_in):
    post = write(blog, author)
    client = signed_in(author)
    assert [autosave(client, blog, post).status_code for _ in range(3)] == [200] * 3
    response = client.post(
        url("autosave", blog.slug, "posts", post.pk), {"title": "T", "source": "lost?"}
    )
    assert_limited(response)
    assert Autosave.objects.get().source == "still typing"


def test_one_writer_at_the_limit_does_not_limit_another(blog, author, other_author, signed_in):
    post, theirs = write(blog, author), write(blog, other_author, "Theirs")
    busy, other = signed_in(author), signed_in(other_author)
    for _ in range(4):
        preview(busy, blog)
        autosave(busy, blog, post)
    assert preview(busy, blog).status_code == 429
    assert preview(other, blog).status_code == 200
    assert autosave(other, blog, theirs).status_code == 200


def test_preview_and_autosave_are_counted_apart(blog, author, signed_in):
    post = write(blog, author)
    client = signed_in(author)
    for _ in range(3):
        preview(client, blog)
    assert preview(client, blog).status_code == 429
    assert autosave(client, blog, post).status_code == 200


def test_the_real_limits_leave_room_for_what_the_editor_sends() -> None:
    # editor.js asks for a preview 0.6 s after a keystroke (under 100 a minute even for one
    # key every 0.6 s) and autosaves at most every 2 s (30 a minute): room for twice that.
    per_minute = {scope: limits[0] for scope, limits in REAL_LIMITS.items()}
    assert per_minute["preview"].seconds == per_minute["autosave"].seconds == 60
    assert per_minute["preview"].count >= 60 / 0.6
    assert per_minute["autosave"].count >= 2 * 60 / 2


def test_signed_out_requests_are_not_counted_and_answer_401(blog):
    from django.test import Client

    response = Client().post(url("preview", blog.slug), {"source": "x", "source_format": "html"})
    assert response.status_code == 401


@pytest.fixture
def a_megabyte_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    for scope in ("preview", "autosave"):
        monkeypatch.setitem(throttle.LIMITS, scope, (Limit(1000, 60),))
        monkeypatch.setitem(throttle.BYTES, scope, (Limit(1_000_000, 60),))


WORST = "<table>" + "<tr><td>x</td></tr>" * 20_000  # 380 KB of the costliest shape to render


def test_previews_of_big_text_are_bounded_by_the_bytes_sent_not_only_by_their_number(
    a_megabyte_a_minute, blog, author, signed_in
):
    # Three 380 KB previews take the whole budget: a script cannot replay a worst-shaped body
    # at the request limit and keep every worker busy rendering it.
    client = signed_in(author)
    data = {"source": WORST, "source_format": "html"}
    sent = [client.post(url("preview", blog.slug), data).status_code for _ in range(3)]
    assert sent == [200, 200, 429]
    assert_limited(client.post(url("preview", blog.slug), data))
    assert "Too much text" in client.post(url("preview", blog.slug), data).json()["message"]
    # A small preview still fits what is left, and a refused body cost nothing.
    assert preview(client, blog).status_code == 200


def test_autosaves_of_big_text_are_bounded_and_keep_the_last_one_taken(
    a_megabyte_a_minute, blog, author, signed_in
):
    post = write(blog, author)
    client = signed_in(author)
    big = {"title": "T", "source": "w " * 200_000}  # 400 KB
    assert [
        client.post(url("autosave", blog.slug, "posts", post.pk), big).status_code for _ in range(2)
    ] == [200, 200]
    refused = client.post(
        url("autosave", blog.slug, "posts", post.pk), {**big, "source": "x" * 400_000}
    )
    assert_limited(refused)
    assert Autosave.objects.get().source == big["source"]


def test_the_byte_budget_is_the_users_own_whatever_session_or_address(
    a_megabyte_a_minute, blog, author, other_author, signed_in
):
    data = {"source": WORST, "source_format": "html"}
    first, second = signed_in(author), signed_in(author)
    for _ in range(2):
        first.post(url("preview", blog.slug), data, REMOTE_ADDR="192.0.2.1")
    again = second.post(url("preview", blog.slug), data, REMOTE_ADDR="198.51.100.7")
    assert again.status_code == 429
    other = signed_in(other_author)
    assert other.post(url("preview", blog.slug), data, REMOTE_ADDR="192.0.2.1").status_code == 200


def test_the_real_byte_budgets_leave_room_for_a_long_post_previewed_at_every_pause() -> None:
    # A 20 KB post previewed at every pause of a fast typist (100 a minute) fits the minute
    # and, at 40 a minute, the hour; the whole worst-shaped body fits once at least.
    preview_minute, preview_hour = throttle.BYTES["preview"]
    assert preview_minute.count >= 100 * 20_000
    assert preview_hour.count >= 40 * 60 * 20_000
    assert preview_minute.count >= 1_200_000 * 2
    # ...and a script replaying the largest body is held to a few a minute.
    assert preview_minute.count <= 5 * 1_200_000


def test_a_browsers_multipart_preview_and_autosave_are_counted_after_the_csrf_check(
    a_megabyte_a_minute, blog, author, signed_in
):
    # The editor sends FormData (multipart) with its CSRF token. The CSRF check reads that
    # body from the stream before the throttle runs, so the throttle can't read it again: on
    # main this was a 500 for every preview and autosave a real browser sent.
    post = write(blog, author)
    client = signed_in(author, csrf=True)
    page = client.get(url("post-new", blog.slug)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    form = {"csrfmiddlewaretoken": token.group(1), "source": WORST, "source_format": "html"}
    sent = [client.post(url("preview", blog.slug), form).status_code for _ in range(3)]
    assert sent == [200, 200, 429]  # the bytes are still counted
    saved = client.post(
        url("autosave", blog.slug, "posts", post.pk),
        {"csrfmiddlewaretoken": token.group(1), "title": "T", "source": "typed"},
    )
    assert saved.status_code == 200 and Autosave.objects.get().source == "typed"
