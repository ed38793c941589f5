"""Reader pages in each theme (reader.themes, docs/themes.md): what the lists show, the
stylesheet of the blog's options, previews, an operator's theme folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client, override_settings

from broadsheet.blogs.models import Blog
from broadsheet.core import colours
from broadsheet.core.themes import check_palette
from broadsheet.reader import themes
from tests.conftest import MakePost

pytestmark = pytest.mark.django_db
FOLDERS = str(Path(__file__).parent / "theme_folders")
PICTURE = '<img src="https://images.example/boat.jpg" alt="A boat">\n\nOut on the water.'


def wear(blog: Blog, name: str, **options: str) -> None:
    Blog.objects.filter(pk=blog.pk).update(theme=name, **options)


def test_every_built_in_palette_keeps_text_readable() -> None:
    for theme in themes.BUILT_IN:
        check_palette(theme.light, theme.name)
        check_palette(theme.dark, theme.name)


def test_column_lists_posts_as_text_under_date_headers(client: Client, make_post: MakePost) -> None:
    make_post("Boats", source=PICTURE)
    html = client.get("/").content.decode()
    assert 'class="theme-column width-medium scheme-auto"' in html
    assert "reader/themes/column.css" in html
    assert 'class="date-header"' in html
    assert 'class="card' not in html


def test_magazine_lists_cards_led_by_each_posts_first_image(
    client: Client, blog: Blog, make_post: MakePost
) -> None:
    make_post("Boats", source=PICTURE)
    make_post("Words only", source="No picture here.")
    wear(blog, "magazine")
    html = client.get("/").content.decode()
    assert "reader/themes/magazine.css" in html
    cards = re.findall(r'<article class="card h-entry([^"]*)">', html)
    assert cards == [" card-text", ""]  # newest first; the post without an image has no <img>
    assert '<img class="card-image" src="https://images.example/boat.jpg" alt=""' in html


def test_gallery_puts_the_image_first_on_label_pages_too(
    client: Client, blog: Blog, make_post: MakePost
) -> None:
    make_post("Boats", source=PICTURE, labels=("sea",))
    wear(blog, "gallery")
    html = client.get("/search/label/sea").content.decode()
    frame = html[html.index('<article class="frame') :]
    assert frame.index("frame-image") < frame.index("Boats")


def test_the_options_stylesheet_carries_the_blogs_choices(client: Client, blog: Blog) -> None:
    wear(blog, "magazine", theme_accent="#1f6f8b", theme_text_font="inter", theme_width="wide")
    page = client.get("/").content.decode()
    href = re.search(r'<link rel="stylesheet" href="(/theme\.css\?v=\w+)">', page)
    assert href is not None
    response = client.get(href.group(1))
    css = response.content.decode()
    assert response["Content-Type"].startswith("text/css")
    assert "--accent: #1f6f8b;" in css and "--measure: 50rem;" in css
    assert '--text-font: "Inter"' in css
    # Auto: the dark scheme gets a shade of the accent readable on the dark background.
    dark = re.search(r"prefers-color-scheme: dark.*--accent: (#\w{6});", css)
    assert dark is not None and colours.contrast(dark.group(1), themes.MAGAZINE.dark.bg) >= 4.5


def test_a_forced_dark_scheme_says_so_to_the_browser(client: Client, blog: Blog) -> None:
    wear(blog, "column", theme_scheme="dark")
    page = client.get("/").content.decode()
    assert '<meta name="color-scheme" content="dark">' in page
    css = client.get("/theme.css").content.decode()
    assert f"--bg: {themes.COLUMN.dark.bg};" in css and "prefers-color-scheme" not in css


def test_a_change_of_theme_names_another_stylesheet(client: Client, blog: Blog) -> None:
    before = client.get("/").content.decode()
    wear(blog, "column", theme_accent="#1f6f8b")
    assert client.get("/").content.decode() != before


def test_a_preview_wears_the_theme_asked_for_and_is_not_indexed(client: Client, blog: Blog) -> None:
    html = client.get("/?theme=gallery").content.decode()
    assert "theme-gallery" in html and '<meta name="robots" content="noindex, nofollow">' in html
    assert "&amp;theme=gallery" in html  # the options stylesheet is the previewed theme's
    assert "theme-column" in client.get("/?theme=no-such-theme").content.decode()


def test_a_missing_theme_falls_back_to_column(client: Client, blog: Blog) -> None:
    wear(blog, "gone-from-the-server")
    assert client.get("/").status_code == 200
    assert "theme-column" in client.get("/").content.decode()


@override_settings(THEMES_DIR=FOLDERS)
def test_an_operators_theme_lists_with_its_own_template_escaped(
    client: Client, blog: Blog, make_post: MakePost
) -> None:
    make_post("<b>Bold</b> & boats", source="Rowing out past the *harbour* wall at dawn.")
    wear(blog, "ledger")
    html = client.get("/").content.decode()
    assert "/static/themes/ledger/ledger.css" in html
    assert '<li class="ledger-row">' in html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; boats" in html
    # The post's plain text, which the reader's own pages leave in the database
    # (`prepared.UNREAD`): a theme that shows it still gets it.
    assert '<span class="ledger-words">Rowing out past the harbour wall …</span>' in html
    assert [t.name for t in themes.available()] == ["column", "magazine", "gallery", "ledger"]


@override_settings(THEMES_DIR=FOLDERS)
def test_a_broken_theme_folder_fails_the_system_check() -> None:
    from broadsheet.reader.checks import theme_folders_are_sound

    errors = theme_folders_are_sound(None)
    assert [e.id for e in errors] == ["reader.E001"]
    assert "broken" in errors[0].msg
