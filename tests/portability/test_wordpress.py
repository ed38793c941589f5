"""Importing WordPress exports: the real WXR files of WordPress's own importer tests."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from broadsheet.blogs.models import Blog
from broadsheet.comments.models import Comment
from broadsheet.portability.actions import import_wordpress
from broadsheet.portability.errors import (
    MalformedXMLError,
    MissingElementError,
    WrongFormatError,
)
from broadsheet.portability.models import ImportedItem, Redirect
from broadsheet.posts.models import Page, Post
from tests.portability.conftest import NOW, WXR, snapshot

pytestmark = pytest.mark.django_db


def labels(post: Post) -> set[str]:
    return {label.name for label in post.labels.all()}


def redirect_to(blog: Blog, old_path: str) -> str:
    return Redirect.objects.get(blog=blog, old_path=old_path).destination()


def test_theme_unit_test_data_counts_statuses_and_skips(blog: Blog) -> None:
    report = import_wordpress(blog, WXR / "theme-unit-test-data.xml", now=NOW)

    # 56 published, 1 future and 1 draft post; 21 pages; 33 comments, 5 of them on pages.
    assert report.created == {"posts": 58, "pages": 21, "comments": 28}
    assert report.title == "Theme Unit Test Data"
    assert report.skipped == {
        "WordPress nav_menu_item items": 70,
        "attachments (images stay linked where they are)": 37,
        "comments on pages (Broadsheet pages take none)": 5,
        "password-protected posts (imported as drafts)": 1,
        # "Many Tags" and "Many Categories" carry more than a post's 20 labels (posts.labels).
        "labels past a post's limit (20 labels, 200 characters together)": 73,
    }
    posts = Post.objects.filter(blog=blog)
    assert posts.filter(status="published").count() == 55
    assert posts.get(title="Scheduled").status == "scheduled"
    assert set(posts.filter(status="draft").values_list("title", flat=True)) == {
        "Draft",
        'Template: Password Protected (the password is "enter")',
    }


def test_theme_unit_test_data_threads_and_pingbacks(blog: Blog) -> None:
    import_wordpress(blog, WXR / "theme-unit-test-data.xml", now=NOW)

    post = Post.objects.get(blog=blog, title="Template: Comments")
    assert post.comments.count() == 20
    assert post.comment_count == 19  # one is awaiting moderation (approved 0)
    depth = post.comments.get(body="Comment Depth 10\n\nAlso an author comment.")
    chain = []
    while depth is not None:
        chain.append(depth.body.split("\n")[0][:16])
        depth = depth.parent
    assert chain == [f"Comment Depth {n:02}" for n in range(10, 0, -1)]
    pings = Post.objects.get(blog=blog, title="Template: Pingbacks And Trackbacks")
    assert pings.comment_count == 5
    assert pings.comments.filter(author_name="Ping 1 « What\u2019s a tellyworth?").exists()
    pending = post.comments.get(author_name="auser")
    assert pending.status == Comment.Status.PENDING


def test_theme_unit_test_data_dates_labels_and_addresses(blog: Blog) -> None:
    import_wordpress(blog, WXR / "theme-unit-test-data.xml", now=NOW)

    post = Post.objects.get(blog=blog, title="Keyboard navigation")
    # post_date 2018-10-20 20:03:48 on the site, post_date_gmt 2018-10-21 03:03:48.
    assert post.published_at == dt.datetime(2018, 10, 21, 3, 3, 48, tzinfo=dt.UTC)
    assert post.permalink == "/2018/10/keyboard-navigation.html"
    assert redirect_to(blog, "/2018/10/20/keyboard-navigation/") == post.permalink
    assert redirect_to(blog, "/?p=1724") == post.permalink
    assert post.author_name == "Theme Reviewer"
    many = Post.objects.get(blog=blog, title="Edge Case: Many Tags")
    # 47 in the file; a post keeps its first 20 (posts.labels), the rest are in the report.
    assert len(labels(many)) == 20
    assert {"Edge Case", "edge case", "content περιεχόμενο"} <= labels(many)
    standard = Post.objects.get(blog=blog, title="Post Format: Standard")
    assert labels(standard) == {"Classic", "Post Formats", "readability", "standard"}
    level3 = Page.objects.get(blog=blog, title="Level 3")
    assert redirect_to(blog, "/level-1/level-2/level-3/") == f"/p/{level3.slug}.html"
    assert redirect_to(blog, "/?page_id=172") == "/p/level-3.html"
    untitled = Post.objects.get(blog=blog, permalink="/2009/09/blog-post.html")
    assert untitled.title == ""
    titled = Post.objects.get(blog=blog, permalink="/2013/01/markup-title-with-markup.html")
    assert titled.title == "Markup: Title With Markup"


@pytest.mark.parametrize(
    ("name", "posts", "pages", "labels_of_alpha"),
    [
        ("valid-wxr-1.0.xml", 3, 3, {"alpha", "news", "roar"}),
        ("valid-wxr-1.1.xml", 1, 1, set()),
    ],
)
def test_valid_wxr_1_0_and_1_1(
    blog: Blog, name: str, posts: int, pages: int, labels_of_alpha: set[str]
) -> None:
    report = import_wordpress(blog, WXR / name, now=NOW)

    assert (report.created["posts"], report.created["pages"], report.created["comments"]) == (
        posts,
        pages,
        1,
    )
    hello = Post.objects.get(blog=blog, title="Hello world!")
    assert redirect_to(blog, "/?p=1") == hello.permalink
    comment = hello.comments.get()
    assert comment.author_name == "Mr WordPress"
    assert comment.author_url == "http://wordpress.org/"
    assert comment.body.startswith("Hi, this is a comment.\nTo delete a comment")
    assert "post's comments" in comment.body
    if labels_of_alpha:
        assert labels(Post.objects.get(blog=blog, title="Alpha post")) == labels_of_alpha
    else:
        assert labels(hello) == {"alpha", "Clippable"}  # post_tax is not a label


def test_wxr_1_1_dates_are_exact(blog: Blog) -> None:
    import_wordpress(blog, WXR / "valid-wxr-1.1.xml", now=NOW)

    hello = Post.objects.get(blog=blog, title="Hello world!")
    assert hello.published_at == dt.datetime(2010, 10, 16, 20, 53, 18, tzinfo=dt.UTC)
    assert hello.author_name == "John Doe"
    assert Page.objects.get(blog=blog, title="About").slug == "about"


def test_utf8_challenges_survive(blog: Blog) -> None:
    import_wordpress(blog, WXR / "wxr-utf-8-challenges.xml", now=NOW)

    post = Post.objects.get(blog=blog)
    assert (
        post.title == '"The Road \u202eNot\u202c Taken" by Rob\u202dert \u202eFrost \u202a🌲\u202c'
    )
    assert post.permalink == "/2024/06/the-road-not-taken-by-robert-frost.html"
    category = etree.parse(WXR / "wxr-utf-8-challenges.xml").findtext(".//item/category")
    assert labels(post) == {category}
    assert category is not None and "🎭" in category and len(category) > 20
    assert "🚀🌟💫⭐️🔥💯🎉🎊🌈🦄" in post.body_html
    assert "السلام عليكم" in post.text
    # Block-editor content keeps its own paragraphs; wpautop does not run on it.
    assert post.body_html.count("<p>") == 2
    assert redirect_to(blog, "/?p=10") == post.permalink


def test_blank_lines_become_paragraphs(blog: Blog) -> None:
    import_wordpress(blog, WXR / "post-content-blank-lines.xml", now=NOW)

    post = Post.objects.get(blog=blog)
    assert post.body_html == (
        "<p>This is an example of a WordPress post.<br>\n"
        "It has lines with text (and one blank line).</p>\n"
        "<p>And more lines with text.</p>"
    )


@pytest.mark.parametrize("name", ["crazy-cdata.xml", "crazy-cdata-escaped.xml"])
def test_cdata_sections_nested_or_escaped(blog: Blog, name: str) -> None:
    report = import_wordpress(blog, WXR / name, now=NOW)

    post = Post.objects.get(blog=blog)
    assert post.source == "Content with nested <![CDATA[ tags ]]> :)"
    meta = ImportedItem.objects.get(blog=blog, kind="post").extra["meta"]
    assert meta == [
        ["Plain string", "Foo"],
        ["Closing CDATA", "]]>"],
        [
            "Alot of CDATA",
            "This has <![CDATA[ opening and ]]> closing <![CDATA[ tags like this: ]]>",
        ],
    ]
    assert bool(report.warnings) == (name == "crazy-cdata.xml")


SERIALIZED = 'a:2:{s:18:"special_post_title";s:15:"A special title";s:11:"is_calendar";s:0:"";}'


@pytest.mark.parametrize(
    "name", ["test-serialized-postmeta-no-cdata.xml", "test-serialized-postmeta-with-cdata.xml"]
)
def test_serialized_post_meta_is_kept_as_opaque_text(blog: Blog, name: str) -> None:
    import_wordpress(blog, WXR / name, now=NOW)

    post = Post.objects.get(blog=blog)
    assert (post.title, post.status) == ("My Entry with Postmeta", "draft")
    # A draft's local time (no GMT date) read in the blog's zone.
    assert post.created_at == dt.datetime(2009, 10, 20, 16, 13, 20, tzinfo=blog.tzinfo)
    meta = dict(ImportedItem.objects.get(blog=blog, kind="post").extra["meta"])
    assert meta["post-options"] == SERIALIZED
    assert isinstance(meta["post-options"], str)


def test_serialized_comment_meta_is_kept_as_opaque_text(blog: Blog) -> None:
    import_wordpress(blog, WXR / "test-serialized-comment-meta.xml", now=NOW)

    comment = Comment.objects.get(post__blog=blog)
    assert comment.author_email == "wapuu@wordpress.example"
    assert comment.body.endswith("Commenter avatars come from Gravatar (https://gravatar.com).")
    item = ImportedItem.objects.get(blog=blog, kind="comment")
    assert item.extra["meta"] == [
        ["string", "¯\\_(ツ)_/¯"],
        ["array", 'a:1:{s:3:"key";s:13:"¯\\_(ツ)_/¯";}'],
    ]


def test_serialized_term_meta_file_imports_its_post(blog: Blog) -> None:
    report = import_wordpress(blog, WXR / "test-serialized-term-meta.xml", now=NOW)

    assert report.created["posts"] == 1


def test_small_export_private_post_is_a_draft_and_pages_get_slugs(blog: Blog) -> None:
    report = import_wordpress(blog, WXR / "small-export.xml", now=NOW)

    assert report.created == {"posts": 6, "pages": 5, "comments": 1}
    assert Post.objects.get(blog=blog, title="Private Post").status == "draft"
    assert Page.objects.get(blog=blog, title="Draft Page").status == Page.Status.DRAFT
    assert set(Page.objects.filter(blog=blog).values_list("slug", flat=True)) == {
        "sample-page",
        "child-page",
        "parent-page",
        "draft-page",
        "1-col-page",
    }
    many = Post.objects.get(blog=blog, title="Many Categories")
    # 27 in the file; a post keeps its first 20 (posts.labels), the report names the rest.
    assert len(labels(many)) == 20
    assert report.skipped["labels past a post's limit (20 labels, 200 characters together)"] == 7
    assert "“Many Categories” kept 20 labels; dropped: Sigma, tAu" in report.lines()[-1]


def test_backslashes_are_kept(blog: Blog) -> None:
    import_wordpress(blog, WXR / "slashes.xml", now=NOW)

    post = Post.objects.get(blog=blog)
    assert labels(post) == {'a \\"great\\" category'}
    assert post.comments.get().body == "\\o/ ¯\\_(ツ)_/¯"


@pytest.mark.parametrize(
    ("name", "error", "where"),
    [
        ("malformed.xml", MalformedXMLError, "line 90, column 11"),
        ("malformed-simple.xml", MalformedXMLError, "line 14, column 1"),
        ("missing-tags.xml", MissingElementError, "<wp:post_date>"),
        ("missing-version-tag.xml", MissingElementError, "<wp:wxr_version>"),
        ("invalid-version-tag.xml", WrongFormatError, "'abc'"),
        # Its first item has no date; further on, a namespace URI lxml rejects.
        ("namespace-edge-cases.xml", MissingElementError, "line 45"),
    ],
)
def test_broken_files_are_refused_with_where_and_what(
    blog: Blog, name: str, error: type[Exception], where: str
) -> None:
    import_wordpress(blog, WXR / "valid-wxr-1.1.xml", now=NOW)
    before = snapshot(blog)

    with pytest.raises(error, match=re.escape(where)):
        import_wordpress(blog, WXR / name, now=NOW)

    assert snapshot(blog) == before


DATELESS = ["authors-multiline", "backslashes", "blank-lines", "cdata-edge", "chunked-meta"]
DATELESS += ["multiple-cdata", "wxr-with-sub-data"]


def dated(path: Path) -> str:
    """One of WordPress's minimal test files, given the post date every real export has."""
    date = "<wp:post_date_gmt>2020-02-02 02:02:02</wp:post_date_gmt>"
    return path.read_text().replace("</wp:post_id>", "</wp:post_id>" + date, 1)


@pytest.mark.parametrize("name", DATELESS)
def test_minimal_files_without_dates_are_refused(blog: Blog, name: str) -> None:
    with pytest.raises(MissingElementError, match="wp:post_date"):
        import_wordpress(blog, WXR / f"{name}.xml", now=NOW)


def test_minimal_files_import_once_dated(blog: Blog, write_file: Any) -> None:
    texts = {name: dated(WXR / f"{name}.xml") for name in DATELESS}

    import_wordpress(blog, write_file(texts["multiple-cdata"], "a.xml"), now=NOW)
    assert Post.objects.get(blog=blog, title="Multi").body_html == (
        "<p>line oneline twoline three</p>"
    )
    import_wordpress(blog, write_file(texts["backslashes"], "b.xml"), now=NOW)
    assert Post.objects.get(blog=blog, title="Paths").source == r"C:\xampp\htdocs\wp-content"
    import_wordpress(blog, write_file(texts["cdata-edge"], "c.xml"), now=NOW)
    assert Post.objects.get(blog=blog, title="Edge").source == "ends with sequence ]] >"
    import_wordpress(blog, write_file(texts["blank-lines"], "d.xml"), now=NOW)
    assert Post.objects.get(blog=blog, title="Post with blanks").body_html == (
        "<p>first paragraph</p>\n<p>second paragraph</p>"
    )
    import_wordpress(blog, write_file(texts["wxr-with-sub-data"], "e.xml"), now=NOW)
    post = Post.objects.get(blog=blog, title="Post with sub data")
    assert post.comments.get().body == "This is a comment with meta."
    assert labels(post) == {"Test Category"}
