"""A Blogger backup with an embed of every provider: kept, shown as facades, reported when
unknown, and written back as iframes by both exports."""

from __future__ import annotations

import html
import io
from typing import Any

import pytest
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.core import embeds
from broadsheet.portability.actions import import_blogger
from broadsheet.portability.blogger_export import export_blogger
from broadsheet.portability.wordpress_export import export_wordpress
from broadsheet.portability.writer import UNKNOWN_EMBEDS
from broadsheet.posts.models import Post
from tests.portability.blogger_embeds import EMBEDS, UNKNOWN, YT, backup
from tests.portability.conftest import NOW

pytestmark = pytest.mark.django_db
BASE = "https://notes.example"
KEYS = {
    "youtube": f"youtube:{YT}",
    "youtube-flash": f"youtube:{YT}",
    "vimeo": "vimeo:76979871",
    "dailymotion": "dailymotion:x8abcd1",
    "blogger": "blogger:AD6v5dz_Qk-abc123XYZ",
    "maps": "maps:" + embeds.recognise(EMBEDS["maps"].split('"')[1]).ident,  # type: ignore[union-attr]
    "soundcloud": "soundcloud:tracks/293",
    "spotify": "spotify:track/4uLU6hMCjMI75M1A2tKUQC",
}


@pytest.fixture
def imported(blog: Blog, write_file: Any) -> Any:
    return import_blogger(blog, write_file(backup()), now=NOW)


def test_every_provider_is_kept_as_a_facade_and_the_source_untouched(
    blog: Blog, imported: Any
) -> None:
    for name, markup in EMBEDS.items():
        post = Post.objects.get(blog=blog, title=f"Embed {name}")
        assert markup in post.source
        assert f'data-embed="{KEYS[name]}"' in post.body_html, name
        assert "<iframe" not in post.body_html


def test_unknown_embeds_are_kept_in_the_source_named_on_the_page_and_in_the_report(
    blog: Blog, imported: Any, client: Client
) -> None:
    post = Post.objects.get(blog=blog, title="Unknown widget")
    assert UNKNOWN in post.source
    page = client.get(post.permalink).content.decode()
    assert "An embedded item from widgets.example.com is not shown." in page
    assert imported.skipped[UNKNOWN_EMBEDS] == 1
    assert "note: “Unknown widget” has embeds that are not shown, from: widgets.example.com" in (
        imported.lines()
    )


def test_styled_images_keep_their_look_as_classes(blog: Blog, imported: Any) -> None:
    body = Post.objects.get(blog=blog, title="Styled images").body_html
    assert '<div class="separator clear-both align-center">' in body
    assert '<p class="align-justify">' in body
    assert '<a href="https://example.org/big.jpg" class="float-left"' in body
    assert 'height="320" width="240"' in body and "style=" not in body


@pytest.mark.parametrize("export", [export_blogger, export_wordpress])
def test_exports_carry_each_embed_as_an_iframe(blog: Blog, imported: Any, export: Any) -> None:
    out = io.BytesIO()
    export(blog, out, base=BASE)
    # Blogger's content is escaped once as XML text; WXR's sits in CDATA.
    text = html.unescape(out.getvalue().decode())
    for key in set(KEYS.values()):
        embed = embeds.from_key(key)
        assert embed is not None
        assert f'<iframe src="{embed.frame_url}"' in text, key
    assert "embed-link" not in text


def test_a_blogger_round_trip_keeps_every_embed(
    blog: Blog, other_blog: Blog, imported: Any, write_file: Any
) -> None:
    out = io.BytesIO()
    export_blogger(blog, out, base=BASE)
    import_blogger(other_blog, write_file(out.getvalue(), "again.xml"), now=NOW)
    for name, key in KEYS.items():
        post = Post.objects.get(blog=other_blog, title=f"Embed {name}")
        assert f'data-embed="{key}"' in post.body_html, name
