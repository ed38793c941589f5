"""Importing Blogger backups: the real files in the corpora, and both of Blogger's shapes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.portability.actions import import_blogger
from broadsheet.portability.models import ImportedItem, Redirect
from broadsheet.portability.writer import UNKNOWN_EMBEDS
from broadsheet.posts.models import Page, Post
from tests.portability.conftest import BLOGGER, NOW

pytestmark = pytest.mark.django_db

PDT = dt.timezone(dt.timedelta(hours=-7))
PST = dt.timezone(dt.timedelta(hours=-8))


def labels(post: Post) -> set[str]:
    return {label.name for label in post.labels.all()}


def test_old_gdata_backup_keeps_paths_labels_dates_and_comments(blog: Blog) -> None:
    report = import_blogger(blog, BLOGGER / "blogger-sample2.xml", now=NOW)

    assert (report.created["posts"], report.created["comments"]) == (4, 3)
    # A Flash player from xml.truveo.com, long gone: kept in the source, reported, not shown.
    assert report.skipped == {"Blogger template entries": 1, UNKNOWN_EMBEDS: 1}
    assert report.title == "JJ's Favorite Things"
    history = Post.objects.get(blog=blog, permalink="/2008/04/somewhat-brief-history.html")
    assert history.title == "A (somewhat) brief history"
    assert history.status == Post.Status.PUBLISHED
    assert history.published_at == dt.datetime(2008, 4, 15, 9, 28, tzinfo=PDT)
    assert history.updated_at == dt.datetime(2008, 11, 11, 16, 5, 24, 968000, tzinfo=PST)
    assert labels(history) == {"individual", "Everything", "Previously Unpublished"}
    assert history.author_name == "JJ"
    assert history.source_format == "html"
    assert set(Post.objects.filter(blog=blog).values_list("permalink", flat=True)) == {
        "/2008/04/somewhat-brief-history.html",
        "/2008/04/about-me.html",
        "/2008/04/rolling-in-hawaii.html",
        "/2008/04/this-about-sums-up-my-life.html",
    }


def test_comments_keep_author_text_time_and_counts(blog: Blog) -> None:
    import_blogger(blog, BLOGGER / "blogger-sample2.xml", now=NOW)

    life = Post.objects.get(blog=blog, permalink="/2008/04/this-about-sums-up-my-life.html")
    assert life.comment_count == 2  # as the file's thr:total says
    history = Post.objects.get(blog=blog, permalink="/2008/04/somewhat-brief-history.html")
    comment = history.comments.get()
    assert comment.author_name == "journalseditor @ aol"
    assert comment.author_url == "http://www.blogger.com/profile/14651649569077291860"
    assert comment.author_email == ""  # Blogger's noreply placeholder is not an address
    assert comment.body == "Nice picture!!!\n\nI mean NICE picture."
    assert comment.created_at == dt.datetime(2008, 11, 11, 16, 9, tzinfo=PST)
    assert comment.status == Comment.Status.PUBLISHED


def test_blogger_comment_feed_address_redirects_to_ours(blog: Blog) -> None:
    import_blogger(blog, BLOGGER / "blogger-sample2.xml", now=NOW)

    life = Post.objects.get(blog=blog, permalink="/2008/04/this-about-sums-up-my-life.html")
    redirect = Redirect.objects.get(
        blog=blog, old_path="/feeds/7031156583478223661/comments/default"
    )
    assert redirect.destination() == f"/feeds/{life.pk}/comments/default"


def test_2018_backup_with_undeclared_app_prefix_brings_drafts_and_pages(blog: Blog) -> None:
    report = import_blogger(blog, BLOGGER / "pelican-bloggerexport-2018.xml", now=NOW)

    assert report.created == {"posts": 2, "pages": 2, "comments": 1}
    draft = Post.objects.get(blog=blog, title="Black as Egypt's Night")
    assert (draft.status, draft.permalink, draft.published_at) == ("draft", "", None)
    assert draft.created_at == dt.datetime(2010, 11, 27, 8, 21, tzinfo=PST)
    assert labels(draft) == {"Interesting cases", "amputations"}
    steel = Post.objects.get(blog=blog, permalink="/2010/11/the-steel-windpipe.html")
    assert steel.published_at == dt.datetime(2010, 11, 27, 7, 12, tzinfo=PST)
    assert steel.comment_count == 1
    comment = steel.comments.get()
    assert comment.author_name == "Thomas Isidore Noël Sankara"
    assert comment.author_url == "https://www.blogger.com/profile/0617349827"
    assert comment.created_at == dt.datetime(2010, 11, 29, 12, 35, 44, 27000, tzinfo=PST)
    page = Page.objects.get(blog=blog, slug="test-page")
    assert (page.title, page.status) == ("Test page", Page.Status.PUBLISHED)
    draft_page = Page.objects.get(blog=blog, title="Test page 2")
    assert draft_page.status == Page.Status.DRAFT
    assert "This is a second test" in draft_page.body_html


@pytest.mark.parametrize(
    ("name", "posts", "comments"),
    [("blogger-sample.xml", 3, 2), ("blogger.goldenfile.2.xml", 3, 2)],
)
def test_converted_wordpress_paths_get_blogger_permalinks_and_redirect(
    blog: Blog, name: str, posts: int, comments: int
) -> None:
    report = import_blogger(blog, BLOGGER / name, now=NOW)

    assert (report.created["posts"], report.created["comments"]) == (posts, comments)
    post = Post.objects.get(blog=blog, title="A test of newlines and labels/categories")
    assert post.permalink == "/2008/05/a-test-of-newlines-and-labelscategories.html"
    assert post.published_at == dt.datetime(2008, 5, 16, 19, 40, 23, tzinfo=dt.UTC)
    assert labels(post) == {"NewTag", "DataPortability", "wordpress2blogger"}
    old = Redirect.objects.get(
        blog=blog, old_path="/2008/05/16/a-test-of-newlines-and-labelscategories/"
    )
    assert old.destination() == post.permalink
    assert post.comments.get().body.startswith("Now let's try to see what it takes")


def test_query_addresses_under_a_subfolder_become_redirects(blog: Blog) -> None:
    report = import_blogger(blog, BLOGGER / "blogger.goldenfile.1.xml", now=NOW)

    assert (report.created["posts"], report.created["comments"]) == (4, 3)
    # The blog lived at http://localhost/wordpress: its posts were /wordpress/?p=N.
    first = Redirect.objects.get(blog=blog, old_path="/?p=9").post
    assert first is not None and first.permalink == "/2008/01/hello-world.html"
    second = Redirect.objects.get(blog=blog, old_path="/?p=1").post
    assert second is not None and second.permalink == "/2008/03/hello-world.html"
    untitled = Redirect.objects.get(blog=blog, old_path="/?p=12").post
    assert untitled is not None and untitled.permalink == "/2008/04/blog-post.html"
    assert labels(untitled) == {"DataPortability", "upload"}
    assert first.comments.get().author_url == "http://wordpress.com/"


TAKEOUT = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:blogger='http://schemas.google.com/blogger/2018'>
  <id>tag:blogger.com,1999:blog-42</id>
  <title>Takeout Blog</title>
  <entry>
    <id>tag:blogger.com,1999:blog-42.post-101</id>
    <blogger:type>POST</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <author><name>Ann</name><uri></uri><blogger:type>BLOGGER</blogger:type></author>
    <title>Live post</title>
    <content type='html'>&lt;p&gt;Body&lt;/p&gt;</content>
    <blogger:metaDescription>What it is about</blogger:metaDescription>
    <blogger:created>2023-05-01T08:00:00.000Z</blogger:created>
    <published>2023-05-02T10:00:00.000+02:00</published>
    <updated>2023-05-03T10:00:00.000+02:00</updated>
    <blogger:location/>
    <category scheme='tag:blogger.com,1999:blog-42' term='Travel'/>
    <category scheme='tag:blogger.com,1999:blog-42' term='Food'/>
    <blogger:filename>/2023/05/live-post.html</blogger:filename>
    <link/>
    <enclosure/>
    <blogger:trashed/>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-42.post-102</id>
    <blogger:type>POST</blogger:type>
    <blogger:status>SCHEDULED</blogger:status>
    <title>Coming soon</title>
    <content type='html'>Later</content>
    <published>2030-01-01T09:00:00.000Z</published>
    <blogger:filename>/2030/01/coming-soon.html</blogger:filename>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-42.post-103</id>
    <blogger:type>POST</blogger:type>
    <blogger:status>DRAFT</blogger:status>
    <title>Half written</title>
    <content type='html'>Draft</content>
    <published>2023-06-01T09:00:00.000Z</published>
    <blogger:filename>/2023/06/half-written.html</blogger:filename>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-42.post-104</id>
    <blogger:type>POST</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <title>Thrown away</title>
    <content type='html'>Gone</content>
    <published>2023-06-02T09:00:00.000Z</published>
    <blogger:filename>/2023/06/thrown-away.html</blogger:filename>
    <blogger:trashed>2023-06-03T09:00:00.000Z</blogger:trashed>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-42.post-201</id>
    <blogger:parent>tag:blogger.com,1999:blog-42.post-101</blogger:parent>
    <blogger:inReplyTo>tag:blogger.com,1999:blog-42.post-202</blogger:inReplyTo>
    <blogger:type>COMMENT</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <author><name>Bea</name><uri>https://bea.example/</uri><blogger:type>ANONYMOUS</blogger:type></author>
    <content type='html'>A reply</content>
    <published>2023-05-05T12:00:00Z</published>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-42.post-202</id>
    <blogger:parent>tag:blogger.com,1999:blog-42.post-101</blogger:parent>
    <blogger:inReplyTo/>
    <blogger:type>COMMENT</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <author><name>Cal</name></author>
    <content type='html'>First!</content>
    <published>2023-05-04T12:00:00Z</published>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-42.post-203</id>
    <blogger:parent>tag:blogger.com,1999:blog-42.post-101</blogger:parent>
    <blogger:type>COMMENT</blogger:type>
    <blogger:status>PENDING</blogger:status>
    <author><name>Dee</name></author>
    <content type='html'>Awaiting a look</content>
    <published>2023-05-06T12:00:00Z</published>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-42.page-301</id>
    <blogger:type>PAGE</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <title>About</title>
    <content type='html'>Who we are</content>
    <published>2023-01-01T00:00:00Z</published>
    <blogger:filename>/p/about.html</blogger:filename>
  </entry>
</feed>
"""


def test_takeout_2018_namespace_statuses_threads_and_filenames(blog: Blog, write_file: Any) -> None:
    report = import_blogger(blog, write_file(TAKEOUT), now=NOW)

    assert report.created == {"posts": 3, "pages": 1, "comments": 3}
    assert report.skipped == {"posts in Blogger's trash": 1}
    live = Post.objects.get(blog=blog, permalink="/2023/05/live-post.html")
    assert live.published_at == dt.datetime(2023, 5, 2, 8, 0, tzinfo=dt.UTC)
    assert live.created_at == dt.datetime(2023, 5, 1, 8, 0, tzinfo=dt.UTC)
    assert live.search_description == "What it is about"
    assert labels(live) == {"Travel", "Food"}
    scheduled = Post.objects.get(blog=blog, title="Coming soon")
    assert (scheduled.status, scheduled.permalink) == ("scheduled", "/2030/01/coming-soon.html")
    draft = Post.objects.get(blog=blog, title="Half written")
    # Blogger had reserved the address; the draft keeps it for its publication.
    assert (draft.status, draft.permalink) == ("draft", "/2023/06/half-written.html")
    reply = live.comments.get(author_name="Bea")
    assert reply.parent == live.comments.get(author_name="Cal")
    assert reply.author_url == "https://bea.example/"
    assert live.comments.get(author_name="Dee").status == Comment.Status.PENDING
    assert live.comment_count == 2
    assert Page.objects.get(blog=blog, slug="about").title == "About"


GDATA_THREAD = """<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:thr='http://purl.org/syndication/thread/1.0'
      xmlns:gd='http://schemas.google.com/g/2005'>
  <link rel='alternate' type='text/html' href='https://old.blogspot.com/'/>
  <entry>
    <id>tag:blogger.com,1999:blog-7.post-11</id>
    <published>2012-03-04T05:06:07.000+01:00</published>
    <category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#post'/>
    <title type='text'>Threads</title>
    <content type='html'>Talk</content>
    <link rel='alternate' type='text/html' href='https://old.blogspot.com/2012/03/threads.html'/>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-7.post-23</id>
    <published>2012-03-05T00:00:00.000+01:00</published>
    <category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#comment'/>
    <content type='html'>Reply to the first</content>
    <link rel='related' type='application/atom+xml' href='https://www.blogger.com/feeds/7/11/comments/default/22'/>
    <author><name>Second</name></author>
    <thr:in-reply-to ref='tag:blogger.com,1999:blog-7.post-11' href='https://old.blogspot.com/2012/03/threads.html'/>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-7.post-22</id>
    <published>2012-03-04T23:00:00.000+01:00</published>
    <category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#comment'/>
    <content type='html'>First &lt;b&gt;comment&lt;/b&gt;</content>
    <author><name>First</name></author>
    <thr:in-reply-to ref='tag:blogger.com,1999:blog-7.post-11'/>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-7.post-24</id>
    <published>2012-03-06T00:00:00.000+01:00</published>
    <category scheme='http://schemas.google.com/g/2005#kind' term='http://schemas.google.com/blogger/2008/kind#comment'/>
    <content type='html'>Taken down</content>
    <gd:extendedProperty name='blogger.contentRemoved' value='true'/>
    <thr:in-reply-to ref='tag:blogger.com,1999:blog-7.post-11'/>
  </entry>
</feed>
"""


def test_gdata_replies_follow_related_links_newest_first(blog: Blog, write_file: Any) -> None:
    import_blogger(blog, write_file(GDATA_THREAD), now=NOW)

    post = Post.objects.get(blog=blog, permalink="/2012/03/threads.html")
    first, second = post.comments.get(author_name="First"), post.comments.get(author_name="Second")
    assert second.parent == first
    assert first.body == "First comment"
    assert post.comments.get(body="Taken down").status == Comment.Status.TRASH
    assert post.comment_count == 2


def test_imported_items_remember_blogger_ids(blog: Blog) -> None:
    import_blogger(blog, BLOGGER / "blogger-sample2.xml", now=NOW)

    item = ImportedItem.objects.get(
        blog=blog,
        external_id="tag:blogger.com,1999:blog-3113891067179933828.post-720686382913388888",
    )
    post = Post.objects.get(pk=item.object_id)
    assert (item.source, item.kind, post.title) == ("blogger", "post", "A (somewhat) brief history")


def test_time_zone_of_the_old_blog_is_taken_and_reported(other_blog: Blog) -> None:
    report = import_blogger(other_blog, BLOGGER / "blogger-sample2.xml", now=NOW)

    other_blog.refresh_from_db()
    assert other_blog.time_zone == "America/Los_Angeles"
    assert "setting BLOG_TIME_ZONE = 'America/Los_Angeles': applied" in "\n".join(report.lines())


def test_every_corpus_file_imports(blog: Blog) -> None:
    for path in sorted(Path(BLOGGER).glob("*.xml")):
        target = Blog.objects.create(slug=path.stem.lower().replace(".", "-"), title=path.stem)
        assert import_blogger(target, path, now=NOW).created["posts"] > 0, path.name
