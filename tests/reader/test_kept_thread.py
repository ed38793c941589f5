"""A post's comment thread and reaction counts are drawn once and kept in the process
(`reader.thread.kept`, `reader.views.reactions`) under a stamp the database moves in the transaction of every write to what they show: whoever
writes, through our actions or around them, the next reader sees them as they are now. What
else the thread is drawn from (the post's address, whether replies are open, the blog's zone
and time format) is in the key as well."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from broadsheet.blogs.actions import bump_content_version
from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.federation.models import Reaction, RemoteActor
from broadsheet.posts.actions import save_post
from broadsheet.posts.models import Post, ReaderComments
from broadsheet.reader import prepared, thread
from broadsheet.reader.drawn import Drawings
from broadsheet.webmention.models import Mention
from tests.conftest import NOON, MakeComment, MakePost

pytestmark = pytest.mark.django_db


@pytest.fixture
def talked_about(make_post: MakePost, make_comment: MakeComment) -> Post:
    post = make_post("Slug pellets")
    first = make_comment(post, "Beer traps work better.", author_name="Ada")
    make_comment(post, "Copper tape, say I.", parent=first, author_name="Bob")
    make_comment(post, "Frogs.", author_name="Cy", created_at=NOON + dt.timedelta(hours=2))
    return post


def page(client: Client, post: Post) -> str:
    response = client.get(post.permalink)
    assert response.status_code == 200
    return response.content.decode()


def thread_of(html: str) -> str:
    start = html.index('<ol class="comment-thread">')
    return html[start : html.index("</section>", start)]


def comment(post: Post, body: str) -> Comment:
    return Comment.objects.get(post=post, body=body)


def moved_by_hand(write: Callable[[], object], blog: Blog) -> None:
    """A write by no action of ours (a shell, a script, raw SQL), then the blog's content
    version moved, as such a writer is told to: only the stamp can tell the thread moved."""
    write()
    bump_content_version(blog)


# Each write around the actions, and what the next reader must see after it.
WRITES: dict[str, tuple[Callable[[Post], object], Callable[[str], bool]]] = {
    "a body revised": (
        lambda post: Comment.objects.filter(pk=comment(post, "Frogs.").pk).update(
            body="Toads.", body_html="<p>Toads.</p>"
        ),
        lambda html: "Toads." in html and "Frogs." not in html,
    ),
    "a name changed": (
        lambda post: Comment.objects.filter(author_name="Cy").update(author_name="Cyrus"),
        lambda html: "Cyrus" in html,
    ),
    "a comment removed": (
        lambda post: Comment.objects.filter(author_name="Cy").update(status="trash"),
        lambda html: "Frogs." not in html,
    ),
    "a comment with a reply removed": (
        lambda post: Comment.objects.filter(author_name="Ada").update(status="trash"),
        lambda html: "This comment has been removed." in html and "Copper tape" in html,
    ),
    "a reply moved to the top": (
        lambda post: Comment.objects.filter(author_name="Bob").update(parent=None),
        lambda html: 'class="comment-replies"' not in html,
    ),
    "a comment deleted": (
        lambda post: Comment.objects.filter(author_name="Cy").delete(),
        lambda html: "Frogs." not in html,
    ),
    "a comment written in": (
        lambda post: Comment.objects.create(
            post=post,
            author_name="Di",
            body="Nematodes.",
            body_html="<p>Nematodes.</p>",
            status="published",
        ),
        lambda html: "Nematodes." in html,
    ),
    "a held comment let through": (
        lambda post: Comment.objects.filter(author_name="Cy").update(status="published"),
        lambda html: "Frogs." in html,
    ),
    "a comment's time moved": (
        lambda post: Comment.objects.filter(author_name="Cy").update(
            created_at=dt.datetime(2019, 7, 4, 9, 15, tzinfo=dt.UTC)
        ),
        lambda html: "2019-07-04" in html,
    ),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_a_write_around_the_actions_is_on_the_next_readers_page(
    client: Client, talked_about: Post, name: str
) -> None:
    write, shows = WRITES[name]
    if name == "a held comment let through":
        Comment.objects.filter(author_name="Cy").update(status="pending")
        bump_content_version(talked_about.blog)
    before = page(client, talked_about)
    assert not shows(before)
    moved_by_hand(lambda: write(talked_about), talked_about.blog)
    assert shows(page(client, talked_about))


def test_a_comment_on_another_post_leaves_this_thread_drawn(
    client: Client, talked_about: Post, make_post: MakePost, make_comment: MakeComment
) -> None:
    """The point of keeping them: the miss after a comment elsewhere reads no comments and
    counts no reactions. The comment on this post is read again, and shown."""
    first = page(client, talked_about)
    make_comment(make_post("Leeks"), "Elsewhere.")
    with CaptureQueriesContext(connection) as queries:
        again = page(client, talked_about)
    assert thread_of(again) == thread_of(first)
    read = " ".join(q["sql"] for q in queries.captured_queries)
    for table in ("comments_comment", "federation_reaction", "webmention_mention"):
        assert table not in read
    make_comment(talked_about, "Ducks.", author_name="Ed")
    assert "Ducks." in page(client, talked_about)


def peer() -> RemoteActor:
    return RemoteActor.objects.create(
        uri="https://peer.example/u/a", key_id="https://peer.example/u/a#key",
        public_key_pem="-", inbox="https://peer.example/inbox", domain="peer.example",
    )  # fmt: skip


def test_likes_and_boosts_written_around_the_actions_are_on_the_next_page(
    client: Client, talked_about: Post
) -> None:
    assert "On the fediverse" not in page(client, talked_about)
    remote = peer()
    mine = Reaction.objects.filter(post=talked_about)
    mentions = Mention.objects.filter(post=talked_about)
    # Each write by hand, and what the next page says (None: no fediverse line at all).
    steps: list[tuple[Callable[[], object], str | None]] = [
        (
            lambda: Reaction.objects.create(
                post=talked_about,
                kind="like",
                activity_id="https://peer.example/a/1",
                remote=remote,
            ),
            "On the fediverse: 1 like</p>",
        ),
        (lambda: mine.update(kind="announce"), "On the fediverse: 1 boost</p>"),
        (remote.delete, None),  # its reactions go with it
        (
            lambda: Mention.objects.create(
                post=talked_about, source="https://site.example/1", kind="repost"
            ),
            "Around the web: 1 repost</p>",
        ),
        (lambda: mentions.update(kind="like"), "Around the web: 1 like</p>"),
    ]
    for write, shown in steps:
        moved_by_hand(write, talked_about.blog)
        html = page(client, talked_about)
        assert shown in html if shown else "On the fediverse" not in html


def test_a_post_nothing_was_written_under_has_stamp_0_until_the_first_write(
    client: Client, make_post: MakePost
) -> None:
    """No stamp row: no comment or reaction (`publish.poststamps` makes one for every post
    that has any), so its empty thread and counts are kept too, until a write draws one."""
    quiet = make_post("Onions")
    (found,) = prepared.by_permalink(quiet.blog, quiet.permalink) or [None]
    assert getattr(found, prepared.THREAD_STAMP) == 0
    assert "No comments:" in page(client, quiet)
    moved_by_hand(
        lambda: Comment.objects.create(
            post=quiet, author_name="Di", body="Sets.", body_html="<p>Sets.</p>", status="published"
        ),
        quiet.blog,
    )
    assert "<p>Sets.</p>" in page(client, quiet)
    moved_by_hand(
        lambda: Mention.objects.create(post=quiet, source="https://site.example/1", kind="like"),
        quiet.blog,
    )
    assert "Around the web: 1 like</p>" in page(client, quiet)


def test_what_the_thread_is_drawn_from_besides_its_comments_is_in_the_key(
    client: Client, talked_about: Post
) -> None:
    assert 'class="comment-reply"' in page(client, talked_about)
    talked_about.set_reader_comments(ReaderComments.STOP)
    save_post(talked_about)
    assert 'class="comment-reply"' not in page(client, talked_about)

    talked_about.set_reader_comments(ReaderComments.ALLOW)
    save_post(talked_about)
    # A published post keeps its address; an operator may move it all the same (the admin).
    moved = "/2024/10/slugs-and-snails.html"
    moved_by_hand(
        lambda: Post.objects.filter(pk=talked_about.pk).update(permalink=moved), talked_about.blog
    )
    talked_about.refresh_from_db()
    html = page(client, talked_about)
    assert "slugs-and-snails.html?showComment=" in html
    assert "slug-pellets.html?showComment=" not in html

    blog = talked_about.blog
    assert "6:45 PM" not in html  # Ada wrote at 13:00 UTC, which is 18:45 in Kathmandu
    blog.time_zone = "Asia/Kathmandu"
    blog.save()
    bump_content_version(blog)
    assert "6:45 PM" in page(client, talked_about)
    blog.time_format = "H:i"
    blog.save()
    bump_content_version(blog)
    html = page(client, talked_about)
    assert "18:45" in html and "6:45 PM" not in html


def test_a_post_that_reuses_a_deleted_ones_address_has_none_of_its_comments(
    client: Client, talked_about: Post, make_post: MakePost
) -> None:
    assert "Beer traps" in page(client, talked_about)
    address = talked_about.permalink
    talked_about.delete()
    bump_content_version(talked_about.blog)
    again = make_post("Slug pellets")
    assert again.permalink == address
    html = page(client, again)
    assert "Beer traps" not in html and "No comments:" in html


def test_a_post_read_by_its_address_carries_its_stamp(talked_about: Post) -> None:
    """Read in the post's own query: the stamp costs no query of its own."""
    with CaptureQueriesContext(connection) as queries:
        (found,) = prepared.by_permalink(talked_about.blog, talked_about.permalink) or [None]
    assert len(queries.captured_queries) == 1
    stamp = getattr(found, prepared.THREAD_STAMP)
    assert isinstance(stamp, int)
    Comment.objects.filter(post=talked_about).update(author_name="Someone")
    (again,) = prepared.by_permalink(talked_about.blog, talked_about.permalink) or [None]
    assert getattr(again, prepared.THREAD_STAMP) != stamp


def test_the_threads_kept_in_a_process_stay_within_their_bound(
    client: Client, make_post: MakePost, make_comment: MakeComment, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Drawings(5000, characters=8_000)
    monkeypatch.setattr(thread, "THREADS", store)
    posts = [make_post(f"Bed {n}") for n in range(30)]
    for post in posts:
        make_comment(post, "A word " * 20)
    pages = [page(client, post) for post in posts]
    assert 0 < store.size <= 8_000
    assert store.size == sum(len(html) for html in store.kept.values())
    assert len(store.kept) < len(posts)
    bump_content_version(posts[0].blog)
    assert [page(client, post) for post in posts] == pages  # the ones let go drawn again
