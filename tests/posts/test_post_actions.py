"""The editor's post actions (posts.actions): role rules, states, permalinks, revisions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from broadsheet.blogs.access import NotAllowed
from broadsheet.blogs.models import Blog, Membership
from broadsheet.posts.actions import (
    Content,
    Intent,
    autosave,
    pending_autosave,
    restore,
    restore_revision,
    trash,
    write_post,
)
from broadsheet.posts.models import Autosave, Post
from tests.studio.conftest import NOON, write

LATER = NOON + dt.timedelta(days=2)
TEXT = Content(title="Seed potatoes", source="Chitting *now*.", labels=("spring",))


def role(blog: Blog, user: object) -> Membership:
    found = Membership.of(user, blog)  # type: ignore[arg-type]
    assert found is not None
    return found


def test_author_publishes_with_a_permalink_from_the_title(blog, author):
    post = write_post(role(blog, author), None, TEXT, Intent.PUBLISH, now=NOON)
    assert post.status == Post.Status.PUBLISHED
    assert post.permalink == "/2024/10/seed-potatoes.html"
    assert post.is_public(NOON)
    assert list(post.labels.values_list("name", flat=True)) == ["spring"]


def test_contributor_cannot_publish_or_schedule(blog, contributor):
    kit = role(blog, contributor)
    with pytest.raises(NotAllowed):
        write_post(kit, None, TEXT, Intent.PUBLISH, now=NOON)
    future = Content(title="x", source="", publish_at=LATER)
    with pytest.raises(NotAllowed):
        write_post(kit, None, future, Intent.SCHEDULE, now=NOON)
    assert not Post.objects.exists()


def test_contributor_saves_drafts_but_cannot_change_a_published_post(blog, contributor):
    kit = role(blog, contributor)
    draft = write_post(kit, None, TEXT, Intent.DRAFT, now=NOON)
    assert draft.status == Post.Status.DRAFT
    draft.status = Post.Status.PUBLISHED
    draft.save()
    with pytest.raises(NotAllowed):
        write_post(kit, draft, TEXT, Intent.DRAFT, now=NOON)


def test_author_cannot_change_another_authors_post(blog, author, other_author):
    theirs = write(blog, other_author)
    with pytest.raises(NotAllowed):
        write_post(role(blog, author), theirs, TEXT, Intent.DRAFT, now=NOON)
    with pytest.raises(NotAllowed):
        trash(role(blog, author), theirs)


def test_admin_changes_any_post_of_the_blog_but_not_another_blogs(blog, other_blog, admin):
    mine = write(blog, None)
    elsewhere = write(other_blog, None)
    grace = role(blog, admin)
    write_post(grace, mine, TEXT, Intent.DRAFT, now=NOON)
    with pytest.raises(NotAllowed):
        write_post(grace, elsewhere, TEXT, Intent.DRAFT, now=NOON)


def test_schedule_needs_a_time_ahead(blog, author):
    ada = role(blog, author)
    for when in (None, NOON - dt.timedelta(minutes=1), NOON):
        with pytest.raises(ValidationError) as caught:
            write_post(
                ada, None, Content(title="x", source="", publish_at=when), Intent.SCHEDULE, now=NOON
            )
        assert "future" in caught.value.message_dict["publish_at"][0]


def test_a_scheduled_post_goes_public_at_its_time(blog, author):
    content = Content(title="Frost", source="Again.", publish_at=LATER)
    post = write_post(role(blog, author), None, content, Intent.SCHEDULE, now=NOON)
    assert post.status == Post.Status.SCHEDULED
    assert not Post.objects.public(blog, NOON).exists()
    assert Post.objects.public(blog, LATER).get() == post
    assert list(Post.objects.scheduled(NOON)) == [post]


def test_custom_permalink_already_taken_this_month_is_refused(blog, author):
    ada = role(blog, author)
    write_post(
        ada, None, Content(title="A", source="", permalink="plot-14"), Intent.PUBLISH, now=NOON
    )
    with pytest.raises(ValidationError) as caught:
        write_post(
            ada, None, Content(title="B", source="", permalink="plot-14"), Intent.PUBLISH, now=NOON
        )
    assert "/2024/10/plot-14.html" in caught.value.message_dict["permalink"][0]


def test_a_draft_remembers_its_custom_permalink(blog, author):
    ada = role(blog, author)
    post = write_post(
        ada, None, Content(title="A", source="", permalink="my-plot"), Intent.DRAFT, now=NOON
    )
    assert post.slug == "my-plot" and post.permalink == ""
    post = write_post(
        ada, post, Content(title="A", source="", permalink="my-plot"), Intent.PUBLISH, now=NOON
    )
    assert post.permalink == "/2024/10/my-plot.html"


def test_permalink_and_date_stay_once_readers_saw_the_post(blog, author):
    ada = role(blog, author)
    post = write_post(ada, None, TEXT, Intent.PUBLISH, now=NOON)
    renamed = Content(title="Another title", source="", permalink="elsewhere")
    post = write_post(ada, post, renamed, Intent.DRAFT, now=LATER)
    assert post.status == Post.Status.DRAFT
    assert (post.permalink, post.published_at) == ("/2024/10/seed-potatoes.html", NOON)
    post = write_post(ada, post, renamed, Intent.PUBLISH, now=LATER)
    assert (post.permalink, post.published_at) == ("/2024/10/seed-potatoes.html", NOON)


def test_trash_takes_a_post_off_the_site_and_restore_brings_it_back_as_a_draft(blog, author):
    ada = role(blog, author)
    post = write_post(ada, None, TEXT, Intent.PUBLISH, now=NOON)
    trash(ada, post, now=LATER)
    assert post.status == Post.Status.TRASH and post.trashed_at == LATER
    assert not Post.objects.public(blog, LATER).exists()
    assert not post.is_public(LATER)
    restore(ada, post)
    assert post.status == Post.Status.DRAFT and post.permalink == "/2024/10/seed-potatoes.html"
    assert not Post.objects.public(blog, LATER).exists()


def test_a_trashed_post_is_restored_before_it_is_edited(blog, author):
    ada = role(blog, author)
    post = write_post(ada, None, TEXT, Intent.DRAFT, now=NOON)
    trash(ada, post)
    with pytest.raises(NotAllowed):
        write_post(ada, post, TEXT, Intent.DRAFT, now=NOON)
    with pytest.raises(NotAllowed):
        trash(ada, post)


def test_each_save_that_changes_the_text_keeps_a_revision(blog, author):
    ada = role(blog, author)
    post = write_post(ada, None, TEXT, Intent.DRAFT, now=NOON)
    write_post(ada, post, TEXT, Intent.DRAFT, now=NOON)  # same text: no new revision
    write_post(
        ada, post, Content(title="Seed potatoes", source="Planted."), Intent.PUBLISH, now=NOON
    )
    assert [r.source for r in post.revisions.all()] == ["Planted.", "Chitting *now*."]


def test_restoring_a_revision_publishes_its_text_and_keeps_the_replaced_one(blog, author):
    ada = role(blog, author)
    post = write_post(ada, None, TEXT, Intent.PUBLISH, now=NOON)
    write_post(ada, post, Content(title="Seed potatoes", source="Eaten."), Intent.PUBLISH, now=NOON)
    first = post.revisions.last()
    restore_revision(ada, first, now=LATER)
    post.refresh_from_db()
    assert post.source == "Chitting *now*." and "<em>now</em>" in post.body_html
    assert post.revisions.first().note.startswith("Restored the version of")
    assert post.revisions.filter(source="Eaten.").exists()


def test_another_author_cannot_restore_a_revision(blog, author, other_author):
    post = write_post(role(blog, author), None, TEXT, Intent.DRAFT, now=NOON)
    with pytest.raises(NotAllowed):
        restore_revision(role(blog, other_author), post.revisions.get())


def test_autosave_keeps_one_row_and_saving_drops_it(blog, author):
    ada = role(blog, author)
    autosave(ada, None, "post", Content(title="Half", source="a"), now=NOON)
    autosave(ada, None, "post", Content(title="Half a", source="ab"), now=LATER)
    assert Autosave.objects.get().title == "Half a"
    assert pending_autosave(ada, None, "post").source == "ab"
    post = write_post(ada, None, TEXT, Intent.DRAFT, now=LATER)
    assert not Autosave.objects.exists()
    autosave(
        ada, post, "post", Content(title="T", source="more"), now=LATER + dt.timedelta(seconds=5)
    )
    assert pending_autosave(ada, post, "post").source == "more"


def test_autosave_follows_the_editing_rules(blog, author, other_author, contributor):
    theirs = write(blog, other_author)
    with pytest.raises(NotAllowed):
        autosave(role(blog, author), theirs, "post", TEXT)
    with pytest.raises(NotAllowed):
        autosave(role(blog, contributor), None, "page", TEXT)
