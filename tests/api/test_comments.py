"""Blogger's comments resource: listing, and moderation through the studio's actions."""

from __future__ import annotations

from broadsheet.comments.models import Comment
from tests.api.conftest import reason


def test_members_read_live_comments_and_moderators_see_held_ones(
    blog, author, other_author, post, make_comment, api_for
):
    make_comment(post, "Lovely.")
    make_comment(post, "Buy pills", status=Comment.Status.PENDING)
    path = f"blogs/{blog.pk}/posts/{post.pk}/comments"
    live = api_for(other_author).get(path).json()["items"]
    assert [c["content"] for c in live] == ["<p>Lovely.</p>"]
    assert live[0]["kind"] == "blogger#comment" and live[0]["status"] == "LIVE"
    held = api_for(other_author).get(path + "?status=pending").json()["items"]
    assert held == []  # Alan does not moderate Ada's post
    mine = api_for(author).get(path + "?status=pending").json()["items"]
    assert [c["status"] for c in mine] == ["PENDING"]
    assert (
        len(api_for(author).get(f"blogs/{blog.pk}/comments?status=live,pending").json()["items"])
        == 2
    )


def test_the_posts_author_approves_and_marks_spam(blog, author, post, make_comment, api_for):
    held = make_comment(post, "Held", status=Comment.Status.PENDING)
    api = api_for(author)
    base = f"blogs/{blog.pk}/posts/{post.pk}/comments/{held.pk}"
    assert api.send("POST", base + "/approve").json()["status"] == "LIVE"
    assert api.send("POST", base + "/spam").json()["status"] == "SPAM"
    assert api.send("DELETE", base).status_code == 204
    assert Comment.objects.get(pk=held.pk).status == Comment.Status.TRASH


def test_a_contributor_cannot_moderate(blog, contributor, post, make_comment, api_for):
    shown = make_comment(post, "Shown")
    answer = api_for(contributor).send(
        "POST", f"blogs/{blog.pk}/posts/{post.pk}/comments/{shown.pk}/removecontent"
    )
    assert answer.status_code == 403 and reason(answer) == "forbidden"
    assert Comment.objects.get(pk=shown.pk).status == Comment.Status.PUBLISHED


def test_another_posts_comment_is_not_found(blog, author, post, make_post, make_comment, api_for):
    elsewhere = make_comment(make_post("Elsewhere"))
    answer = api_for(author).get(f"blogs/{blog.pk}/posts/{post.pk}/comments/{elsewhere.pk}")
    assert answer.status_code == 404


def test_a_commenters_address_is_given_only_when_it_is_a_web_page(
    blog, author, post, make_comment, api_for
):
    # As pages and feeds show it: a client that makes the name a link must get no script.
    # (Stored by an older restore, which kept any address a backup held.)
    addresses = ["javascript:alert(1)", " JaVaScRiPt:x", "data:text/html,x", "https://a.example/"]
    for number, address in enumerate(addresses):
        make_comment(post, f"Comment {number}", author_url=address)
    items = api_for(author).get(f"blogs/{blog.pk}/posts/{post.pk}/comments").json()["items"]
    assert {c["content"]: c["author"].get("url") for c in items} == {
        "<p>Comment 0</p>": None,
        "<p>Comment 1</p>": None,
        "<p>Comment 2</p>": None,
        "<p>Comment 3</p>": "https://a.example/",
    }
