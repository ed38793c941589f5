"""The incremental export's plan of the changes alone (`publish.changes`, the change log of
`publish.changelog`): after every kind of write, the folder (manifest included) is the one a
whole export writes, the cheap plan is taken where it can be proven equal, and the whole plan
everywhere else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib import admin
from django.test import RequestFactory

from broadsheet.blogs import layout_actions
from broadsheet.blogs.actions import bump_content_version
from broadsheet.blogs.hosts import origin
from broadsheet.blogs.layout import Area, Kind
from broadsheet.blogs.models import Blog, Membership
from broadsheet.blogs.people import profile_of
from broadsheet.comments import actions as comments
from broadsheet.comments.models import Comment
from broadsheet.federation.models import Reaction, RemoteActor
from broadsheet.posts.actions import save_page, save_post
from broadsheet.posts.models import Label, Page, Post
from broadsheet.publish import actions, changelog, changes, manifest
from broadsheet.publish.links import Choices
from broadsheet.publish.models import Change
from broadsheet.publish.plan import Plan, plan
from broadsheet.webmention.models import Mention
from tests.publish.test_export_static import (  # noqa: F401 - the fixtures
    LOADED_AT,
    built,
    demo,
    exported,
)

pytestmark = pytest.mark.django_db
WRITTEN, EXPORTED = LOADED_AT + dt.timedelta(hours=2), LOADED_AT + dt.timedelta(hours=3)


def public(blog: Blog) -> list[Post]:
    return list(Post.objects.public(blog, LOADED_AT))


def new_post(blog: Blog, title: str, at: dt.datetime, labels: tuple[str, ...] = ()) -> Post:
    author = public(blog)[0].author
    post = Post(blog=blog, author=author, title=title, source=f"{title}, in a few words.")
    post.status, post.published_at = Post.Status.PUBLISHED, at
    return save_post(post, labels=list(labels), now=WRITTEN)


def a_new_post(blog: Blog) -> None:
    new_post(blog, "First frost on the leeks", WRITTEN, ("Weather", "Leeks"))


def two_new_posts_and_an_edit(blog: Blog) -> None:
    new_post(blog, "Hail", WRITTEN - dt.timedelta(minutes=5), ("Weather",))
    new_post(blog, "Sleet", WRITTEN)
    edit_of_an_old_post(blog)


def edit_of_an_old_post(blog: Blog) -> None:
    post = public(blog)[-2]  # deep in every listing: its numbered pages, not the first
    post.title, post.source = "Beans, revisited", "They came back after all."
    save_post(post, now=WRITTEN)


def edit_of_the_newest_post(blog: Blog) -> None:
    post = public(blog)[0]
    post.source = "A line more."
    save_post(post, now=WRITTEN)


def comment_approved(blog: Blog) -> None:
    post = public(blog)[3]
    member = Membership.objects.filter(blog=blog, role=Membership.Role.ADMIN).first()
    assert member is not None
    comment = comments.add_comment(
        Comment(post=post, body="Mine too.", author_name="Ann", status=Comment.Status.PENDING)
    )
    comments.approve(member, comment)


def a_scheduled_post_comes_due(blog: Blog) -> None:
    author = public(blog)[0].author
    post = Post(blog=blog, author=author, title="Seed order", source="Beans, again.")
    post.status, post.published_at = Post.Status.SCHEDULED, WRITTEN + dt.timedelta(minutes=30)
    save_post(post, now=WRITTEN)  # exported at EXPORTED, after its time: no write said so


def a_label_on_an_old_post(blog: Blog) -> None:
    post = public(blog)[4]
    names = [*post.labels.values_list("name", flat=True), "Frost"]
    save_post(post, labels=names, now=WRITTEN)


def a_back_dated_post(blog: Blog) -> None:
    oldest = public(blog)[-1]
    assert oldest.published_at is not None
    new_post(blog, "From the old notebook", oldest.published_at + dt.timedelta(hours=1))


def a_post_deleted(blog: Blog) -> None:
    public(blog)[5].delete()
    bump_content_version(blog)


def a_post_unpublished(blog: Blog) -> None:
    post = public(blog)[5]
    post.status = Post.Status.DRAFT
    save_post(post, now=WRITTEN)


def a_label_renamed(blog: Blog) -> None:
    label = Label.objects.filter(blog=blog, posts__isnull=False).first()
    assert label is not None
    label.name = "Renamed"
    label.save()
    bump_content_version(blog)


def a_setting_changed(blog: Blog) -> None:
    blog.title = "Another title"
    blog.save()
    bump_content_version(blog)


def admin_of(blog: Blog) -> Membership:
    member = Membership.objects.filter(blog=blog, role=Membership.Role.ADMIN).first()
    assert member is not None
    return member


def a_comment_on(blog: Blog) -> Comment:
    """A published comment of the demo blog, on its post's page in the copy."""
    shown = Comment.objects.filter(post__blog=blog, status=Comment.Status.PUBLISHED)
    comment = shown.filter(replies__isnull=True).order_by("pk").first()
    assert comment is not None
    return comment


def a_comment_deleted(blog: Blog) -> None:
    comments.delete(admin_of(blog), a_comment_on(blog))


def a_comment_marked_spam(blog: Blog) -> None:
    comments.mark_spam(admin_of(blog), a_comment_on(blog))


def a_comment_revised(blog: Blog) -> None:
    comments.revise(a_comment_on(blog), "Mine too, and the chard.")


def a_web_like(blog: Blog) -> None:
    """A verified Webmention like, counted on the post's page (as `webmention.actions`
    stores one)."""
    post = public(blog)[2]
    Mention.objects.create(post=post, source="https://example.org/liked", kind=Mention.Kind.LIKE)
    bump_content_version(blog, sidebar=False)


def a_fediverse_boost(blog: Blog) -> None:
    """A boost from the fediverse, counted on the post's page (as `federation.inbox` stores
    one)."""
    remote = RemoteActor.objects.create(
        uri="https://peer.example/u/a", key_id="https://peer.example/u/a#key",
        public_key_pem="-", inbox="https://peer.example/inbox", domain="peer.example",
    )  # fmt: skip
    post = public(blog)[1]
    Reaction.objects.create(
        post=post,
        kind=Reaction.Kind.ANNOUNCE,
        activity_id="https://peer.example/a/1",
        remote=remote,
    )
    bump_content_version(blog, sidebar=False)


def an_authors_display_name(blog: Blog) -> None:
    author = public(blog)[0].author
    profile = profile_of(author)
    profile.display_name = "Ada, renamed"
    profile.save()


def an_authors_first_and_last_name(blog: Blog) -> None:
    author = public(blog)[-1].author
    author.first_name, author.last_name = "Grace", "Renamed"  # type: ignore[union-attr]
    author.save()
    profile = profile_of(author)
    profile.display_name = ""  # the full name shows where no display name is set
    profile.save()


def an_authors_profile(blog: Blog) -> None:
    profile = profile_of(public(blog)[0].author)
    profile.bio, profile.link = "Grows leeks, mostly.", "https://example.org/leeks"
    profile.save()


def the_theme(blog: Blog) -> None:
    blog.theme_accent = "#aa3300"
    blog.save()
    bump_content_version(blog)


def a_text_gadget_in_the_footer(blog: Blog) -> None:
    member = admin_of(blog)
    gadget = layout_actions.add_gadget(member, Area.FOOTER, Kind.TEXT)
    layout_actions.configure_gadget(member, gadget, "Elsewhere", {"text": "Seed swap Sundays."})


def a_sidebar_gadget_edited(blog: Blog) -> None:
    member = admin_of(blog)
    pages = next(g for g in layout_actions.stored_layout(blog) if g.kind == Kind.PAGES)
    layout_actions.configure_gadget(member, pages, "Read more", pages.config)


def a_gadget_moved_to_the_footer(blog: Blog) -> None:
    """The pages list leaves the sidebar for the footer: every page shows it now."""
    member = admin_of(blog)
    layout = layout_actions.stored_layout(blog)
    layout_actions.remove_gadget(member, next(g for g in layout if g.kind == Kind.PAGES))
    layout_actions.add_gadget(member, Area.FOOTER, Kind.PAGES)


def a_gadget_moved_up(blog: Blog) -> None:
    member = admin_of(blog)
    labels = next(g for g in layout_actions.stored_layout(blog) if g.kind == Kind.LABELS)
    layout_actions.move_gadget(member, labels, -1)


def a_gadget_removed(blog: Blog) -> None:
    member = admin_of(blog)
    about = next(g for g in layout_actions.stored_layout(blog) if g.kind == Kind.ABOUT)
    layout_actions.remove_gadget(member, about)


def the_header(blog: Blog) -> None:
    member = admin_of(blog)
    header = next(g for g in layout_actions.stored_layout(blog) if g.kind == Kind.HEADER)
    layout_actions.configure_header(member, header, header.config, "Allotment notes", "Weekly.")


def a_page_renamed(blog: Blog) -> None:
    page = Page.objects.filter(blog=blog, status=Page.Status.PUBLISHED).first()
    assert page is not None
    page.title = "About the plot"
    save_page(page, now=WRITTEN)


def a_page_added(blog: Blog) -> None:
    author = public(blog)[0].author
    page = Page(blog=blog, author=author, title="Seed swap", source="Sundays, by the shed.")
    page.status = Page.Status.PUBLISHED
    save_page(page, now=WRITTEN)


def a_page_unpublished(blog: Blog) -> None:
    page = Page.objects.filter(blog=blog, status=Page.Status.PUBLISHED).first()
    assert page is not None
    page.status = Page.Status.DRAFT
    save_page(page, now=WRITTEN)


CHEAP = [
    a_new_post,
    two_new_posts_and_an_edit,
    edit_of_an_old_post,
    edit_of_the_newest_post,
    comment_approved,
    a_scheduled_post_comes_due,
    # What a post's page shows of its comments and reactions, its count and edit unmoved.
    a_comment_revised,
    a_web_like,
]
WHOLE = [
    a_label_on_an_old_post,
    a_back_dated_post,
    a_post_deleted,
    a_post_unpublished,
    a_label_renamed,
    a_setting_changed,
]


# Writes that change what pages show without a post: each is planned whole (or, for the
# home page, by its own key) and must leave the whole export's bytes.
def in_the_django_admin(thing: Post | Page) -> None:
    """The operator's change form, saved: the admin's own `save_model`."""
    request = RequestFactory().post("/admin/")
    admin.site._registry[type(thing)].save_model(request, thing, None, True)


def a_post_retitled_in_the_django_admin(blog: Blog) -> None:
    post = public(blog)[-2]
    post.title = "Beans, retitled by the operator"
    in_the_django_admin(post)


def a_page_retitled_in_the_django_admin(blog: Blog) -> None:
    page = Page.objects.filter(blog=blog, status=Page.Status.PUBLISHED).first()
    assert page is not None
    page.title = "About, retitled by the operator"
    in_the_django_admin(page)


SHOWN: list[Any] = [
    a_comment_deleted,
    a_comment_marked_spam,
    # A comment's new text, a like: neither moves the post's comment count nor its last
    # edit; the post's stamp (`publish.poststamps`) moves.
    a_comment_revised,
    a_web_like,
    a_fediverse_boost,
    an_authors_display_name,
    an_authors_first_and_last_name,
    an_authors_profile,
    the_theme,
    a_text_gadget_in_the_footer,
    a_sidebar_gadget_edited,
    a_gadget_moved_to_the_footer,
    a_gadget_moved_up,
    a_gadget_removed,
    the_header,
    a_page_renamed,
    a_page_added,
    a_page_unpublished,
    a_post_retitled_in_the_django_admin,
    a_page_retitled_in_the_django_admin,
]


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def spy(monkeypatch: pytest.MonkeyPatch) -> list[Plan | None]:
    """The plans of the changes `export_static` made (None: it planned the whole blog)."""
    made: list[Plan | None] = []
    real = actions.plan_changes

    def recorded(*args: Any) -> Plan | None:
        made.append(real(*args))
        return made[-1]

    monkeypatch.setattr(actions, "plan_changes", recorded)
    return made


@pytest.mark.parametrize("write", CHEAP + WHOLE, ids=lambda write: write.__name__)
def test_an_incremental_export_after_a_write_is_the_whole_export_byte_for_byte(
    write: Callable[[Blog], None],
    demo: Blog,  # noqa: F811
    exported: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = spy(monkeypatch)
    demo.refresh_from_db()  # the module's blog: another test's changes of it rolled back
    with time_machine.travel(WRITTEN, tick=False):
        write(demo)
    parts: set[int] = set()
    real_part = manifest.Entries.part

    def part(entries: manifest.Entries, number: int) -> None:
        parts.add(number)
        real_part(entries, number)

    monkeypatch.setattr(manifest.Entries, "part", part)
    with time_machine.travel(EXPORTED, tick=False):
        report = actions.export_static(demo, exported, Choices(origin(demo)))
        read, parts = set(parts), set()
        whole = actions.export_static(demo, tmp_path / "whole", Choices(origin(demo)))
        assert report.written  # each write shows somewhere
        incremental, fresh = files(exported), files(tmp_path / "whole")
        assert incremental.keys() == fresh.keys()
        assert [name for name in fresh if incremental[name] != fresh[name]] == []
        assert report.missing == whole.missing  # a renamed label: links in posts' text
        cheap = made[0]
        if write in CHEAP:
            assert cheap is not None and cheap.partial
            # The shortcut's keys are the whole plan's, address by address, and it names a
            # part of them (the demo blog's 18 posts make 80 addresses).
            everything = plan(demo, Choices(origin(demo)), EXPORTED).jobs
            assert {a: everything[a] for a in cheap.jobs} == cheap.jobs
            assert len(cheap.jobs) < len(everything) / 2
            assert len(read) < manifest.PARTS * 3 / 4  # the manifest's parts it needed
        else:
            assert cheap is None


@pytest.mark.parametrize("write", SHOWN, ids=lambda write: getattr(write, "__name__", ""))
def test_a_write_of_what_pages_show_beside_posts_leaves_no_stale_page(
    write: Callable[[Blog], None],
    demo: Blog,  # noqa: F811
    exported: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """People's names, the layout, the theme, the pages list, comments: the next export
    writes the whole export's bytes, through the plan of the changes where it is taken and
    through the whole plan (a second copy, exported with the plan of the changes refused)."""
    made = spy(monkeypatch)
    demo.refresh_from_db()
    before = files(exported)
    again = tmp_path / "again"  # the same copy, to be planned whole
    for name, body in before.items():
        (again / name).parent.mkdir(parents=True, exist_ok=True)
        (again / name).write_bytes(body)
    with time_machine.travel(WRITTEN, tick=False):
        write(demo)
    demo.refresh_from_db()
    with time_machine.travel(EXPORTED, tick=False):
        report = actions.export_static(demo, exported, Choices(origin(demo)))
        monkeypatch.setattr(actions, "plan_changes", lambda *args: None)
        whole_plan = actions.export_static(demo, again, Choices(origin(demo)))
        actions.export_static(demo, tmp_path / "whole", Choices(origin(demo)))
    fresh = files(tmp_path / "whole")
    assert fresh != before  # each write shows somewhere
    assert report.written and whole_plan.written
    assert len(made) == 1
    for folder in (exported, again):
        copy = files(folder)
        assert copy.keys() == fresh.keys()
        assert [name for name in fresh if copy[name] != fresh[name]] == []


def the_archive_moved_to_the_footer(blog: Blog) -> None:
    member = admin_of(blog)
    layout = layout_actions.stored_layout(blog)
    layout_actions.remove_gadget(member, next(g for g in layout if g.kind == Kind.ARCHIVE))
    layout_actions.add_gadget(member, Area.FOOTER, Kind.ARCHIVE)


@pytest.mark.parametrize(
    ("placed", "write"),
    [
        (a_gadget_moved_to_the_footer, a_page_renamed),
        (a_gadget_moved_to_the_footer, a_page_added),
        (the_archive_moved_to_the_footer, a_new_post),
        (the_archive_moved_to_the_footer, edit_of_an_old_post),
    ],
    ids=lambda write: write.__name__,
)
def test_what_a_footer_gadget_shows_is_on_every_page_after_each_write(
    placed: Callable[[Blog], None],
    write: Callable[[Blog], None],
    demo: Blog,  # noqa: F811
    exported: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The footer is on every page (the sidebar on the home page alone): with the pages list
    or the archive there, a page's title or a new post shows on every page."""
    demo.refresh_from_db()
    with time_machine.travel(WRITTEN, tick=False):
        placed(demo)
    with time_machine.travel(EXPORTED, tick=False):
        actions.export_static(demo, exported, Choices(origin(demo)))
    with time_machine.travel(EXPORTED + dt.timedelta(minutes=1), tick=False):
        write(demo)
    with time_machine.travel(EXPORTED + dt.timedelta(minutes=2), tick=False):
        actions.export_static(demo, exported, Choices(origin(demo)))
        actions.export_static(demo, tmp_path / "whole", Choices(origin(demo)))
    fresh, copy = files(tmp_path / "whole"), files(exported)
    assert copy.keys() == fresh.keys()
    assert [name for name in fresh if copy[name] != fresh[name]] == []


@pytest.mark.parametrize("write", CHEAP, ids=lambda write: write.__name__)
def test_the_same_with_listings_read_beyond_their_newest_page(
    write: Callable[[Blog], None],
    demo: Blog,  # noqa: F811
    exported: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The demo blog's listings fit in the window a listing of the changes reads at once;
    a window of one page has the older pages, pager targets and windows asked of the
    database, as a 10,000-post blog's are."""
    monkeypatch.setattr(changes.Counted, "WINDOW", 1)
    made = spy(monkeypatch)
    demo.refresh_from_db()
    with time_machine.travel(WRITTEN, tick=False):
        write(demo)
    with time_machine.travel(EXPORTED, tick=False):
        actions.export_static(demo, exported, Choices(origin(demo)))
        actions.export_static(demo, tmp_path / "whole", Choices(origin(demo)))
    assert made[0] is not None
    assert files(exported) == files(tmp_path / "whole")


def test_a_second_cheap_export_follows_the_first(
    demo: Blog,  # noqa: F811
    exported: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = spy(monkeypatch)
    demo.refresh_from_db()
    with time_machine.travel(WRITTEN, tick=False):
        a_new_post(demo)
    with time_machine.travel(EXPORTED, tick=False):
        actions.export_static(demo, exported, Choices(origin(demo)))
        new_post(demo, "Rain", EXPORTED - dt.timedelta(minutes=1), ("Weather",))
        actions.export_static(demo, exported, Choices(origin(demo)))
        actions.export_static(demo, tmp_path / "whole", Choices(origin(demo)))
    assert [found is not None for found in made] == [True, True]  # the whole: no manifest
    assert files(exported) == files(tmp_path / "whole")


def test_a_pruned_log_or_a_manifest_without_its_number_plans_the_whole_blog(
    demo: Blog,  # noqa: F811
    exported: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = spy(monkeypatch)
    with time_machine.travel(WRITTEN, tick=False):
        a_new_post(demo)
    seq, _ = changelog.head(demo.pk)
    monkeypatch.setattr(changelog, "KEEP", 0)
    changelog.prune(demo.pk, seq)  # as if many exports elsewhere had gone on
    assert not Change.objects.filter(blog_id=demo.pk).exists()
    with time_machine.travel(EXPORTED, tick=False):
        report = actions.export_static(demo, exported, Choices(origin(demo)))
    assert made == [None] and report.written
    manifest = exported / ".broadsheet-export.json"
    header, rest = manifest.read_bytes().split(b"\n", 1)
    manifest.write_bytes(header.replace(b'"seq":', b'"was":') + b"\n" + rest)
    with time_machine.travel(EXPORTED, tick=False):
        a_new_post(demo)
        actions.export_static(demo, exported, Choices(origin(demo)))
    assert made == [None, None]


@pytest.mark.parametrize("lost", ["no number", "pruned"])
def test_a_label_renamed_where_the_log_cannot_say_so_renders_every_page(
    lost: str,
    demo: Blog,  # noqa: F811
    exported: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The posts' pages show their labels' names and their keys do not: only the log tells
    of a rename, so a manifest it cannot answer for renders every page."""
    demo.refresh_from_db()
    with time_machine.travel(WRITTEN, tick=False):
        a_label_renamed(demo)
    if lost == "pruned":
        seq, _ = changelog.head(demo.pk)
        monkeypatch.setattr(changelog, "KEEP", 0)
        changelog.prune(demo.pk, seq)
    else:
        header_file = exported / ".broadsheet-export.json"
        header, rest = header_file.read_bytes().split(b"\n", 1)
        header_file.write_bytes(header.replace(b'"seq":', b'"was":') + b"\n" + rest)
    with time_machine.travel(EXPORTED, tick=False):
        actions.export_static(demo, exported, Choices(origin(demo)))
        actions.export_static(demo, tmp_path / "whole", Choices(origin(demo)))
    fresh, copy = files(tmp_path / "whole"), files(exported)
    assert [name for name in fresh if copy.get(name) != fresh[name]] == []


def test_the_log_names_what_each_write_moved(demo: Blog) -> None:  # noqa: F811
    seq, _ = changelog.head(demo.pk)
    with time_machine.travel(WRITTEN, tick=False):
        a_new_post(demo)
        edit_of_an_old_post(demo)
        a_label_renamed(demo)
    logged = Change.objects.filter(blog_id=demo.pk, seq__gt=seq).order_by("seq")
    rows = list(logged.values_list("moved", "whole", flat=False))
    assert rows[0] == (True, False)  # the new post
    assert (False, False) in rows  # the edit: same place
    assert rows[-1] == (True, True)  # the rename: every page of the blog
    numbers = list(logged.values_list("seq", flat=True))
    assert numbers == list(range(seq + 1, seq + 1 + len(numbers)))
