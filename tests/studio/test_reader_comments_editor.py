"""The editor's "Reader comments" choice: Blogger's three options, kept on the post."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post, ReaderComments
from tests.conftest import SignIn
from tests.studio.conftest import editor_data, url

pytestmark = pytest.mark.django_db


def chosen(page: str) -> str:
    found = re.search(r'<input[^>]*name="reader_comments" value="(\w+)"[^>]*checked', page)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("option", list(ReaderComments))
def test_each_option_is_kept_and_shown_again(
    blog: Blog, author: User, signed_in: SignIn, option: str
) -> None:
    client = signed_in(author)
    data = editor_data(reader_comments=option, intent="publish")
    assert client.post(url("post-new", blog.slug), data).status_code == 302
    post = Post.objects.get(blog=blog)
    assert post.reader_comments == option
    assert chosen(client.get(url("post-edit", blog.slug, post.pk)).content.decode()) == option


def test_a_new_post_allows_comments(blog: Blog, author: User, signed_in: SignIn) -> None:
    page = signed_in(author).get(url("post-new", blog.slug)).content.decode()
    assert chosen(page) == "allow"
    assert "Don&#x27;t allow, hide existing" in page or "Don't allow, hide existing" in page


def test_the_old_checkbox_still_means_what_it_meant(
    blog: Blog, author: User, signed_in: SignIn
) -> None:
    client = signed_in(author)
    client.post(url("post-new", blog.slug), editor_data(title="Open"))
    client.post(url("post-new", blog.slug), editor_data(title="Shut", comments_allowed=""))
    assert Post.objects.get(title="Open").reader_comments == ReaderComments.ALLOW
    assert Post.objects.get(title="Shut").reader_comments == ReaderComments.STOP


def test_an_unknown_option_is_refused_and_the_text_kept(
    blog: Blog, author: User, signed_in: SignIn
) -> None:
    data = editor_data(reader_comments="sometimes", source="Every word kept.")
    response = signed_in(author).post(url("post-new", blog.slug), data)
    page = response.content.decode()
    assert response.status_code == 400 and "Select a valid choice" in page
    assert "Every word kept." in page and not Post.objects.exists()
