"""What posts and pages share: trash and restore, autosave, and the revision history.

The URL's `<kind>` is `posts` or `pages`; `item_for` fetches either, under the same rules.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from broadsheet.blogs.models import Membership
from broadsheet.posts import actions
from broadsheet.posts.models import Autosave
from broadsheet.studio.access import Item, Kind, blog_view, item_for, revision_for
from broadsheet.studio.diff import diff_lines
from broadsheet.studio.forms import AutosaveForm
from broadsheet.studio.throttle import throttled

KIND_OF = {"posts": Autosave.Kind.POST, "pages": Autosave.Kind.PAGE}


def editor_url(member: Membership, kind: Kind, item: Item | None) -> str:
    if item is None:
        return reverse(f"studio:{kind[:-1]}-new", args=[member.blog.slug])
    return reverse(f"studio:{kind[:-1]}-edit", args=[member.blog.slug, item.pk])


@require_POST
@blog_view()
def trash(request: HttpRequest, member: Membership, kind: Kind, pk: int) -> HttpResponse:
    item = actions.trash(member, item_for(member, kind, pk))
    messages.success(request, f"“{item}” is in the trash. You can restore it from there.")
    return redirect(reverse(f"studio:{kind[:-1]}-list", args=[member.blog.slug]))


@require_POST
@blog_view()
def restore(request: HttpRequest, member: Membership, kind: Kind, pk: int) -> HttpResponse:
    item = actions.restore(member, item_for(member, kind, pk))
    messages.success(request, f"“{item}” is back, as a draft.")
    return redirect(editor_url(member, kind, item))


@require_POST
@blog_view(json=True)
@throttled("autosave")
def autosave(
    request: HttpRequest, member: Membership, kind: Kind, pk: int | None = None
) -> HttpResponse:
    """Keep what the writer typed (JSON for the editor's script), or throw it away (a form)."""
    item = item_for(member, kind, pk) if pk is not None else None
    if "discard" in request.POST:
        actions.discard_autosave(member, item, KIND_OF[kind])
        messages.success(request, "Autosaved text discarded; this is the saved version.")
        return redirect(editor_url(member, kind, item))
    form = AutosaveForm(request.POST)
    if not form.is_valid():
        return invalid(form)
    saved = actions.autosave(
        member, item, KIND_OF[kind], form.content(), fields=form.other_fields()
    )
    return JsonResponse({"saved_at": saved.saved_at.isoformat()})


def invalid(form: AutosaveForm) -> JsonResponse:
    """The 400 for the editor's script, with one sentence it can show (a body too long)."""
    first = next(iter(form.errors.values()))[0]
    data = {"error": "invalid", "message": first, "fields": form.errors.get_json_data()}
    return JsonResponse(data, status=400)


@require_safe
@blog_view()
def revisions(request: HttpRequest, member: Membership, kind: Kind, pk: int) -> HttpResponse:
    item = item_for(member, kind, pk)
    context = {
        "member": member,
        "blog": member.blog,
        "kind": kind,
        "item": item,
        "revisions": item.revisions.select_related("author__profile")[:200],
        "editor_url": editor_url(member, kind, item),
    }
    return render(request, "studio/revisions.html", context)


@require_safe
@blog_view()
def revision(
    request: HttpRequest, member: Membership, kind: Kind, pk: int, revision_pk: int
) -> HttpResponse:
    """One earlier version, compared with the current text: what restoring it would change."""
    item = item_for(member, kind, pk)
    found = revision_for(item, revision_pk)
    context = {
        "member": member,
        "blog": member.blog,
        "kind": kind,
        "item": item,
        "revision": found,
        "title_changed": found.title != item.title,
        "lines": diff_lines(item.source, found.source),
        "editable": item.editable_by(member),
        "editor_url": editor_url(member, kind, item),
    }
    return render(request, "studio/revision.html", context)


@require_POST
@blog_view()
def revision_restore(
    request: HttpRequest, member: Membership, kind: Kind, pk: int, revision_pk: int
) -> HttpResponse:
    item = item_for(member, kind, pk)
    actions.restore_revision(member, revision_for(item, revision_pk))
    messages.success(request, "The earlier version is back. The text it replaced is kept too.")
    return redirect(editor_url(member, kind, item))
