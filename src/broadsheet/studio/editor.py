"""What the editor page shows for a post or page: its buttons, notices and the script's hooks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse

from broadsheet.blogs.models import Membership
from broadsheet.core import markup
from broadsheet.posts.models import Autosave, Label, Page, Post
from broadsheet.studio.access import Item, Kind
from broadsheet.studio.links import public_url

COMPOSE_SCRIPT = "studio/build/compose.js"


@dataclass(frozen=True)
class Button:
    intent: str
    label: str
    primary: bool = False


def buttons(member: Membership, kind: Kind, item: Item | None) -> list[Button]:
    """The save buttons this member gets for this post or page (none if it is read-only)."""
    if item is not None and not item.editable_by(member):
        return []
    if item is not None and item.status != "draft":
        return [Button("publish", "Update", primary=True), Button("draft", "Revert to draft")]
    if kind == "posts" and not member.can_publish:
        return [Button("draft", "Save draft", primary=True)]
    found = [Button("draft", "Save draft"), Button("publish", "Publish", primary=True)]
    return [*found, Button("schedule", "Schedule")] if kind == "posts" else found


def render_editor(
    request: HttpRequest,
    member: Membership,
    kind: Kind,
    form: forms.Form,
    item: Item | None,
    *,
    autosaved: Autosave | None = None,
    preview: bool = False,
    status: int = 200,
) -> HttpResponse:
    """The editor page; `preview` renders the typed text below it (the no-script preview)."""
    context = {
        "member": member,
        "blog": member.blog,
        "kind": kind,
        "form": form,
        "item": item,
        "autosaved": autosaved,
        "buttons": buttons(member, kind, item),
        "preview_html": _preview(form) if preview else None,
        "label_options": _label_options(member, kind),
        "hooks": _script_hooks(member, kind, item, autosaved),
        "view_url": _view_url(request, item),
        "compose_script": compose_script(),
    }
    return render(request, "studio/editor.html", context, status=status)


def compose_script() -> str:
    """The Compose bundle's address, or "" when it was never built (`make assets`): the
    editor then offers Markdown and HTML only instead of failing the page (the manifest
    storage raises for a file it does not know)."""
    try:
        return static(COMPOSE_SCRIPT)
    except ValueError:
        return ""


def _preview(form: forms.Form) -> str:
    source = str(form.data.get("source", ""))
    fmt = str(form.data.get("source_format", markup.MARKDOWN))
    return markup.render(source, fmt if fmt in (markup.MARKDOWN, markup.HTML) else markup.MARKDOWN)


def _label_options(member: Membership, kind: Kind) -> list[str]:
    if kind != "posts":
        return []
    return list(Label.objects.filter(blog=member.blog).values_list("name", flat=True)[:500])


def _script_hooks(
    member: Membership, kind: Kind, item: Item | None, autosaved: Autosave | None
) -> dict[str, Any]:
    """Data attributes for editor.js: where to send autosaves and previews, and how to name
    this draft in the browser's storage (per blog, user, and post or page)."""
    blog = member.blog.slug
    base = f"broadsheet:{member.blog.pk}:{member.user.pk}:{kind}:"
    args = [blog, kind] + ([item.pk] if item else [])
    return {
        "storage_key": base + (str(item.pk) if item else "new"),
        "new_key": base + "new",
        "saved_token": item.updated_at.isoformat() if item else "new",
        "autosaved_at": autosaved.saved_at.isoformat() if autosaved else "",
        "autosave_url": reverse("studio:autosave" if item else "studio:autosave-new", args=args),
        "preview_url": reverse("studio:preview", args=[blog]),
        "images_url": reverse("studio:images", args=[blog]),
    }


def _view_url(request: HttpRequest, item: Item | None) -> str:
    if isinstance(item, Post) and item.is_public():
        return public_url(request, item.blog, item.permalink)
    if isinstance(item, Page) and item.status == Page.Status.PUBLISHED:
        return public_url(request, item.blog, item.get_absolute_url())
    return ""
