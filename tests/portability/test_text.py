"""Comment text, titles, WordPress paragraphs and safe URLs."""

from __future__ import annotations

import pytest

from broadsheet.portability.text import (
    email_or_blank,
    html_to_text,
    plain_title,
    text_to_html,
    web_url,
    wpautop,
    xml_text,
)


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("Plain &amp; simple", "Plain & simple"),
        ("one<br>two<br/>three", "one\ntwo\nthree"),
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ('see <a href="https://x.example/">this</a>', "see this (https://x.example/)"),
        ('<a href="https://x.example/">https://x.example/</a>', "https://x.example/"),
        ('<a href="javascript:alert(1)">click</a>', "click"),
        ("<script>alert(1)</script>visible<style>p{}</style>", "visible"),
        ("a\n\n\n\nb", "a\n\nb"),
        ("  spaced   out  ", "spaced out"),
        # html.parser raised AssertionError on marked sections; they are text here.
        ('<![><img src="]><img src=x onerror=alert(1)//">', "<![>"),
        ("<![CDATA[x]]> y", "<![CDATA[x]]> y"),
    ],
)
def test_comment_html_becomes_text(source: str, text: str) -> None:
    assert html_to_text(source) == text


def test_text_and_html_round_trip() -> None:
    text = "First line\nsecond line\n\nNew <paragraph> & more"
    assert html_to_text(text_to_html(text)) == text


def test_titles_lose_markup_only_when_they_are_html() -> None:
    assert plain_title("A <em>b</em> &amp; c", is_html=True) == "A b & c"
    assert plain_title("A <em>b</em> &amp; c", is_html=False) == "A <em>b</em> &amp; c"
    assert plain_title("  spread\n out ", is_html=False) == "spread out"


def test_wpautop_makes_paragraphs_and_breaks() -> None:
    assert wpautop("one\ntwo\n\nthree") == "<p>one<br />\ntwo</p>\n<p>three</p>"
    assert wpautop("<ul>\n<li>x</li>\n</ul>\n\nafter") == "<ul>\n<li>x</li>\n</ul>\n<p>after</p>"
    assert wpautop("<pre>a\n\nb</pre>") == "<pre>a\n\nb</pre>"
    assert wpautop("<!-- wp:paragraph -->\n<p>x</p>\n\n<!-- /wp:paragraph -->") == (
        "<!-- wp:paragraph -->\n<p>x</p>\n\n<!-- /wp:paragraph -->"
    )
    assert wpautop("single line") == "single line"


def test_only_web_urls_and_plausible_emails_are_kept() -> None:
    assert web_url(" https://a.example/x ") == "https://a.example/x"
    assert web_url("javascript:alert(1)") == web_url("data:text/html,x") == ""
    assert web_url("http://[broken") == ""
    assert email_or_blank("a@b.example") == "a@b.example"
    assert email_or_blank("not an email") == email_or_blank("<a@b.c>") == ""


def test_xml_text_drops_what_xml_cannot_carry() -> None:
    assert xml_text("a\x00b\x1fc\ufffed\t😀") == "abcd\t😀"
