"""The post stamps' triggers (`publish.poststamps`): every write of what a post's page shows
of its comments and reactions, whoever makes it (an action, an inbox, a bulk update, a plain
delete), draws the post's stamp again and logs an edit of it; writes of what no page shows
leave both alone; a migration takes the triggers out of its way and puts them back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.db import connection

from broadsheet.blogs.models import Blog, Membership
from broadsheet.comments import actions as comments
from broadsheet.comments.models import Comment
from broadsheet.federation.models import Reaction, RemoteActor
from broadsheet.posts import triggers
from broadsheet.posts.models import Post
from broadsheet.publish import changelog, poststamps
from broadsheet.publish.models import Change
from broadsheet.reader import postpage
from broadsheet.webmention import queries as webmention_queries
from broadsheet.webmention.models import Mention
from tests.conftest import MakeComment, MakePost


@dataclass
class Scene:
    """A post with a comment shown, one held, a Webmention like and a fediverse boost."""

    post: Post
    member: Membership
    shown: Comment
    held: Comment
    like: Mention
    boost: Reaction
    remote: RemoteActor


@pytest.fixture
def scene(make_post: MakePost, make_comment: MakeComment, admin: User, blog: Blog) -> Scene:
    post = make_post("Rhubarb, forced")
    member = Membership.objects.get(user=admin, blog=blog)
    shown = make_comment(post, "Mine too.")
    held = make_comment(post, "Buy seeds here.", status=Comment.Status.PENDING)
    like = Mention.objects.create(post=post, source="https://site.example/1", kind="like")
    remote = RemoteActor.objects.create(
        uri="https://peer.example/u/a", key_id="https://peer.example/u/a#key",
        public_key_pem="-", inbox="https://peer.example/inbox", domain="peer.example",
    )  # fmt: skip
    boost = Reaction.objects.create(
        post=post, kind="announce", activity_id="https://peer.example/a/1", remote=remote
    )
    return Scene(post, member, shown, held, like, boost, remote)


def stamp(post: Post) -> int | None:
    return poststamps.of_posts([post.pk]).get(post.pk)


def a_comment_published(s: Scene) -> None:
    comments.add_comment(
        Comment(post=s.post, body="Ours too.", author_name="Cy", status=Comment.Status.PUBLISHED)
    )


def a_held_comment_approved(s: Scene) -> None:
    comments.approve(s.member, s.held)


def a_comment_revised(s: Scene) -> None:
    comments.revise(s.shown, "Mine too, and the chard.")


def a_comment_deleted(s: Scene) -> None:
    comments.delete(s.member, s.shown)


def a_comment_marked_spam(s: Scene) -> None:
    comments.mark_spam(s.member, s.shown)


def a_comment_removed_outright(s: Scene) -> None:
    s.shown.delete()  # the ORM's own delete, as a cascade or an operator's shell


def comments_rewritten_in_bulk(s: Scene) -> None:
    Comment.objects.filter(post=s.post).update(author_name="Anonymous")  # no action, no save()


def a_web_like(s: Scene) -> None:
    Mention.objects.create(post=s.post, source="https://site.example/2", kind="like")


def a_web_like_gone(s: Scene) -> None:
    s.like.delete()


def a_like_become_a_repost(s: Scene) -> None:
    Mention.objects.filter(pk=s.like.pk).update(kind="repost")


def a_fediverse_like(s: Scene) -> None:
    Reaction.objects.create(
        post=s.post, kind="like", activity_id="https://peer.example/a/2", remote=s.remote
    )


def a_fediverse_boost_undone(s: Scene) -> None:
    s.boost.delete()


def a_held_comment_arrives(s: Scene) -> None:
    comments.add_comment(Comment(post=s.post, body="Cheap pills.", author_name="Dee"))


def a_held_comment_marked_spam(s: Scene) -> None:
    comments.mark_spam(s.member, s.held)


def the_filter_trained_on_a_shown_comment(s: Scene) -> None:
    Comment.objects.filter(pk=s.shown.pk).update(trained_as="ham", spam_score=0.1)


def a_plain_mention(s: Scene) -> None:
    Mention.objects.create(post=s.post, source="https://site.example/3", kind="mention")


def a_like_seen_again(s: Scene) -> None:
    Mention.objects.filter(pk=s.like.pk).update(author_name="Ann")  # not shown: counted only


MOVES = [
    a_comment_published,
    a_held_comment_approved,
    a_comment_revised,
    a_comment_deleted,
    a_comment_marked_spam,
    a_comment_removed_outright,
    comments_rewritten_in_bulk,
    a_web_like,
    a_web_like_gone,
    a_like_become_a_repost,
    a_fediverse_like,
    a_fediverse_boost_undone,
]
STAYS = [
    a_held_comment_arrives,
    a_held_comment_marked_spam,
    the_filter_trained_on_a_shown_comment,
    a_plain_mention,
    a_like_seen_again,
]


def edits_logged(post: Post, after: int) -> list[bool]:
    """The `moved` marks of the changes of `post` logged after number `after`."""
    found = Change.objects.filter(blog_id=post.blog_id, seq__gt=after, post_id=post.pk)
    return list(found.values_list("moved", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("write", MOVES + STAYS, ids=lambda write: write.__name__)
def test_a_write_of_what_a_post_page_shows_moves_its_stamp_and_logs_an_edit(
    write: Callable[[Scene], None], scene: Scene
) -> None:
    before, (seq, _) = stamp(scene.post), changelog.head(scene.post.blog_id)
    assert before is not None  # its comment and reactions drew it
    write(scene)
    if write in MOVES:
        assert stamp(scene.post) != before
        # An edit of the post in its place: the plan of the changes keys its page again.
        assert False in edits_logged(scene.post, seq)
    else:
        assert stamp(scene.post) == before
        assert edits_logged(scene.post, seq) == []


@pytest.mark.django_db
def test_a_comment_moved_to_another_post_moves_the_stamps_of_both(
    scene: Scene, make_post: MakePost
) -> None:
    other = make_post("Leeks")
    assert stamp(other) is None  # nothing on its page yet
    before, (seq, _) = stamp(scene.post), changelog.head(scene.post.blog_id)
    Comment.objects.filter(pk=scene.shown.pk).update(post=other)
    assert stamp(other) is not None and stamp(scene.post) != before
    assert False in edits_logged(other, seq) and False in edits_logged(scene.post, seq)


def test_the_triggers_watch_what_the_post_page_reads() -> None:
    """Written out in `poststamps` (kept off start-up's imports): the same as the reader's."""
    shown = tuple("id" if name == "pk" else name for name in postpage.SHOWN_FIELDS)
    assert shown == poststamps.THREAD_COLUMNS
    assert set(poststamps.THREAD) == set(postpage.THREAD_STATUSES)
    assert set(poststamps.COUNTED) == set(webmention_queries.SHOWN)
    tables = [table for table, *_ in poststamps.WATCHED]
    assert tables == [model._meta.db_table for model in (Comment, Mention, Reaction)]


@pytest.fixture
def restored() -> Iterator[None]:
    yield
    triggers.repair(connection)  # whatever the test did, the next one has its triggers


@pytest.mark.django_db(transaction=True)
def test_a_migration_takes_the_triggers_away_and_after_it_every_stamp_is_drawn_again(
    scene: Scene, restored: None
) -> None:
    """What is written while a migration runs moves no stamp: put back, the triggers draw
    every stamp again, and the change log has the next export plan the whole blog."""
    before, (seq, _) = stamp(scene.post), changelog.head(scene.post.blog_id)
    triggers.before_migrate(plan=[("a migration", False)])
    assert not poststamps.trigger_names() & triggers.present(connection)
    comments.revise(scene.shown, "Written while the migration ran.")
    assert stamp(scene.post) == before  # no trigger saw it
    triggers.after_migrate()
    assert poststamps.trigger_names() <= triggers.present(connection)
    assert stamp(scene.post) != before
    whole = Change.objects.filter(blog_id=scene.post.blog_id, seq__gt=seq, post_id=None)
    assert whole.exists()


@pytest.mark.django_db(transaction=True)
def test_only_the_post_stamps_missing_are_made_again_with_their_stamps_drawn(
    scene: Scene, restored: None
) -> None:
    before = stamp(scene.post)
    poststamps.uninstall(connection)
    assert triggers.repair(connection) == ["poststamps"]
    assert stamp(scene.post) != before
