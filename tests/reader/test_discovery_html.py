"""`{% discovery_html %}` writes a page's head tags in Python: the same bytes as the template's
loops it replaced, for any head, hostile values included."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from broadsheet.reader.head import FeedLink, Head, json_ld
from broadsheet.reader.templatetags.discovery import lines

# reader/_discovery.html as it was, with the head handed in instead of computed.
LOOPS = """{% for feed in head.feeds %}<link rel="alternate" type="{{ feed.type }}" \
title="{{ feed.title }}" href="{{ feed.href }}">
{% endfor %}{% if head.canonical %}<link rel="canonical" href="{{ head.canonical }}">
{% endif %}{% for rel, type, href in head.services %}<link rel="{{ rel }}"\
{% if type %} type="{{ type }}"{% endif %} href="{{ href }}">
{% endfor %}{% if head.webmention %}<link rel="webmention" href="{{ head.webmention }}">
{% endif %}{% for property, content in head.properties %}<meta property="{{ property }}" \
content="{{ content }}">
{% endfor %}{% for name, content in head.names %}<meta name="{{ name }}" content="{{ content }}">
{% endfor %}{% if head.json_ld %}<script type="application/ld+json">{{ head.json_ld }}</script>
{% endif %}"""

HOSTILE = "\"><script>alert(1)</script> & 'quoted' <b>"

HEADS = [
    Head(),
    Head(
        feeds=[FeedLink("application/atom+xml", "Plot 29 - Atom", "http://x/feeds/posts/default")],
        canonical="http://x/",
        services=[("EditURI", "application/rsd+xml", "http://x/rsd.xml"), ("micropub", "", "/m")],
        properties=[("og:site_name", "Plot 29"), ("og:type", "website")],
        names=[("twitter:card", "summary")],
    ),
    Head(
        feeds=[FeedLink("application/atom+xml", HOSTILE, f"http://x/?a=1&b={HOSTILE}")],
        canonical=f"http://x/{HOSTILE}",
        properties=[("og:title", HOSTILE), ("article:tag", mark_safe("<i>safe</i>"))],
        names=[("robots", "noindex"), ("twitter:description", HOSTILE)],
        json_ld=json_ld({"headline": HOSTILE, "keywords": ["a&b", "</script>"]}),
        webmention=f"http://x/webmention?{HOSTILE}",
    ),
]


@pytest.mark.parametrize("head", HEADS)
def test_the_written_head_is_the_one_the_template_loops_made(head: Head) -> None:
    expected = engines["django"].from_string(LOOPS).render({"head": head})
    assert "".join(lines(head, conditional_escape)) == expected


def test_no_markup_gets_through_the_written_head() -> None:
    written = "".join(lines(HEADS[2], conditional_escape))
    assert "<script>alert" not in written and "<b>" not in written
    assert "<i>safe</i>" in written  # marked safe, as `{{ }}` leaves it
