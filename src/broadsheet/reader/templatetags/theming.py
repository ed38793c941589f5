"""`{% look as look %}`: the theme a reader page wears (`reader.themes.look`), for base.html."""

from __future__ import annotations

from django import template
from django.template.context import Context

from broadsheet.reader.themes import Look
from broadsheet.reader.themes import look as look_of

register = template.Library()


@register.simple_tag(takes_context=True)
def look(context: Context) -> Look | None:
    blog = context.get("blog")
    return look_of(blog, context.get("request")) if blog is not None else None
