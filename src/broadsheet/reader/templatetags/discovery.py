"""`{% discovery_html %}`: the feed links and metadata of a page's `<head>`
(`reader/_discovery.html`); `{% discovery as head %}` hands a theme the parts instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template
from django.template.context import Context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from broadsheet.reader.head import Head, head

register = template.Library()


@register.simple_tag(takes_context=True)
def discovery(context: Context) -> Head:
    request, blog = context.get("request"), context.get("blog")
    if request is None or blog is None:
        return Head()
    return head(request, blog, {str(key): value for key, value in context.flatten().items()})


@register.simple_tag(takes_context=True)
def discovery_html(context: Context) -> SafeString:
    """The tags every reader page carries, written here rather than by a template's loops: on
    a miss those were some thirty nodes of the page, for a dozen lines. Each value goes out as
    `{{ value }}` would print it (escaped unless marked safe, as the JSON-LD is)."""
    return mark_safe(  # noqa: S308 - every value escaped below, as the template language does
        "".join(lines(discovery(context), conditional_escape if context.autoescape else str))
    )


def lines(found: Head, shown: Callable[[Any], str]) -> list[str]:
    out = [
        f'<link rel="alternate" type="{shown(feed.type)}" title="{shown(feed.title)}" '
        f'href="{shown(feed.href)}">\n'
        for feed in found.feeds
    ]
    if found.canonical:
        out.append(f'<link rel="canonical" href="{shown(found.canonical)}">\n')
    for rel, kind, href in found.services:
        typed = f' type="{shown(kind)}"' if kind else ""
        out.append(f'<link rel="{shown(rel)}"{typed} href="{shown(href)}">\n')
    if found.webmention:
        out.append(f'<link rel="webmention" href="{shown(found.webmention)}">\n')
    out += [f'<meta property="{shown(p)}" content="{shown(c)}">\n' for p, c in found.properties]
    out += [f'<meta name="{shown(n)}" content="{shown(c)}">\n' for n, c in found.names]
    if found.json_ld:
        out.append(f'<script type="application/ld+json">{shown(found.json_ld)}</script>\n')
    return out
