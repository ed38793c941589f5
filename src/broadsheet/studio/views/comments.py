"""Moderation in the studio, at /studio/comments/<blog>/: the four lists, one-comment actions,
bulk actions and replies. Admins moderate every comment of their blog, authors those on their
own posts; the actions check it again, and a comment out of reach answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from broadsheet.blogs.access import require
from broadsheet.blogs.models import Membership
from broadsheet.comments import access, actions
from broadsheet.comments.forms import BulkForm, ReplyForm
from broadsheet.comments.models import Comment
from broadsheet.studio.access import blog_view

SHELVES = [
    (Comment.Status.PENDING, "Awaiting moderation"),
    (Comment.Status.PUBLISHED, "Published"),
    (Comment.Status.SPAM, "Spam"),
    (Comment.Status.TRASH, "Deleted"),
]
DONE = {
    "approve": "Approved",
    "spam": "Marked as spam",
    "not-spam": "Marked as not spam and published",
    "delete": "Deleted",
    "restore": "Restored",
}
MemberView = Callable[..., HttpResponse]


def moderator_view(view: MemberView) -> MemberView:
    """The studio's `blog_view`, kept to those who moderate: admins and authors."""

    @blog_view()
    @wraps(view)
    def wrapped(
        request: HttpRequest, member: Membership, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        require(member.can_publish, "Contributors do not moderate comments.")
        return view(request, member, *args, **kwargs)

    return wrapped


def list_url(member: Membership, shelf: str) -> str:
    return reverse("comments-studio:list", args=[member.blog.slug]) + f"?status={shelf}"


def _shelf(value: str | None) -> str:
    return value if value in dict(SHELVES) else Comment.Status.PENDING


@require_safe
@moderator_view
def comment_list(request: HttpRequest, member: Membership) -> HttpResponse:
    shelf = _shelf(request.GET.get("status"))
    mine = Comment.objects.moderatable_by(member)
    counts = mine.aggregate(**{str(key): Count("pk", filter=Q(status=key)) for key, _ in SHELVES})
    rows = mine.filter(status=shelf).select_related("post", "parent").order_by("-created_at")
    context = {
        "member": member,
        "blog": member.blog,
        "shelf": shelf,
        "shelves": [(key, name, counts[key]) for key, name in SHELVES],
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "bulk_actions": BulkForm.base_fields["action"].choices,  # type: ignore[attr-defined]
    }
    return render(request, "comments/studio/list.html", context)


@require_POST
@moderator_view
def moderate(request: HttpRequest, member: Membership, pk: int, action: str) -> HttpResponse:
    if action not in actions.ACTIONS:
        raise Http404("No such action.")
    comment = access.comment_for(member, pk)
    shelf = comment.status
    actions.ACTIONS[action](member, comment)
    messages.success(request, f"{DONE[action]}: the comment by {comment.display_name}.")
    return redirect(list_url(member, _shelf(request.POST.get("shelf", shelf))))


@require_POST
@moderator_view
def bulk(request: HttpRequest, member: Membership) -> HttpResponse:
    form = BulkForm(request.POST)
    back = list_url(member, _shelf(request.POST.get("shelf")))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect(back)
    action = form.cleaned_data["action"]
    done = actions.bulk(member, action, access.comments_for(member, form.cleaned_data["ids"]))
    messages.success(request, f"{DONE[action]}: {done} comment{'s' if done != 1 else ''}.")
    return redirect(back)


@require_POST
@moderator_view
def reply(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    parent = access.comment_for(member, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("body", [])))
        return redirect(list_url(member, parent.status))
    actions.reply(member, parent, form.cleaned_data["body"])
    messages.success(request, f"Your reply to {parent.display_name} is published.")
    return redirect(list_url(member, Comment.Status.PUBLISHED))
