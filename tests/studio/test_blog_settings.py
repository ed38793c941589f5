"""The settings page: every setting of the Blog model, and the live date example."""

from __future__ import annotations

import datetime as dt

import time_machine

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Post
from tests.studio.conftest import NOON, url, write

SETTINGS = {
    "title": "Field Notes, Again",
    "description": "Still small observations.",
    "slug": "notes",
    "custom_domain": "Notes.Example.org",
    "time_zone": "Europe/Paris",
    "language": "fr",
    "date_header_format": "l j F Y",
    "time_format": "H:i",
    "posts_per_page": "5",
    "featured_post": "",
    "comments_enabled": "on",
    "who_can_comment": "members",
    "moderation": "older",
    "moderation_after_days": "30",
    "comment_form_message": "Be kind.",
    "feed_content": "summary",
    "is_private": "on",
    "hide_from_search_engines": "on",
}
# The same settings on a blog readers and crawlers can see.
SETTINGS_PUBLIC = {
    key: value
    for key, value in SETTINGS.items()
    if key not in {"is_private", "hide_from_search_engines", "custom_domain", "slug"}
} | {"slug": "notes"}


def test_every_setting_is_on_the_page(blog, admin, signed_in):
    page = signed_in(admin).get(url("blog-settings", blog.slug)).content.decode()
    for name in SETTINGS:
        assert f'name="{name}"' in page, name
    assert 'id="date-example"' in page and "Example:" in page


def test_admin_saves_every_setting(blog, admin, signed_in):
    featured = write(blog, admin, "Pinned", status=Post.Status.PUBLISHED, published_at=NOON)
    version = blog.content_version
    response = signed_in(admin).post(
        url("blog-settings", blog.slug), SETTINGS | {"featured_post": featured.pk}
    )
    assert response["Location"] == url("blog-settings", "notes")
    blog.refresh_from_db()
    assert blog.title == "Field Notes, Again"
    assert blog.custom_domain == "notes.example.org"
    assert (blog.time_zone, blog.language, blog.posts_per_page) == ("Europe/Paris", "fr", 5)
    assert (blog.who_can_comment, blog.moderation, blog.moderation_after_days) == (
        "members",
        "older",
        30,
    )
    assert (blog.feed_content, blog.is_private, blog.hide_from_search_engines) == (
        "summary",
        True,
        True,
    )
    assert blog.featured_post == featured
    assert blog.content_version > version


def test_bad_settings_are_explained_next_to_their_fields(blog, admin, signed_in):
    bad = SETTINGS | {"time_zone": "Mars/Olympus", "posts_per_page": "0", "title": ""}
    response = signed_in(admin).post(url("blog-settings", blog.slug), bad)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_time_zone_error"' in page and 'id="id_posts_per_page_error"' in page
    assert 'value="Still small observations."' not in page  # textarea: kept as its content
    assert "Still small observations." in page
    blog.refresh_from_db()
    assert blog.title == "Field Notes"


def test_only_a_superuser_moves_the_default_blog(
    blog, other_blog, outsider, signed_in, django_user_model
):
    assert (
        'name="is_default"'
        not in signed_in(outsider).get(url("blog-settings", other_blog.slug)).content.decode()
    )
    boss = django_user_model.objects.create_superuser("boss", "b@example.com", "pw")
    data = SETTINGS | {"slug": "other", "custom_domain": "", "is_default": "on"}
    assert signed_in(boss).post(url("blog-settings", other_blog.slug), data).status_code == 302
    assert Blog.objects.get(is_default=True) == other_blog


def test_settings_of_another_blog_are_404_and_authors_get_403(
    blog, other_blog, admin, author, signed_in
):
    assert signed_in(admin).get(url("blog-settings", other_blog.slug)).status_code == 404
    assert signed_in(author).post(url("blog-settings", blog.slug), SETTINGS).status_code == 403
    blog.refresh_from_db()
    assert blog.title == "Field Notes"


def test_settings_method_and_csrf(blog, admin, signed_in):
    assert signed_in(admin).delete(url("blog-settings", blog.slug)).status_code == 405
    assert (
        signed_in(admin, csrf=True).post(url("blog-settings", blog.slug), SETTINGS).status_code
        == 403
    )


def test_date_example_formats_today_in_the_blogs_zone_and_language(blog, admin, signed_in):
    with time_machine.travel(dt.datetime(2024, 10, 20, 3, 0, tzinfo=dt.UTC), tick=False):
        answer = signed_in(admin).get(
            url("date-example", blog.slug), {"format": "l j F Y", "language": "fr"}
        )
    # 03:00 UTC is still Saturday evening in Los Angeles.
    assert answer.json() == {"example": "samedi 19 octobre 2024"}


def test_date_example_survives_nonsense(blog, admin, signed_in):
    answer = signed_in(admin).get(
        url("date-example", blog.slug), {"format": "\\", "language": "!!"}
    )
    assert answer.status_code == 200 and isinstance(answer.json()["example"], str)


def test_date_example_rules(blog, other_blog, admin, signed_in):
    assert signed_in(admin).get(url("date-example", other_blog.slug)).status_code == 404
    assert signed_in(admin).post(url("date-example", blog.slug)).status_code == 405


def test_admin_writes_a_custom_robots_txt(blog, admin, signed_in, client):
    rules = "User-agent: *\r\nDisallow: /p/\r\n"
    signed_in(admin).post(
        url("blog-settings", blog.slug), SETTINGS_PUBLIC | {"custom_robots_txt": rules}
    )
    assert client.get("/robots.txt").content.decode() == "User-agent: *\nDisallow: /p/\n"


def test_a_robots_txt_that_is_not_rules_is_explained_and_kept(blog, admin, signed_in):
    typed = "<p>No robots please</p>"
    response = signed_in(admin).post(
        url("blog-settings", blog.slug), SETTINGS_PUBLIC | {"custom_robots_txt": typed}
    )
    page = response.content.decode()
    assert response.status_code == 400 and 'id="id_custom_robots_txt_error"' in page
    assert "Line 1 is not a rule" in page and "&lt;p&gt;No robots please&lt;/p&gt;" in page
    blog.refresh_from_db()
    assert blog.custom_robots_txt == ""


def test_admin_sets_a_not_found_message_and_readers_see_it(blog, admin, signed_in, client):
    version = blog.content_version
    message = "Nothing here; try the <em>archive</em>."
    signed_in(admin).post(
        url("blog-settings", blog.slug), SETTINGS_PUBLIC | {"not_found_message": message}
    )
    blog.refresh_from_db()
    assert blog.not_found_message == message and blog.content_version > version
    assert message in client.get("/no/such/page").content.decode()


def test_a_not_found_message_past_its_limit_is_explained(blog, admin, signed_in):
    response = signed_in(admin).post(
        url("blog-settings", blog.slug), SETTINGS_PUBLIC | {"not_found_message": "x" * 2001}
    )
    assert response.status_code == 400
    assert 'id="id_not_found_message_error"' in response.content.decode()


def test_admin_turns_share_links_off(blog, admin, signed_in, client):
    post = write(blog, admin, "Shared", status=Post.Status.PUBLISHED, published_at=NOON)
    assert 'class="share-links"' in client.get(post.permalink).content.decode()
    signed_in(admin).post(url("blog-settings", blog.slug), SETTINGS_PUBLIC)  # unticked
    blog.refresh_from_db()
    assert blog.share_links is False
    assert 'class="share-links"' not in client.get(post.permalink).content.decode()
