"""`{% discovery as head %}`: the feed links and metadata that `reader/_discovery.html` prints."""

from __future__ import annotations

from django import template
from django.template.context import Context

from broadsheet.reader.head import Head, head

register = template.Library()


@register.simple_tag(takes_context=True)
def discovery(context: Context) -> Head:
    request, blog = context.get("request"), context.get("blog")
    if request is None or blog is None:
        return Head()
    return head(request, blog, {str(key): value for key, value in context.flatten().items()})
