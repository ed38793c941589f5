"""Static pages: their list and the same editor as posts (no labels, no schedule)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from broadsheet.blogs.models import Membership
from broadsheet.posts.actions import Intent, pending_autosave, write_page
from broadsheet.posts.models import Page
from broadsheet.studio.access import blog_view, page_for
from broadsheet.studio.editor import render_editor
from broadsheet.studio.forms import PageForm, autosave_initial, page_initial

PAGE_INTENTS = frozenset({Intent.DRAFT.value, Intent.PUBLISH.value})


@require_safe
@blog_view(admin=True)
def page_list(request: HttpRequest, member: Membership) -> HttpResponse:
    pages = Page.objects.filter(blog=member.blog).order_by("status", "position", "title")
    context = {"member": member, "blog": member.blog, "pages": pages}
    return render(request, "studio/page_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@blog_view(admin=True)
def page_new(request: HttpRequest, member: Membership) -> HttpResponse:
    if request.method == "POST":
        return _save(request, member, None)
    autosaved = pending_autosave(member, None, "page")
    form = PageForm(initial=autosave_initial(autosaved), blog=member.blog)
    return render_editor(request, member, "pages", form, None, autosaved=autosaved)


@require_http_methods(["GET", "HEAD", "POST"])
@blog_view(admin=True)
def page_edit(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    page = page_for(member, pk)
    if request.method == "POST":
        return _save(request, member, page)
    autosaved = pending_autosave(member, page, "page")
    form = PageForm(initial=page_initial(page, autosaved), blog=member.blog)
    return render_editor(request, member, "pages", form, page, autosaved=autosaved)


def _save(request: HttpRequest, member: Membership, page: Page | None) -> HttpResponse:
    form = PageForm(request.POST, blog=member.blog)
    intent = request.POST.get("intent", "draft")
    if intent == "preview":
        return render_editor(request, member, "pages", form, page, preview=True)
    if intent not in PAGE_INTENTS:
        return HttpResponseBadRequest("Unknown button.")
    if form.is_valid():
        try:
            saved = write_page(member, page, form.content(), Intent(intent))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            published = saved.status == Page.Status.PUBLISHED
            messages.success(request, "Page published." if published else "Draft saved.")
            url = reverse("studio:page-edit", args=[member.blog.slug, saved.pk])
            draft = request.POST.get("client_draft", "")
            if page is None and draft:
                url += "?" + urlencode({"from_draft": draft})
            return redirect(url)
    return render_editor(request, member, "pages", form, page, status=400)
