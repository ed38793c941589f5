"""How imports write: updating on a second run, refusing to take addresses in use, settling
threads that arrive out of order, and reporting progress."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.portability.actions import ImportProgress, import_blogger, import_wordpress
from broadsheet.portability.errors import ConflictError, ImportFileError
from broadsheet.portability.models import ImportedItem, Redirect
from broadsheet.posts.models import Label, Page, Post
from tests.conftest import MakePost
from tests.portability.conftest import BLOGGER, NOW, WXR, snapshot

pytestmark = pytest.mark.django_db


def counts(blog: Blog) -> tuple[int, int, int, int, int]:
    return (
        Post.objects.filter(blog=blog).count(),
        Page.objects.filter(blog=blog).count(),
        Comment.objects.filter(post__blog=blog).count(),
        Label.objects.filter(blog=blog).count(),
        Redirect.objects.filter(blog=blog).count(),
    )


@pytest.mark.parametrize(
    ("importer", "path"),
    [
        (import_blogger, BLOGGER / "pelican-bloggerexport-2018.xml"),
        (import_wordpress, WXR / "theme-unit-test-data.xml"),
    ],
)
def test_importing_again_updates_instead_of_duplicating(
    blog: Blog, importer: Any, path: Any
) -> None:
    first = importer(blog, path, now=NOW)
    after_first = counts(blog)
    post = Post.objects.filter(blog=blog).exclude(permalink="").first()
    assert post is not None
    Post.objects.filter(pk=post.pk).update(title="Changed here", source="changed")

    second = importer(blog, path, now=NOW)

    assert counts(blog) == after_first
    assert second.created == {}
    assert second.updated == first.created
    post.refresh_from_db()
    assert post.title != "Changed here"  # the file's version wins on re-import
    assert ImportedItem.objects.filter(blog=blog).count() == sum(first.created.values())


def test_a_deleted_item_comes_back_on_reimport(blog: Blog) -> None:
    import_blogger(blog, BLOGGER / "blogger-sample2.xml", now=NOW)
    Post.objects.get(blog=blog, permalink="/2008/04/about-me.html").delete()

    report = import_blogger(blog, BLOGGER / "blogger-sample2.xml", now=NOW)

    assert report.created["posts"] == 1 and report.updated["posts"] == 3
    assert Post.objects.filter(blog=blog, permalink="/2008/04/about-me.html").exists()


def test_a_path_taken_by_another_post_is_refused(blog: Blog, make_post: MakePost) -> None:
    mine = make_post("About me", published_at=dt.datetime(2008, 4, 20, 12, tzinfo=dt.UTC))
    assert mine.permalink == "/2008/04/about-me.html"
    before = snapshot(blog)

    with pytest.raises(ConflictError, match=re.escape("/2008/04/about-me.html")):
        import_blogger(blog, BLOGGER / "blogger-sample2.xml", now=NOW)

    assert snapshot(blog) == before


def test_allocated_permalinks_do_not_collide_within_a_month(
    blog: Blog, make_post: MakePost
) -> None:
    make_post("Hello world!", published_at=dt.datetime(2010, 10, 20, 12, tzinfo=dt.UTC))

    import_wordpress(blog, WXR / "valid-wxr-1.0.xml", now=NOW)

    imported = Redirect.objects.get(blog=blog, old_path="/?p=1").post
    assert imported is not None and imported.permalink == "/2010/10/hello-world_1.html"


COMMENTS_FIRST = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:thr='http://purl.org/syndication/thread/1.0'>
  <entry>
    <id>c-1</id>
    <published>2020-01-02T00:00:00Z</published>
    <category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#comment'/>
    <content type='html'>Early</content>
    <link rel='related' href='https://www.blogger.com/feeds/1/2/comments/default/2'/>
    <thr:in-reply-to ref='p-1'/>
  </entry>
  <entry>
    <id>c-2</id>
    <published>2020-01-01T00:00:00Z</published>
    <category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#comment'/>
    <content type='html'>Loop</content>
    <link rel='related' href='https://www.blogger.com/feeds/1/2/comments/default/1'/>
    <thr:in-reply-to ref='p-1'/>
  </entry>
  <entry>
    <id>c-3</id>
    <published>2020-01-01T00:00:00Z</published>
    <category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#comment'/>
    <content type='html'>Lost</content>
    <thr:in-reply-to ref='p-404'/>
  </entry>
  <entry>
    <id>p-1</id>
    <published>2019-12-31T00:00:00Z</published>
    <category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#post'/>
    <title>Late post</title>
    <content type='html'>Body</content>
  </entry>
</feed>
"""


def test_comments_before_their_post_are_placed_and_loops_broken(
    blog: Blog, write_file: Any
) -> None:
    report = import_blogger(blog, write_file(COMMENTS_FIRST), now=NOW)

    assert report.created == {"posts": 1, "comments": 2}
    assert report.skipped == {"comments whose post is not in the file": 1}
    post = Post.objects.get(blog=blog)
    assert post.permalink == "/2019/12/late-post.html"
    # c-1 and c-2 name each other as parents: a loop no page could show, so both stay roots.
    assert list(post.comments.values_list("parent", flat=True)) == [None, None]
    assert post.comment_count == 2


def test_progress_reports_bytes_and_records(blog: Blog) -> None:
    seen: list[ImportProgress] = []
    import_wordpress(blog, WXR / "theme-unit-test-data.xml", progress=seen.append, now=NOW)

    assert len(seen) >= 2
    assert (
        seen[-1].bytes_read
        == seen[-1].total_bytes
        == (WXR / "theme-unit-test-data.xml").stat().st_size
    )
    assert seen[-1].records == 58 + 21 + 33
    assert [p.bytes_read for p in seen] == sorted(p.bytes_read for p in seen)


def test_import_bumps_the_content_version_once(blog: Blog) -> None:
    before = blog.content_version
    import_wordpress(blog, WXR / "theme-unit-test-data.xml", now=NOW)
    blog.refresh_from_db()
    assert blog.content_version == before + 1


def test_two_entries_with_one_id_are_refused(blog: Blog, write_file: Any) -> None:
    twice = COMMENTS_FIRST.replace("<id>c-2</id>", "<id>c-1</id>")
    with pytest.raises(ImportFileError, match="two entries with the id 'c-1'"):
        import_blogger(blog, write_file(twice), now=NOW)
    assert not Post.objects.filter(blog=blog).exists()
