"""The studio's moderation pages at /studio/comments/<blog>/ (comments/moderation.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post
from tests.cast import signed_in
from tests.conftest import MakeComment

pytestmark = pytest.mark.django_db

LIST = "/studio/comments/notes/"


def act(pk: int, action: str) -> str:
    return f"{LIST}{pk}/{action}/"


def test_lists_show_each_shelf_with_counts(
    post: Post, admin: User, make_comment: MakeComment
) -> None:
    make_comment(post, "Held words", status=Comment.Status.PENDING)
    make_comment(post, "Spam words", status=Comment.Status.SPAM)
    client = signed_in(admin)
    pending = client.get(LIST).content.decode()
    assert "Held words" in pending and "Spam words" not in pending
    assert 'Awaiting moderation <span class="count">(1)</span>' in pending
    assert "Spam words" in client.get(LIST + "?status=spam").content.decode()


def test_approve_publishes_on_the_page(post: Post, author: User, make_comment: MakeComment) -> None:
    comment = make_comment(post, "Held words", status=Comment.Status.PENDING)
    response = signed_in(author).post(act(comment.pk, "approve"), {"shelf": "pending"})
    assert response.status_code == 302 and response["Location"] == LIST + "?status=pending"
    assert "Held words" in Client().get(post.permalink).content.decode()


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("spam", "published", "spam"),
        ("not-spam", "spam", "published"),
        ("delete", "published", "trash"),
        ("restore", "trash", "published"),
    ],
)
def test_each_action(
    post: Post, admin: User, make_comment: MakeComment, action: str, before: str, after: str
) -> None:
    comment = make_comment(post, status=before)
    assert signed_in(admin).post(act(comment.pk, action)).status_code == 302
    assert Comment.objects.get(pk=comment.pk).status == after


def test_someone_elses_comment_is_not_found(
    post: Post, other_author: User, outsider: User, make_comment: MakeComment
) -> None:
    comment = make_comment(post, status=Comment.Status.PENDING)
    assert signed_in(other_author).post(act(comment.pk, "approve")).status_code == 404
    assert signed_in(outsider).post(act(comment.pk, "approve")).status_code == 404  # not a member
    assert signed_in(outsider).get(LIST).status_code == 404
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING


def test_another_authors_comments_are_not_listed(
    post: Post, other_author: User, make_comment: MakeComment
) -> None:
    make_comment(post, "For Ada", status=Comment.Status.PENDING)
    assert "For Ada" not in signed_in(other_author).get(LIST).content.decode()


def test_contributors_do_not_moderate(contributor: User, blog: Blog) -> None:
    response = signed_in(contributor).get(LIST)
    assert (
        response.status_code == 403 and "Contributors do not moderate" in response.content.decode()
    )


def test_signed_out_goes_to_the_studio_login(blog: Blog) -> None:
    response = Client().get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/studio/login/?next=")


def test_wrong_method_and_unknown_action(
    post: Post, admin: User, make_comment: MakeComment
) -> None:
    comment = make_comment(post)
    client = signed_in(admin)
    assert client.get(act(comment.pk, "approve")).status_code == 405
    assert client.post(LIST).status_code == 405
    assert client.post(act(comment.pk, "explode")).status_code == 404


def test_missing_csrf_token_is_refused(post: Post, admin: User, make_comment: MakeComment) -> None:
    comment = make_comment(post, status=Comment.Status.PENDING)
    assert signed_in(admin, csrf=True).post(act(comment.pk, "approve")).status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.PENDING


def test_bulk_actions(post: Post, admin: User, make_comment: MakeComment) -> None:
    ids = [make_comment(post, f"c{i}", status=Comment.Status.PENDING).pk for i in range(3)]
    response = signed_in(admin).post(LIST + "bulk/", {"action": "spam", "ids": ids[:2]})
    assert response.status_code == 302
    assert sorted(Comment.objects.values_list("status", flat=True)) == ["pending", "spam", "spam"]


def test_bulk_with_someone_elses_comment_is_not_found(
    post: Post, other_author: User, make_comment: MakeComment
) -> None:
    comment = make_comment(post, status=Comment.Status.PENDING)
    response = signed_in(other_author).post(
        LIST + "bulk/", {"action": "approve", "ids": [comment.pk]}
    )
    assert response.status_code == 404


def test_bulk_bad_input_says_why(post: Post, admin: User) -> None:
    client = signed_in(admin)
    response = client.post(LIST + "bulk/", {"action": "approve"}, follow=True)
    assert "Tick the comments to act on." in response.content.decode()
    response = client.post(LIST + "bulk/", {"action": "nuke", "ids": ["x"]}, follow=True)
    assert Comment.objects.count() == 0 and response.status_code == 200


def test_reply_as_the_author(post: Post, author: User, make_comment: MakeComment) -> None:
    parent = make_comment(post, "A question?", status=Comment.Status.PENDING)
    response = signed_in(author).post(f"{LIST}{parent.pk}/reply/", {"body": "An answer."})
    assert response.status_code == 302
    html = Client().get(post.permalink).content.decode()
    assert html.index("A question?") < html.index("An answer.")
    assert signed_in(author).post(f"{LIST}{parent.pk}/reply/", {"body": " "}).status_code == 302
    assert Comment.objects.count() == 2
