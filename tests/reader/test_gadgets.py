"""The reader's header, sidebar and footer drawn from the blog's layout, each gadget with its
options, and a layout change on the very next page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from broadsheet.blogs import layout_actions
from broadsheet.blogs.layout import Gadget
from broadsheet.blogs.models import Blog, Membership
from broadsheet.posts.actions import save_page
from broadsheet.posts.models import Page
from tests.conftest import NOON, MakePost
from tests.tools.vnu import VnuService, format_messages


@pytest.fixture
def grace(blog: Blog, admin: User) -> Membership:
    return Membership.objects.get(blog=blog, user=admin)


def gadget(blog: Blog, kind: str) -> Gadget:
    return next(g for g in layout_actions.stored_layout(blog) if g.kind == kind)


def configure(grace: Membership, kind: str, title: str = "", **options: Any) -> None:
    found = gadget(grace.blog, kind)
    layout_actions.configure_gadget(grace, found, title, {**found.config, **options})


def home() -> str:
    return Client().get("/").content.decode()


def section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def headings(html: str) -> list[str]:
    aside = html[html.index('<aside class="sidebar"') : html.index("</aside>")]
    return re.findall(r"<h2 id=\"([^\"]+)\"", aside)


def test_the_default_layout_shows_what_every_blog_showed(make_post: MakePost) -> None:
    make_post(labels=("garden",))
    html = home()
    shown = ["w-featured", "w-search", "w-about", "w-profile", "w-archive", "w-labels", "w-follow"]
    assert headings(html) == shown
    assert "Field Notes · Powered by Broadsheet" in html
    assert '<p class="blog-description">Small observations, written down.</p>' in html


@pytest.fixture
def labelled(make_post: MakePost) -> None:
    make_post("One", labels=("apple", "cherry"))
    make_post("Two", labels=("apple", "cherry"))
    make_post("Three", labels=("apple", "Banana"))


def test_labels_by_name_ignore_case(grace: Membership, labelled: None) -> None:
    names = re.findall(r'rel="tag">([^<]+)<', section(home(), "w-labels"))
    assert names == ["apple", "Banana", "cherry"]


def test_labels_cloud_by_frequency(grace: Membership, labelled: None) -> None:
    configure(grace, "labels", display="cloud", sort="frequency", counts=False)
    cloud = section(home(), "w-labels")
    assert 'class="label-cloud"' in cloud and "(3)" not in cloud
    found = re.findall(r'<li class="cloud-(\d)"><a [^>]*>([^<]+)<', cloud)
    assert found == [("5", "apple"), ("3", "cherry"), ("1", "Banana")]


@pytest.fixture
def two_months(make_post: MakePost) -> None:
    make_post("October", published_at=NOON)
    make_post("September", published_at=NOON - dt.timedelta(days=40))


@pytest.mark.parametrize(
    ("style", "shown"),
    [
        ("hierarchy", ['<summary>2024 <span class="count">(2)</span>', 'href="/2024/"']),
        ("flat", ['<ul class="archive-flat">', ">October 2024</a>", ">September 2024</a>"]),
        ("menu", ['<details class="archive-menu">', "<summary>Choose a month</summary>"]),
    ],
)
def test_the_archive_in_each_style(
    grace: Membership, two_months: None, style: str, shown: list[str]
) -> None:
    configure(grace, "archive", style=style)
    archive = section(home(), "w-archive")
    assert all(part in archive for part in shown), archive
    assert 'href="/2024/10/"' in archive and 'href="/2024/09/"' in archive


def test_pages_in_the_chosen_order(blog: Blog, grace: Membership) -> None:
    pages = [
        save_page(Page(blog=blog, title=title, source="Hi", status="published"))
        for title in ("About", "Contact", "Colophon")
    ]
    html = section(home(), "w-pages")
    assert re.findall(r">(\w+)</a>", html) == ["About", "Colophon", "Contact"]
    configure(grace, "pages", "Elsewhere", order=[pages[2].pk, pages[0].pk])
    html = section(home(), "w-pages")
    assert "Elsewhere" in html and re.findall(r">(\w+)</a>", html) == ["Colophon", "About"]


def test_the_html_gadget_is_sanitised(grace: Membership) -> None:
    added = layout_actions.add_gadget(grace, "sidebar", "html")
    dirty = '<p onclick="steal()">Hi <b>there</b></p><script>alert(1)</script><img src=x onerror=y>'
    layout_actions.configure_gadget(grace, added, "Raw", {"html": dirty})
    html = home()
    gadget_html = section(html, f"w-html-{added.pk}")
    assert "<p>Hi <b>there</b></p>" in gadget_html
    assert "<script" not in html.split("</head>")[1].replace('<script type="application/ld', "")
    assert "onclick" not in html and "onerror" not in html and "alert(1)" not in html


def test_text_links_and_image_gadgets(grace: Membership) -> None:
    text = layout_actions.add_gadget(grace, "sidebar", "text")
    layout_actions.configure_gadget(grace, text, "Note", {"text": "<b>bold</b>\n\nSecond"})
    links = layout_actions.add_gadget(grace, "footer", "links")
    garden = [{"text": "Garden club", "url": "https://example.org/club"}]
    layout_actions.configure_gadget(grace, links, "Friends", {"links": garden})
    image = layout_actions.add_gadget(grace, "sidebar", "image")
    picture = {"image": "/media/images/x.png", "alt": "A leek", "caption": "Mine"}
    layout_actions.configure_gadget(grace, image, "", picture)
    html = home()
    assert "<p>&lt;b&gt;bold&lt;/b&gt;</p>\n\n<p>Second</p>" in section(html, f"w-text-{text.pk}")
    footer = html[html.index('<footer class="site-footer">') :]
    assert '<a href="https://example.org/club">Garden club</a>' in footer
    shown = section(html, f"w-image-{image.pk}")
    assert '<img src="/media/images/x.png" alt="A leek"' in shown and "Mine" in shown


def test_moving_and_removing_change_the_next_page(grace: Membership, make_post: MakePost) -> None:
    make_post(labels=("garden",))
    assert headings(home())[-2:] == ["w-labels", "w-follow"]  # now cached
    layout_actions.move_gadget(grace, gadget(grace.blog, "follow"), -1)
    layout_actions.remove_gadget(grace, gadget(grace.blog, "search"))
    shown = ["w-featured", "w-about", "w-profile", "w-archive", "w-follow", "w-labels"]
    assert headings(home()) == shown


def test_header_footer_and_subscribe_options(grace: Membership) -> None:
    configure(grace, "header", show_description=False, image="/media/h.png", alt="Hills")
    configure(grace, "attribution", text="© Grace, all rights reserved")
    added = layout_actions.add_gadget(grace, "sidebar", "subscribe")
    layout_actions.configure_gadget(grace, added, "", {"comments": False})
    html = home()
    assert 'class="blog-description"' not in html
    assert '<img class="header-image" src="/media/h.png" alt="Hills">' in html
    assert "© Grace, all rights reserved" in html and "Powered by" not in html
    feeds = section(html, "w-subscribe")
    assert 'href="/feeds/posts/default"' in feeds and "/feeds/comments/" not in feeds


def test_a_page_with_every_kind_of_gadget_is_valid_html(
    grace: Membership, labelled: None, vnu: VnuService
) -> None:
    samples = {
        "text": {"text": "Seeds are in."},
        "html": {"html": "<p>Grown <em>here</em>.</p><table><tr><td>1</td></tr></table>"},
        "image": {"image": "/media/x.png", "alt": "A leek", "link": "https://example.org/"},
        "links": {"links": [{"text": "Club", "url": "https://example.org/?a=1&b=2"}]},
        "subscribe": {"comments": True},
    }
    for kind, config in samples.items():
        added = layout_actions.add_gadget(grace, "footer", kind)
        layout_actions.configure_gadget(grace, added, "", config)
    configure(grace, "labels", display="cloud")
    configure(grace, "archive", style="menu")
    configure(grace, "header", image="/media/h.png", alt="Hills")
    errors = vnu.validate(Client().get("/").content)
    assert not errors, format_messages(errors)


# The labels gadget's items as its template wrote them before `gadgets.labels_html`.
_LABEL_LOOP = (
    "{% load reader_tags %}{% for label in labels %}"
    '<li{% if cloud %} class="cloud-{{ label.size }}"{% endif %}>'
    '<a href="{{ label.name|label_url }}" rel="tag">{{ label.name }}</a>'
    '{% if counts %} <span class="count">({{ label.n }})</span>{% endif %}</li>{% endfor %}'
)


@pytest.mark.parametrize("display", ["list", "cloud"])
@pytest.mark.parametrize("counts", [True, False])
def test_the_labels_items_are_what_the_template_loop_wrote(display: str, counts: bool) -> None:
    from types import SimpleNamespace

    from django.template import Context, Template

    from broadsheet.reader.gadgets import labels_html, sorted_labels

    names = ["Seed saving", "<script>alert(1)</script>", "Tom & Jerry", "\"quoted\" 'too'"]
    names += ["Küche", "日本", "a/b?c#d", "100%", "  spaced  ", "x" * 200]
    labels = [SimpleNamespace(name=name, n=i * 7 + 1) for i, name in enumerate(names)]
    options = {"display": display, "counts": counts, "sort": "frequency"}
    shown = sorted_labels(labels, options)  # type: ignore[arg-type]
    context = Context({"labels": shown, "cloud": display == "cloud", "counts": counts})
    assert labels_html(shown, options) == Template(_LABEL_LOOP).render(context)  # type: ignore[arg-type]
