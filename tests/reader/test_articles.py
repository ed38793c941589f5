"""A listing's posts drawn once for what they show (`reader.articles`): the next page after a
comment draws only the commented post again, and every change a post shows is on it at once."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from broadsheet.blogs.actions import bump_content_version, save_blog_settings
from broadsheet.blogs.models import Blog, Membership
from broadsheet.posts.models import Post
from tests.conftest import NOON, MakePost

pytestmark = pytest.mark.django_db


def home() -> tuple[str, int]:
    """The home page, and how many of its posts were drawn through the template."""
    response = Client().get("/")
    assert response.status_code == 200
    drawn = [t for t in response.templates if t.name == "reader/_listing_post.html"]
    return response.content.decode(), len(drawn)


def test_after_a_comment_only_the_commented_post_is_drawn_again(make_post: MakePost) -> None:
    first = make_post("Rhubarb, forced")
    make_post("Seed potatoes", published_at=first.published_at.replace(hour=9))  # type: ignore[union-attr]
    assert home()[1] == 2
    Post.objects.filter(pk=first.pk).update(comment_count=3)  # as add_comment keeps it
    bump_content_version(first.blog)
    page, drawn = home()
    assert drawn == 1
    assert "3 comments" in page


def test_a_setting_the_posts_show_draws_them_again(
    blog: Blog, admin: User, make_post: MakePost
) -> None:
    make_post("Rhubarb, forced")
    page, _ = home()
    assert ">5:00 AM</time>" in page  # noon UTC in Los Angeles, the default format
    blog.time_format = "H:i"
    save_blog_settings(Membership.objects.get(blog=blog, user=admin), blog)
    page, drawn = home()
    assert drawn == 1
    assert ">05:00</time>" in page


def test_the_labels_read_from_the_prefetch_are_the_posts_labels(
    blog: Blog, make_post: MakePost
) -> None:
    from broadsheet.reader import articles, listing

    post = make_post("Rhubarb, forced", labels=["Veg", "Allotment"])
    fresh = Post.objects.get(pk=post.pk)
    assert [label.name for label in articles._labels(fresh)] == ["Allotment", "Veg"]  # no prefetch
    listing.load_labels([fresh])
    assert [label.name for label in articles._labels(fresh)] == [
        label.name for label in Post.objects.get(pk=post.pk).labels.all()
    ]


def test_a_kept_post_is_not_cut_at_its_jump_break_again(
    make_post: MakePost, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cutting at a jump break sanitises the part before it again (a millisecond or more a
    post of a few KB); a post whose listing HTML is kept is not cut on the next miss, and a
    post that changed is, with its teaser and its Read more link."""
    from broadsheet.core import markup

    first = make_post("Rhubarb, forced", source="Pull the stems.\n\n<!--more-->\n\nThen wait.")
    make_post(
        "Seed potatoes",
        source="Chit them first.\n\n<!--more-->\n\nPlant at Easter.",
        published_at=first.published_at.replace(hour=9),  # type: ignore[union-attr]
    )
    page, drawn = home()
    page = page[page.index("<main") : page.index("</main>")]  # not the featured post's snippet
    assert drawn == 2
    assert "Pull the stems." in page and "Then wait." not in page
    assert page.count('class="jump-link"') == 2
    cuts: list[str] = []
    real = markup.split_jump
    monkeypatch.setattr(markup, "split_jump", lambda html: cuts.append(html) or real(html))
    Post.objects.filter(pk=first.pk).update(comment_count=2)  # as add_comment keeps it
    bump_content_version(first.blog)
    page, drawn = home()
    page = page[page.index("<main") : page.index("</main>")]
    assert drawn == 1
    assert len(cuts) == 1 and "Pull the stems." in cuts[0]  # the commented post only
    assert "2 comments" in page
    assert "Chit them first." in page and "Plant at Easter." not in page
    assert page.count('class="jump-link"') == 2


def test_each_post_is_bylined_by_its_own_author_and_a_new_name_is_shown_at_once(
    blog: Blog, make_post: MakePost, other_author: User
) -> None:
    """A byline is worked out once a page for each author (`articles._byline`): posts by two
    people, and by a name typed on the post, keep their own; a new display name is on the
    next page."""
    from broadsheet.blogs.models import Profile

    make_post("Rhubarb, forced", published_at=NOON.replace(hour=9))
    theirs = [
        make_post("Seed potatoes", published_at=NOON.replace(hour=10)).pk,
        make_post("Leeks", published_at=NOON.replace(hour=11)).pk,
    ]
    Post.objects.filter(pk__in=theirs).update(author=other_author)
    make_post("Guest post", author_name="A Visiting Gardener", published_at=NOON.replace(hour=8))
    Profile.objects.update_or_create(user=other_author, defaults={"display_name": "Perpetua Spade"})
    Blog.objects.filter(pk=blog.pk).update(posts_per_page=7)

    def bylines(page: str) -> list[str]:
        main = page[page.index("<main") : page.index("</main>")]
        return re.findall(r'<span class="p-author h-card">([^<]+)</span>', main)

    page, drawn = home()
    assert drawn == 4
    first = bylines(page)
    assert first[:2] == ["Perpetua Spade", "Perpetua Spade"] and first[-1] == "A Visiting Gardener"
    assert first[2] not in ("Perpetua Spade", "A Visiting Gardener")
    Profile.objects.filter(user=other_author).update(display_name="P. Spade")
    bump_content_version(blog)
    page, drawn = home()
    assert drawn == 2
    assert bylines(page) == ["P. Spade", "P. Spade", *first[2:]]
