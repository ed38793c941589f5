"""The autosave endpoint the editor's script calls, and discarding what it kept."""

from __future__ import annotations

import re

from django.test import Client

from broadsheet.posts.models import Autosave
from tests.studio.conftest import url, write


def test_autosave_a_new_post_then_see_it_in_the_editor(blog, author, signed_in):
    client = signed_in(author)
    response = client.post(
        url("autosave-new", blog.slug, "posts"),
        {"title": "Half", "source": "typed so far", "labels": "a, b"},
    )
    assert response.status_code == 200 and "saved_at" in response.json()
    saved = Autosave.objects.get()
    assert (saved.post, saved.title, saved.labels) == (None, "Half", "a, b")
    page = client.get(url("post-new", blog.slug)).content.decode()
    assert "typed so far" in page and "has not been saved yet" in page


def test_autosave_an_existing_post(blog, author, signed_in):
    post = write(blog, author)
    response = signed_in(author).post(
        url("autosave", blog.slug, "posts", post.pk), {"title": "T", "source": "new words"}
    )
    assert response.status_code == 200
    assert Autosave.objects.get().post == post
    post.refresh_from_db()
    assert post.source == "Forced under a bucket."  # readers see nothing of it


def test_discard_goes_back_to_the_saved_version(blog, author, signed_in):
    post = write(blog, author)
    client = signed_in(author)
    client.post(url("autosave", blog.slug, "posts", post.pk), {"title": "T", "source": "x"})
    response = client.post(url("autosave", blog.slug, "posts", post.pk), {"discard": "1"})
    assert response["Location"] == url("post-edit", blog.slug, post.pk)
    assert not Autosave.objects.exists()


def test_bad_autosave_input_is_a_json_error(blog, author, signed_in):
    response = signed_in(author).post(
        url("autosave-new", blog.slug, "posts"), {"source_format": "word"}
    )
    assert response.status_code == 400 and "source_format" in response.json()["fields"]


def test_an_autosave_past_the_size_bound_is_a_json_error(blog, author, signed_in, settings):
    settings.MAX_POST_BYTES = 1000
    response = signed_in(author).post(
        url("autosave-new", blog.slug, "posts"), {"source": "x" * 1001}
    )
    assert response.status_code == 400
    assert "at most 1,000 bytes" in response.json()["fields"]["source"][0]["message"]
    assert "at most 1,000 bytes" in response.json()["message"]  # what the editor shows
    assert not Autosave.objects.exists()


def test_signed_out_autosave_is_401_for_the_script(blog):
    response = Client().post(url("autosave-new", blog.slug, "posts"), {"title": "x"})
    assert response.status_code == 401 and response.json()["error"] == "signed-out"


def test_someone_elses_post_is_404(blog, author, other_author, signed_in):
    theirs = write(blog, other_author)
    assert (
        signed_in(author)
        .post(url("autosave", blog.slug, "posts", theirs.pk), {"title": "x"})
        .status_code
        == 404
    )
    assert not Autosave.objects.exists()


def test_autosave_is_post_only_with_csrf(blog, author, signed_in):
    assert signed_in(author).get(url("autosave-new", blog.slug, "posts")).status_code == 405
    assert (
        signed_in(author, csrf=True)
        .post(url("autosave-new", blog.slug, "posts"), {"title": "x"})
        .status_code
        == 403
    )
    assert not Autosave.objects.exists()


def test_every_field_of_the_editor_comes_back_from_an_autosave(blog, author, signed_in):
    client = signed_in(author)
    typed = {
        "title": "Half",
        "source": "typed so far",
        "permalink": "slug-hunt",
        "search_description": "Where the slugs go after dark.",
        "publish_at": "2031-05-04T09:30",
        "reader_comments": "hide",
    }
    assert client.post(url("autosave-new", blog.slug, "posts"), typed).status_code == 200
    page = client.get(url("post-new", blog.slug)).content.decode()
    assert "Where the slugs go after dark.</textarea>" in page
    assert 'value="slug-hunt"' in page and 'value="2031-05-04T09:30"' in page
    hide = re.search(r'<input[^>]*name="reader_comments" value="hide"[^>]*>', page)
    assert hide is not None and "checked" in hide.group()


def test_an_oversized_other_field_is_left_out_of_the_autosave(blog, author, signed_in):
    client = signed_in(author)
    typed = {"title": "Half", "search_description": "x" * 6000, "permalink": "kept"}
    assert client.post(url("autosave-new", blog.slug, "posts"), typed).status_code == 200
    assert Autosave.objects.get().fields == {"permalink": "kept"}
