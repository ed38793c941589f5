"""The post editor: new and edit, each button, and bad input handed back with everything typed."""

from __future__ import annotations

import datetime as dt

import time_machine

from broadsheet.posts.models import Autosave, Post
from tests.studio.conftest import NOON, editor_data, url, write

NOW = dt.datetime(2024, 10, 20, 19, 0, tzinfo=dt.UTC)  # noon in Los Angeles, the blog's zone


def post_new(client, **data):
    with time_machine.travel(NOW, tick=False):
        return client.post(url("post-new", "notes"), editor_data(**data))


def test_editor_has_labelled_fields(author, signed_in):
    page = signed_in(author).get(url("post-new", "notes")).content.decode()
    for label in [
        "Title",
        "Body",
        "Labels",
        "Custom permalink",
        "Search description",
        "Publish date and time",
    ]:
        assert f">{label}</label>" in page, label
    assert "<legend>Format</legend>" in page and "<legend>Reader comments</legend>" in page
    assert (
        'src="/static/studio/editor.js"' in page and "<script>" not in page and "style=" not in page
    )


def test_save_a_draft(author, signed_in):
    response = post_new(signed_in(author))
    post = Post.objects.get()
    assert response["Location"] == url("post-edit", "notes", post.pk)
    assert (post.status, post.author, post.title) == ("draft", author, "Seed potatoes")
    assert sorted(post.labels.values_list("name", flat=True)) == ["potatoes", "spring"]


def test_publish_now_and_read_it(author, signed_in, client):
    signed_in_client = signed_in(author)
    post_new(signed_in_client, intent="publish", permalink="seed-spuds")
    post = Post.objects.get()
    assert post.permalink == "/2024/10/seed-spuds.html" and post.published_at == NOW
    with time_machine.travel(NOW, tick=False):
        page = client.get(post.permalink)
    assert page.status_code == 200 and b"<em>windowsill</em>" in page.content
    edit = signed_in_client.get(url("post-edit", "notes", post.pk)).content.decode()
    assert "Published" in edit and "View on the blog" in edit and "Revert to draft" in edit


def test_schedule_in_the_blogs_time_zone(author, signed_in):
    client = signed_in(author)
    response = post_new(client, intent="schedule", publish_at="2024-10-21T09:30")
    post = Post.objects.get()
    assert post.status == "scheduled"
    assert post.published_at == dt.datetime(2024, 10, 21, 16, 30, tzinfo=dt.UTC)  # 09:30 PDT
    with time_machine.travel(NOW, tick=False):
        follow = client.get(response["Location"]).content.decode()
    assert "Scheduled for Monday 21 October 2024 at 09:30 (America/Los_Angeles)" in follow
    assert 'value="2024-10-21T09:30"' in follow


def test_empty_title_is_explained_next_to_the_field_and_the_text_kept(author, signed_in):
    response = post_new(signed_in(author), title="", source="Every *word* I typed.", labels="kept")
    page = response.content.decode()
    assert response.status_code == 400
    assert '<ul class="errorlist" id="id_title_error"><li>Give the post a title.</li></ul>' in page
    assert 'aria-invalid="true"' in page
    assert "Every *word* I typed." in page and 'value="kept"' in page
    assert not Post.objects.exists()


def test_a_schedule_date_in_the_past_is_explained(author, signed_in):
    response = post_new(signed_in(author), intent="schedule", publish_at="2024-10-19T09:00")
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_publish_at_error"><li>Choose a date and time in the future' in page
    assert 'value="2024-10-19T09:00"' in page and "Seed potatoes" in page
    assert not Post.objects.exists()


def test_a_duplicate_permalink_is_explained(author, signed_in):
    client = signed_in(author)
    post_new(client, intent="publish", permalink="spuds")
    response = post_new(client, intent="publish", permalink="spuds", title="Second")
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        'id="id_permalink_error"><li>Another post already has the address /2024/10/spuds.html'
        in page
    )
    assert 'value="Second"' in page and 'value="spuds"' in page
    assert Post.objects.count() == 1


def test_a_bad_permalink_and_label_are_explained(author, signed_in):
    page = post_new(signed_in(author), permalink="no spaces/please", labels="a+b").content.decode()
    assert 'id="id_permalink_error"' in page and 'id="id_labels_error"' in page


def test_no_script_preview_renders_without_saving(author, signed_in):
    response = post_new(
        signed_in(author), intent="preview", source="# Heading\n\n<script>x</script>ok"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Heading</h1>" in page and "<script>x" not in page
    assert not Post.objects.exists()


def test_unknown_button_is_a_bad_request(author, signed_in):
    assert post_new(signed_in(author), intent="explode").status_code == 400


def test_edit_changes_the_post_and_drops_the_autosave(blog, author, signed_in):
    post = write(blog, author)
    Autosave.objects.create(
        user=author, blog=blog, kind="post", post=post, title="t", saved_at=NOON
    )
    client = signed_in(author)
    assert client.get(url("post-edit", "notes", post.pk)).status_code == 200
    client.post(url("post-edit", "notes", post.pk), editor_data(title="Renamed"))
    post.refresh_from_db()
    assert post.title == "Renamed" and not Autosave.objects.exists()


def test_editor_shows_newer_autosaved_text_instead_of_the_saved_one(blog, author, signed_in):
    post = write(blog, author, source="Saved text")
    Autosave.objects.create(
        user=author,
        blog=blog,
        kind="post",
        post=post,
        title="Rhubarb notes",
        source="Autosaved text",
        saved_at=post.updated_at + dt.timedelta(minutes=1),
    )
    page = signed_in(author).get(url("post-edit", "notes", post.pk)).content.decode()
    assert "Autosaved text" in page and "Saved text" not in page
    assert "Discard it and show the saved version" in page


def test_edit_someone_elses_post_is_404(blog, other_author, author, signed_in):
    theirs = write(blog, other_author)
    assert signed_in(author).get(url("post-edit", "notes", theirs.pk)).status_code == 404
    assert signed_in(author).get(url("post-edit", "notes", 999999)).status_code == 404


def test_editor_method_and_csrf(blog, author, signed_in):
    post = write(blog, author)
    assert signed_in(author).put(url("post-edit", "notes", post.pk)).status_code == 405
    assert signed_in(author).delete(url("post-new", "notes")).status_code == 405
    strict = signed_in(author, csrf=True)
    assert (
        strict.post(url("post-edit", "notes", post.pk), editor_data(title="No")).status_code == 403
    )
    assert strict.post(url("post-new", "notes"), editor_data()).status_code == 403
    post.refresh_from_db()
    assert post.title == "Rhubarb notes" and Post.objects.count() == 1


def test_robots_tags_are_saved_and_shown_again(author, signed_in):
    client = signed_in(author)
    post_new(client, robots="noindex, nofollow")
    post = Post.objects.get()
    assert post.robots == "noindex, nofollow"
    page = client.get(url("post-edit", "notes", post.pk)).content.decode()
    assert '<option value="noindex, nofollow" selected>' in page


def test_an_unknown_robots_tag_is_explained(author, signed_in):
    response = post_new(signed_in(author), robots="index-everything-twice")
    assert response.status_code == 400 and 'id="id_robots_error"' in response.content.decode()
    assert not Post.objects.exists()


def test_a_body_past_the_size_bound_is_explained_and_kept(author, signed_in, settings):
    settings.MAX_POST_BYTES = 1000
    source = "Every word I typed. " + "é" * 600  # 600 characters, 1,200 bytes
    response = post_new(signed_in(author), source=source)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_source_error"' in page and "at most 1,000 bytes" in page
    assert source in page and not Post.objects.exists()
