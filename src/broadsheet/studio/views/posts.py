"""The post list and the post editor."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from broadsheet.blogs.models import Membership
from broadsheet.blogs.quotas import OverQuota
from broadsheet.posts.actions import Intent, pending_autosave, write_post
from broadsheet.posts.models import Label, Post, PostQuerySet
from broadsheet.stats.queries import views_of_posts
from broadsheet.studio.access import blog_view, post_for
from broadsheet.studio.editor import render_editor
from broadsheet.studio.forms import PostForm, autosave_initial, post_initial

SHELVES = {
    "": "All",
    "draft": "Drafts",
    "scheduled": "Scheduled",
    "published": "Published",
    "trash": "Trash",
}


INTENTS = frozenset(intent.value for intent in Intent)


def _filter_text(request: HttpRequest, name: str) -> str:
    # Cut to a title's length (SQLite refuses a LIKE pattern over 50,000 bytes) and without
    # NUL (PostgreSQL refuses it in any text): both were a 500. No title holds either.
    return request.GET.get(name, "").replace("\x00", "").strip()[:500]


@require_safe
@blog_view()
def post_list(request: HttpRequest, member: Membership) -> HttpResponse:
    shelf = request.GET.get("status", "")
    shelf = shelf if shelf in SHELVES else ""
    label, query = _filter_text(request, "label"), _filter_text(request, "q")
    mine = Post.objects.visible_to(member)
    posts = _search(_shelf(mine, shelf), label, query).select_related("author__profile")
    posts = posts.prefetch_related("labels")
    page = Paginator(posts.order_by("-updated_at", "-id"), 25).get_page(request.GET.get("page"))
    _count_views(page.object_list)
    context = {
        "member": member,
        "blog": member.blog,
        "page": page,
        "shelf": shelf,
        "shelves": [(key, name, _shelf(mine, key).count()) for key, name in SHELVES.items()],
        "label": label,
        "query": query,
        "labels": label_options(member),
        "keep": urlencode({"status": shelf, "label": label, "q": query}),
    }
    return render(request, "studio/post_list.html", context)


def label_options(member: Membership) -> list[str]:
    """The names the label filter offers: as many as the editor offers (a blog may hold
    100,000 labels, which as a list of choices made the page megabytes long); any other is
    typed, and the filter takes whatever is typed."""
    return list(Label.objects.filter(blog=member.blog).values_list("name", flat=True)[:500])


def _count_views(posts: Iterable[Post]) -> None:
    """Each post's all-time views as `.views`, in one query for the page of the list."""
    shown = list(posts)
    views = views_of_posts(post.pk for post in shown)
    for post in shown:
        post.views = views.get(post.pk, 0)  # type: ignore[attr-defined]


def _shelf(posts: PostQuerySet, shelf: str) -> PostQuerySet:
    now = timezone.now()
    return {
        "draft": posts.drafts,
        "scheduled": lambda: posts.scheduled(now),
        "published": lambda: posts.published(now),
        "trash": posts.trashed,
    }.get(shelf, posts.not_trashed)()


def _search(posts: PostQuerySet, label: str, query: str) -> PostQuerySet:
    if label:
        posts = posts.filter(labels__name=label)
    if query:
        posts = posts.filter(Q(title__icontains=query) | Q(source__icontains=query))
    return posts


@require_http_methods(["GET", "HEAD", "POST"])
@blog_view()
def post_new(request: HttpRequest, member: Membership) -> HttpResponse:
    if request.method == "POST":
        return _save(request, member, None)
    autosaved = pending_autosave(member, None, "post")
    form = PostForm(initial=autosave_initial(autosaved), blog=member.blog)
    return render_editor(request, member, "posts", form, None, autosaved=autosaved)


@require_http_methods(["GET", "HEAD", "POST"])
@blog_view()
def post_edit(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    post = post_for(member, pk)
    if request.method == "POST":
        return _save(request, member, post)
    autosaved = pending_autosave(member, post, "post")
    form = PostForm(initial=post_initial(post, autosaved), blog=member.blog)
    return render_editor(request, member, "posts", form, post, autosaved=autosaved)


def _save(request: HttpRequest, member: Membership, post: Post | None) -> HttpResponse:
    form = PostForm(request.POST, blog=member.blog)
    intent = request.POST.get("intent", "draft")
    if intent == "preview":
        return render_editor(request, member, "posts", form, post, preview=True)
    if intent not in INTENTS:
        return HttpResponseBadRequest("Unknown button.")
    status = 400
    if form.is_valid():
        try:
            saved = write_post(member, post, form.content(), Intent(intent))
        except ValidationError as error:
            form.add_error(None, error)
            status = 429 if isinstance(error, OverQuota) else 400
        else:
            messages.success(request, _saved_message(saved))
            return redirect(_after_save(request, member, saved, created=post is None))
    return render_editor(request, member, "posts", form, post, status=status)


def _saved_message(post: Post) -> str:
    if post.status == Post.Status.DRAFT:
        return "Draft saved."
    if post.is_scheduled and post.published_at is not None:
        when = timezone.localtime(post.published_at)
        return f"Scheduled for {when:%A} {when.day} {when:%B %Y at %H:%M} ({post.blog.time_zone})."
    return "Published."


def _after_save(request: HttpRequest, member: Membership, post: Post, *, created: bool) -> str:
    url = reverse("studio:post-edit", args=[member.blog.slug, post.pk])
    # The script clears this browser's copy of the new draft it was typed into.
    draft = request.POST.get("client_draft", "")
    return f"{url}?{urlencode({'from_draft': draft})}" if created and draft else url
