"""Blogger's posts resource at /blogger/v3/: reading, writing through the studio's actions,
and the role rules that hold for every API."""

from __future__ import annotations

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from broadsheet.posts.models import Post
from tests.api.conftest import ROOT, Api, reason


def test_a_member_lists_the_live_posts_in_bloggers_shape(blog, author, post, api_for):
    post_list = api_for(author).get(f"blogs/{blog.pk}/posts")
    assert post_list.status_code == 200
    item = post_list.json()["items"][0]
    assert item["kind"] == "blogger#post" and item["id"] == str(post.pk)
    assert item["blog"] == {"id": str(blog.pk)} and item["status"] == "LIVE"
    assert item["url"].endswith(post.permalink) and item["title"] == "Rhubarb, forced"
    assert item["author"]["displayName"] == "Ada Byron"
    assert item["replies"]["totalItems"] == "0"
    assert post_list["Cache-Control"] == "private, no-cache"


def test_paging_follows_next_page_tokens(blog, author, make_post, api_for):
    for number in range(3):
        make_post(f"Post {number}")
    api = api_for(author)
    first = api.get(f"blogs/{blog.pk}/posts?maxResults=2").json()
    second = api.get(f"blogs/{blog.pk}/posts?maxResults=2&pageToken={first['nextPageToken']}")
    titles = [item["title"] for item in first["items"] + second.json()["items"]]
    assert len(set(titles)) == 3 and "nextPageToken" not in second.json()
    broken = api.get(f"blogs/{blog.pk}/posts?pageToken=forged")
    assert broken.status_code == 400 and reason(broken) == "invalidPageToken"


def test_a_post_answers_304_when_unchanged(blog, author, post, api_for):
    api = api_for(author)
    first = api.get(f"blogs/{blog.pk}/posts/{post.pk}")
    assert first["ETag"] and first["Last-Modified"]
    again = api.get(f"blogs/{blog.pk}/posts/{post.pk}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_insert_patch_publish_revert_and_delete(blog, author, api_for):
    api = api_for(author)
    made = api.send(
        "POST",
        f"blogs/{blog.pk}/posts?isDraft=true",
        {"title": "Leeks", "content": "<p>Trench.</p>", "labels": ["veg"]},
    )
    assert made.status_code == 200 and made.json()["status"] == "DRAFT"
    pk = made.json()["id"]
    patched = api.send("PATCH", f"blogs/{blog.pk}/posts/{pk}", {"title": "Leeks, trenched"})
    assert patched.json()["title"] == "Leeks, trenched" and patched.json()["labels"] == ["veg"]
    published = api.send("POST", f"blogs/{blog.pk}/posts/{pk}/publish")
    assert published.json()["status"] == "LIVE" and published.json()["url"]
    assert "Trench." in Client().get(Post.objects.get(pk=pk).permalink).content.decode()
    reverted = api.send("POST", f"blogs/{blog.pk}/posts/{pk}/revert")
    assert reverted.json()["status"] == "DRAFT"
    assert api.send("DELETE", f"blogs/{blog.pk}/posts/{pk}").status_code == 204
    assert Post.objects.get(pk=pk).status == Post.Status.TRASH


def test_html_content_is_sanitised_as_in_the_studio(blog, author, api_for):
    made = api_for(author).send(
        "POST",
        f"blogs/{blog.pk}/posts",
        {"title": "X", "content": "<p onclick=x()>Hi<script>1</script></p>"},
    )
    assert made.json()["content"] == "<p>Hi</p>"


def test_a_contributor_cannot_publish_through_the_api(blog, contributor, api_for):
    api = api_for(contributor)
    refused = api.send("POST", f"blogs/{blog.pk}/posts", {"title": "Mine", "content": "x"})
    assert refused.status_code == 403 and reason(refused) == "forbidden"
    draft = api.send(
        "POST", f"blogs/{blog.pk}/posts?isDraft=true", {"title": "Mine", "content": "x"}
    )
    assert draft.status_code == 200
    publish = api.send("POST", f"blogs/{blog.pk}/posts/{draft.json()['id']}/publish")
    assert publish.status_code == 403
    assert Post.objects.get().status == Post.Status.DRAFT


def test_another_blogs_ids_are_not_found(blog, other_blog, outsider, author, post, api_for):
    api = api_for(outsider)
    for path in (
        f"blogs/{blog.pk}",
        f"blogs/{blog.pk}/posts",
        f"blogs/{other_blog.pk}/posts/{post.pk}",
    ):
        answer = api.get(path)
        assert answer.status_code == 404 and reason(answer) == "notFound", path


def test_a_password_held_to_one_blog_reaches_no_other(blog, other_blog, operator, api_for):
    held = api_for(operator, ("read",), other_blog)  # the operator runs every blog
    assert held.get(f"blogs/{other_blog.pk}/posts").status_code == 200
    assert held.get(f"blogs/{blog.pk}/posts").status_code == 404
    assert [b["id"] for b in held.get("users/self/blogs").json()["items"]] == [str(other_blog.pk)]


def test_another_authors_draft_is_not_found(blog, author, other_author, api_for, make_post):
    draft = make_post("Secret", status=Post.Status.DRAFT, published_at=None)
    answer = api_for(other_author).get(f"blogs/{blog.pk}/posts/{draft.pk}")
    assert answer.status_code == 404


def test_a_read_only_password_cannot_write(blog, author, api_for):
    refused = api_for(author, ("read",)).send("POST", f"blogs/{blog.pk}/posts", {"title": "X"})
    assert refused.status_code == 403 and reason(refused) == "insufficientScope"
    assert not Post.objects.exists()


def test_a_session_cookie_does_not_authenticate_the_api(blog, author, signed_in):
    client = signed_in(author)
    answer = client.post(f"{ROOT}blogs/{blog.pk}/posts", "{}", content_type="application/json")
    assert answer.status_code == 401 and reason(answer) == "unauthorized"
    assert "Bearer" in answer["WWW-Authenticate"]
    assert not Post.objects.exists()


def test_bad_input_is_a_json_error(blog, author, post, api_for):
    api = api_for(author)
    cases = [
        api.send("POST", f"blogs/{blog.pk}/posts", ["not", "an", "object"]),
        api.send("POST", f"blogs/{blog.pk}/posts", {"title": 5}),
        api.send("POST", f"blogs/{blog.pk}/posts", {"labels": "one"}),
        api.send("POST", f"blogs/{blog.pk}/posts", {"published": "yesterday"}),
        api.get(f"blogs/{blog.pk}/posts?maxResults=1000"),
        api.get(f"blogs/{blog.pk}/posts?status=secret"),
        api.get(f"blogs/{blog.pk}/posts/search"),
    ]
    assert [answer.status_code for answer in cases] == [400] * len(cases)
    assert all(answer.json()["error"]["message"] for answer in cases)
    assert api.get("blogs/99999999999999999999/posts").status_code == 404
    assert reason(api.get("no/such/thing")) == "notFound"
    wrong = api.send("PUT", f"blogs/{blog.pk}/posts")
    assert wrong.status_code == 405 and "GET" in wrong["Allow"]


def test_a_body_past_the_size_bound_is_a_json_error(blog, author, api_for, settings):
    settings.MAX_POST_BYTES = 1000
    api = api_for(author)
    answer = api.send("POST", f"blogs/{blog.pk}/posts", {"title": "T", "content": "é" * 600})
    assert answer.status_code == 400 and "at most 1,000 bytes" in answer.json()["error"]["message"]
    assert not Post.objects.exists()


def test_bypath_and_search_find_live_posts(blog, author, post, api_for):
    api = api_for(author)
    found = api.get(f"blogs/{blog.pk}/posts/bypath?path={post.permalink}")
    assert found.json()["id"] == str(post.pk)
    assert api.get(f"blogs/{blog.pk}/posts/bypath?path=/2001/01/none.html").status_code == 404
    hits = api.get(f"blogs/{blog.pk}/posts/search?q=garden").json()["items"]
    assert [hit["id"] for hit in hits] == [str(post.pk)]


def test_publishing_at_a_date_ahead_schedules_and_put_replaces(blog, author, api_for):
    api = api_for(author)
    made = api.send(
        "POST", f"blogs/{blog.pk}/posts?isDraft=true", {"title": "Soon", "labels": ["a"]}
    )
    pk = made.json()["id"]
    ahead = api.send("POST", f"blogs/{blog.pk}/posts/{pk}/publish?publishDate=2999-01-01T00:00:00Z")
    assert ahead.json()["status"] == "SCHEDULED"
    replaced = api.send(
        "PUT", f"blogs/{blog.pk}/posts/{pk}", {"title": "Later", "content": "<p>x</p>"}
    )
    assert replaced.json()["labels"] == [] and replaced.json()["status"] == "SCHEDULED"


@override_settings(AXES_FAILURE_LIMIT=2)
def test_guessing_app_passwords_is_answered_429(blog, author, api_for):
    wrong = Api("bsp_guess")
    assert [wrong.get(f"blogs/{blog.pk}").status_code for _ in range(2)] == [401, 401]
    throttled = wrong.get(f"blogs/{blog.pk}")
    assert throttled.status_code == 429 and reason(throttled) == "rateLimitExceeded"


def test_a_list_takes_as_many_queries_for_ten_posts_as_for_one(blog, author, make_post, api_for):
    api = api_for(author)
    make_post("First", labels=("a",))
    api.get(f"blogs/{blog.pk}/posts")  # the app password's last use is written once
    with CaptureQueriesContext(connection) as one:
        api.get(f"blogs/{blog.pk}/posts")
    for number in range(9):
        make_post(f"Post {number}", labels=("a", f"l{number}"))
    with CaptureQueriesContext(connection) as ten:
        answer = api.get(f"blogs/{blog.pk}/posts")
    assert len(answer.json()["items"]) == 10
    assert len(ten.captured_queries) == len(one.captured_queries)
