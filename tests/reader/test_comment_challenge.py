"""The blog's comment question on the reader's side: asked per reader with the form's tokens,
answered on the confirm page without JavaScript, and a wrong answer keeps the comment."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.comments import challenge
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post
from tests.commenting import comment_data, post_as
from tests.conftest import SignIn

pytestmark = pytest.mark.django_db


@pytest.fixture
def asking(blog: Blog) -> Blog:
    blog.comment_challenge = Blog.CommentChallenge.ANONYMOUS
    blog.save()
    return blog


def solve(question: str) -> str:
    words = re.search(r"What is (\w+) plus (\w+)\?", question)
    assert words is not None
    return str(sum(challenge.WORDS.index(word) for word in words.groups()))


def test_the_cached_page_holds_no_question(client: Client, asking: Blog, post: Post) -> None:
    html = client.get(post.permalink).content.decode()
    area = re.search(r'<div class="comment-field comment-challenge" hidden>.*?</div>', html, re.S)
    assert area is not None and 'name="challenge" value=""' in area.group()


def test_the_right_answer_posts_the_comment(client: Client, asking: Blog, post: Post) -> None:
    tokens = client.get(f"/comments/token/{post.pk}").json()
    response = post_as(
        client, post, challenge=tokens["challenge"], answer=solve(tokens["question"])
    )
    assert response.status_code == 302
    assert post.comments.get().status == Comment.Status.PUBLISHED


def test_a_wrong_answer_keeps_the_comment_and_asks_again(
    client: Client, asking: Blog, post: Post
) -> None:
    tokens = client.get(f"/comments/token/{post.pk}").json()
    wrong = str(int(solve(tokens["question"])) + 1)
    response = post_as(client, post, challenge=tokens["challenge"], answer=wrong, name="Mo")
    html = response.content.decode()
    assert response.status_code == 400 and not Comment.objects.exists()
    assert "That is not the answer: please try this new question." in html
    assert "Forced rhubarb is the sweetest.</textarea>" in html and 'value="Mo"' in html
    assert 'aria-describedby="comment-answer-error"' in html
    assert re.search(r'<label for="comment-answer"[^>]*>What is \w+ plus \w+\?', html)


def test_without_script_the_confirm_page_asks_it(client: Client, asking: Blog, post: Post) -> None:
    response = client.post(f"/comments/post/{post.pk}", comment_data(post, token=""))
    html = response.content.decode()
    question = re.search(r'<label for="comment-answer"[^>]*>([^<]+)</label>', html)
    assert question is not None and not Comment.objects.exists()
    token = re.search(r'name="challenge" value="([^"]+)"', html)
    form_token = re.search(r'name="token" value="([^"]+)"', html)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token and form_token and csrf
    again = comment_data(
        post,
        challenge=token.group(1),
        answer=solve(question.group(1)),
        csrfmiddlewaretoken=csrf.group(1),
    )
    assert client.post(f"/comments/post/{post.pk}", again).status_code == 302
    assert Comment.objects.count() == 1


def test_signed_in_readers_skip_it_unless_everyone_answers(
    asking: Blog, post: Post, reader: User, signed_in: SignIn
) -> None:
    client = signed_in(reader)
    assert "question" not in client.get(f"/comments/token/{post.pk}").json()
    assert post_as(client, post).status_code == 302
    asking.comment_challenge = Blog.CommentChallenge.EVERYONE
    asking.save()
    assert "question" in client.get(f"/comments/token/{post.pk}").json()
    response = post_as(client, post, body="Second thoughts.")
    assert response.status_code == 400 and Comment.objects.count() == 1
    assert "Please answer the question to post your comment." in response.content.decode()


def test_off_asks_nothing(client: Client, post: Post) -> None:
    assert "comment-challenge" not in client.get(post.permalink).content.decode()
    assert "question" not in client.get(f"/comments/token/{post.pk}").json()
