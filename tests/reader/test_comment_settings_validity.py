"""The pages the comment options and the comment question add pass the Nu Html Checker."""

from __future__ import annotations

import pytest
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post, ReaderComments
from tests.commenting import comment_data, post_as
from tests.conftest import MakeComment, MakePost
from tests.tools.vnu import VnuService, format_messages

pytestmark = pytest.mark.django_db


def test_question_closed_and_hidden_pages_are_valid(
    client: Client, blog: Blog, make_post: MakePost, make_comment: MakeComment, vnu: VnuService
) -> None:
    blog.comment_challenge = Blog.CommentChallenge.ANONYMOUS
    blog.save()
    asking, closed, hidden = (make_post(title) for title in ("Asking", "Closed", "Hidden"))
    for post, option in ((closed, ReaderComments.STOP), (hidden, ReaderComments.HIDE)):
        make_comment(post, "Said before.")
        post.set_reader_comments(option)
        save_post(post)
    pages = {
        "question hidden on the cached page": client.get(asking.permalink),
        "question asked, an error beside it": post_as(client, asking, answer="9", challenge="x"),
        "closed, text handed back": client.post(
            f"/comments/post/{closed.pk}", comment_data(closed, body="<kept> & typed")
        ),
        "closed post": client.get(closed.permalink),
        "hidden comments": client.get(hidden.permalink),
    }
    failures = [
        f"{name}:\n{format_messages(errors)}"
        for name, response in pages.items()
        if (errors := vnu.validate(response.content))
    ]
    assert not failures, "\n\n".join(failures)
    assert pages["question asked, an error beside it"].status_code == 400
    assert Post.objects.get(pk=closed.pk).comments.count() == 1
