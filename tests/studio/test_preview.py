"""The live preview: the public pages' own rendering pipeline."""

from __future__ import annotations

from broadsheet.core import markup
from tests.studio.conftest import url


def test_preview_renders_markdown_and_sanitises(blog, author, signed_in):
    source = "# Hi\n\n<img src=x onerror=alert(1)> *there*"
    response = signed_in(author).post(
        url("preview", blog.slug), {"source": source, "source_format": "markdown"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert response.content.decode() == markup.render(source, "markdown")
    assert b"onerror" not in response.content


def test_a_video_address_pasted_on_its_own_line_previews_as_an_embed(blog, author, signed_in):
    source = "My talk:\n\nhttps://youtu.be/dQw4w9WgXcQ\n\nThanks for coming."
    response = signed_in(author).post(
        url("preview", blog.slug), {"source": source, "source_format": "markdown"}
    )
    html = response.content.decode()
    assert 'data-embed="youtube:dQw4w9WgXcQ"' in html
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html and "<iframe" not in html


def test_preview_of_html(blog, author, signed_in):
    response = signed_in(author).post(
        url("preview", blog.slug), {"source": "<p>a<br>b</p>", "source_format": "html"}
    )
    assert response.content == b"<p>a<br>b</p>"


def test_unknown_format_is_a_bad_request(blog, author, signed_in):
    assert (
        signed_in(author)
        .post(url("preview", blog.slug), {"source": "x", "source_format": "doc"})
        .status_code
        == 400
    )


def test_preview_of_another_blog_is_404(other_blog, author, signed_in):
    assert (
        signed_in(author)
        .post(url("preview", other_blog.slug), {"source": "x", "source_format": "html"})
        .status_code
        == 404
    )


def test_preview_is_post_only_with_csrf(blog, author, signed_in):
    assert signed_in(author).get(url("preview", blog.slug)).status_code == 405
    strict = signed_in(author, csrf=True)
    assert (
        strict.post(url("preview", blog.slug), {"source": "x", "source_format": "html"}).status_code
        == 403
    )


def test_a_body_past_the_size_bound_is_not_rendered(blog, author, signed_in, settings):
    settings.MAX_POST_BYTES = 1000
    response = signed_in(author).post(
        url("preview", blog.slug), {"source": "<div>" * 300, "source_format": "html"}
    )
    assert response.status_code == 400 and "at most 1,000 bytes" in response.content.decode()
