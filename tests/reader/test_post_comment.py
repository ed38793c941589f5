"""POST /comments/post/<post_id>: the reader's comment, from the cached page or the confirm page."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
import time_machine
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.comments import defences
from broadsheet.comments.models import Comment
from broadsheet.posts.models import Post
from tests.cast import signed_in
from tests.commenting import PostAs, comment_data, old_token
from tests.conftest import NOON, MakeComment, MakePost

pytestmark = pytest.mark.django_db

STRICT = {"enforce_csrf_checks": True}


def test_reader_posts_a_comment_and_lands_on_it(post: Post, post_as: PostAs) -> None:
    client = Client(**STRICT)
    response = post_as(client, post)
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(post.permalink + "?showComment=")
    assert response["Location"].endswith(f"#c{comment.pk}")
    assert comment.status == Comment.Status.PUBLISHED and comment.author_name == "Mary"
    page = client.get(post.permalink).content.decode()
    assert "1 comment:" in page and "Forced rhubarb is the sweetest." in page


def test_new_comment_bumps_the_blog_content_version(
    blog: Blog, post: Post, post_as: PostAs
) -> None:
    before = Blog.objects.get(pk=blog.pk).content_version
    post_as(Client(**STRICT), post)
    assert Blog.objects.get(pk=blog.pk).content_version > before


def test_held_comment_lands_on_the_pending_notice(blog: Blog, post: Post, post_as: PostAs) -> None:
    blog.moderation = Blog.Moderation.ALWAYS
    blog.save()
    response = post_as(Client(**STRICT), post)
    assert response["Location"] == f"{post.permalink}#comment-held"
    assert Comment.objects.get().status == Comment.Status.PENDING
    page = Client().get(post.permalink).content.decode()
    assert 'id="comment-held"' in page and "Your comment will be visible after approval." in page
    assert "Forced rhubarb" not in page.split('id="comment-form"')[0]


def test_without_a_csrf_token_the_confirm_page_keeps_everything_typed(post: Post) -> None:
    client = Client(**STRICT)
    data = comment_data(
        post,
        token="",
        name="Mary <b>",
        url="https://mary.example/",
        email="mary@example.com",
        notify="on",
        body="Line one\nLine two",
    )
    response = client.post(f"/comments/post/{post.pk}", data)
    html = response.content.decode()
    assert response.status_code == 200 and not Comment.objects.exists()
    assert "Confirm your comment" in html and "Please check your comment and post it again." in html
    assert 'value="Mary &lt;b&gt;"' in html and 'value="https://mary.example/"' in html
    assert 'value="mary@example.com"' in html and "Line one\nLine two</textarea>" in html
    assert 'name="notify" type="checkbox" value="on" checked' in html
    assert "no-store" in response["Cache-Control"]
    assert 'name="csrfmiddlewaretoken" value="' in html and response.cookies.get("csrftoken")


def test_the_confirm_page_posts_the_comment_on_the_second_try(post: Post) -> None:
    client = Client(**STRICT)
    client.post(f"/comments/post/{post.pk}", comment_data(post, token=""))
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        f"/comments/post/{post.pk}", comment_data(post, csrfmiddlewaretoken=csrf)
    )
    assert response.status_code == 302 and Comment.objects.count() == 1


def test_a_forged_cross_site_post_stores_nothing(post: Post) -> None:
    client = Client(**STRICT)
    client.get(f"/comments/token/{post.pk}")  # the victim's browser holds a CSRF cookie
    response = client.post(
        f"/comments/post/{post.pk}", comment_data(post, csrfmiddlewaretoken="x" * 32)
    )
    assert response.status_code == 200 and "Confirm your comment" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_form_posted_too_fast_is_sent_back_to_confirm(post: Post, post_as: PostAs) -> None:
    response = post_as(Client(**STRICT), post, token=defences.issue_token(post.pk))
    assert "Confirm your comment" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_token_is_good_for_one_comment(post: Post, post_as: PostAs) -> None:
    client = Client(**STRICT)
    token = old_token(post.pk)
    post_as(client, post, token=token)
    again = post_as(client, post, token=token, body="A second thought.")
    assert "Confirm your comment" in again.content.decode()
    assert Comment.objects.count() == 1


def test_another_posts_token_does_not_pass(
    post: Post, make_post: MakePost, post_as: PostAs
) -> None:
    other = make_post("Leeks")
    response = post_as(Client(**STRICT), post, token=old_token(other.pk))
    assert "Confirm your comment" in response.content.decode() and not Comment.objects.exists()


def test_bad_input_comes_back_with_a_message_per_field(post: Post, post_as: PostAs) -> None:
    data: dict[str, Any] = {"body": "   ", "url": "javascript:alert(1)", "email": "nope"}
    response = post_as(Client(**STRICT), post, **data)
    html = response.content.decode()
    assert response.status_code == 400 and not Comment.objects.exists()
    assert "Please write your comment." in html
    assert 'id="comment-url-error"' in html and 'id="comment-email-error"' in html
    assert 'value="javascript:alert(1)"' in html and 'value="nope"' in html
    assert 'aria-invalid="true"' in html


def test_too_long_and_too_many_links_are_refused(post: Post, post_as: PostAs) -> None:
    long = post_as(Client(**STRICT), post, body="x" * 4097).content.decode()
    assert "Please keep your comment to 4,096 characters" in long
    links = " ".join(f"https://s{i}.example/" for i in range(4))
    assert "at most 3 links" in post_as(Client(**STRICT), post, body=links).content.decode()
    assert not Comment.objects.exists()


def test_a_named_blog_asks_for_a_name(blog: Blog, post: Post, post_as: PostAs) -> None:
    blog.who_can_comment = Blog.WhoCanComment.NAMED
    blog.save()
    response = post_as(Client(**STRICT), post, name="")
    assert response.status_code == 400 and "Please give your name" in response.content.decode()


def test_the_honeypot_answers_like_success_and_stores_nothing(post: Post, post_as: PostAs) -> None:
    response = post_as(Client(**STRICT), post, website="http://spam.example/")
    assert response.status_code == 302 and response["Location"].endswith("#comment-held")
    assert not Comment.objects.exists()


def test_the_same_comment_twice_is_refused(post: Post, post_as: PostAs) -> None:
    client = Client(**STRICT)
    post_as(client, post)
    response = post_as(client, post)
    assert response.status_code == 400 and "already been posted" in response.content.decode()
    assert Comment.objects.count() == 1


def test_one_address_is_rate_limited(post: Post, post_as: PostAs) -> None:
    client = Client(**STRICT)
    # Windows are aligned to the clock: a stopped clock keeps all six inside one minute.
    with time_machine.travel(NOON + dt.timedelta(seconds=20), tick=False):
        codes = [post_as(client, post, body=f"Thought {i}.").status_code for i in range(6)]
    assert codes == [302] * 5 + [429]
    assert Comment.objects.count() == 5


def test_rate_limits_can_be_turned_off_by_settings_only(
    post: Post, post_as: PostAs, settings: Any
) -> None:
    settings.COMMENT_RATE_LIMITS = False
    client = Client(**STRICT)
    codes = {post_as(client, post, body=f"Thought number {i}.").status_code for i in range(7)}
    assert codes == {302}


def test_a_reply_lands_under_its_parent(
    post: Post, post_as: PostAs, make_comment: MakeComment
) -> None:
    parent = make_comment(post, "Parent words")
    post_as(Client(**STRICT), post, parent=str(parent.pk), body="A reply here.")
    reply = Comment.objects.get(body="A reply here.")
    assert reply.parent == parent
    html = Client().get(post.permalink).content.decode()
    assert (
        html.index("Parent words")
        < html.index('class="comment-replies"')
        < html.index("A reply here.")
    )


def test_a_reply_to_a_comment_not_on_the_page_is_refused(
    post: Post, post_as: PostAs, make_comment: MakeComment, make_post: MakePost
) -> None:
    elsewhere = make_comment(make_post("Leeks"), "Elsewhere")
    held = make_comment(post, "Held", status=Comment.Status.PENDING)
    for parent in (elsewhere, held):
        response = post_as(Client(**STRICT), post, parent=str(parent.pk))
        assert response.status_code == 400 and "not on the page" in response.content.decode()
    assert Comment.objects.filter(parent__isnull=False).count() == 0


def test_another_blogs_post_or_a_draft_is_not_found(
    post: Post, make_post: MakePost, other_blog: Blog
) -> None:
    draft = make_post("Draft", status=Post.Status.DRAFT, published_at=None)
    theirs = make_post("Theirs", target=other_blog)
    for target in (draft, theirs):
        response = Client().post(f"/comments/post/{target.pk}", comment_data(target))
        assert response.status_code == 404
    assert Client().post("/comments/post/999999999", {}).status_code == 404


def test_closed_comments_take_none(blog: Blog, post: Post, make_post: MakePost) -> None:
    # Refused with a message and the text handed back (tests/reader/test_reader_comments.py).
    closed = make_post("Closed", comments_allowed=False)
    assert Client().post(f"/comments/post/{closed.pk}", comment_data(closed)).status_code == 403
    blog.comments_enabled = False
    blog.save()
    assert Client().post(f"/comments/post/{post.pk}", comment_data(post)).status_code == 403
    assert not Comment.objects.exists()


def test_wrong_method_is_refused(post: Post) -> None:
    assert Client().put(f"/comments/post/{post.pk}").status_code == 405
    assert Client().delete(f"/comments/post/{post.pk}").status_code == 405


@pytest.mark.parametrize("parent", ["%C2%B2", "9" * 5000, "-1"])
def test_a_parent_that_is_no_number_gives_the_plain_form(post: Post, parent: str) -> None:
    # "²" passes str.isdigit() and fails int(): this was a 500.
    response = Client().get(f"/comments/post/{post.pk}?parent={parent}")
    assert response.status_code == 200 and "Reply to" not in response.content.decode()


def test_get_shows_the_uncached_form_with_the_reply_quoted(
    post: Post, make_comment: MakeComment
) -> None:
    parent = make_comment(post, "Parent words", author_name="Lu")
    response = Client().get(f"/comments/post/{post.pk}?parent={parent.pk}")
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "Reply to Lu" in html and "Parent words" in html
    assert f'name="parent" value="{parent.pk}"' in html


def test_members_only_blog_sends_readers_to_sign_in(
    blog: Blog, post: Post, outsider: Any, author: Any, post_as: PostAs
) -> None:
    blog.who_can_comment = Blog.WhoCanComment.MEMBERS
    blog.save()
    anonymous = Client().post(f"/comments/post/{post.pk}", comment_data(post))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/studio/login/")
    stranger = post_as(signed_in(outsider, csrf=True), post)
    assert stranger.status_code == 403
    assert "Only a member of this blog may post a comment." in stranger.content.decode()
    assert not Comment.objects.exists()
    assert post_as(signed_in(author, csrf=True), post).status_code == 302
    comment = Comment.objects.get()
    assert comment.user == author and comment.status == Comment.Status.PUBLISHED


def test_signed_in_users_blog(blog: Blog, post: Post, outsider: Any, post_as: PostAs) -> None:
    blog.who_can_comment = Blog.WhoCanComment.USERS
    blog.moderation = Blog.Moderation.ALWAYS
    blog.save()
    assert Client().get(f"/comments/post/{post.pk}").status_code == 302
    response = post_as(signed_in(outsider), post, name="")
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.author_name == "Oscar" and comment.status == Comment.Status.PENDING


def test_the_cached_post_page_carries_no_visitor_state(post: Post) -> None:
    response = Client().get(post.permalink)
    html = response.content.decode()
    assert not response.cookies and "Cookie" not in response.get("Vary", "")
    assert 'name="csrfmiddlewaretoken" value=""' in html and 'name="token" value=""' in html
    assert f'action="/comments/post/{post.pk}"' in html


def test_the_token_expires(post: Post, post_as: PostAs) -> None:
    stale = defences.issue_token(post.pk, now=time.time() - defences.TOKEN_MAX_AGE - 5)
    assert "Confirm your comment" in post_as(Client(**STRICT), post, token=stale).content.decode()
