"""Follow by Email in the studio, at /studio/subscribers/<blog>/ (the blog's admins): counts,
subscribers, sends and their deliveries, the newsletter setting, a preview of the next mail,
a test mail to oneself, and the list as CSV."""

from __future__ import annotations

import csv
from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from broadsheet.blogs.access import require
from broadsheet.blogs.models import Membership
from broadsheet.studio.access import blog_view
from broadsheet.subscribers import digest, lists, tasks
from broadsheet.subscribers.models import Delivery, NewsletterSettings, Send, Subscriber

KINDS = (Send.Kind.POST, Send.Kind.DIGEST)


def _kind(request: HttpRequest) -> str:
    raw = request.GET.get("kind") or request.POST.get("kind") or Send.Kind.POST
    return raw if raw in KINDS else Send.Kind.POST


@require_safe
@blog_view(admin=True)
def overview(request: HttpRequest, member: Membership) -> HttpResponse:
    blog = member.blog
    people = Subscriber.objects.filter(blog=blog).order_by("-created_at")
    page = Paginator(people, 100).get_page(request.GET.get("page"))
    context = {"blog": blog, "member": member, "counts": lists.counts(blog), "page": page}
    context["sends"] = _sends(member)
    context["full_posts"] = next(
        iter(NewsletterSettings.objects.filter(blog=blog).values_list("full_posts", flat=True)),
        True,
    )
    return render(request, "studio/subscribers.html", context)


def _sends(member: Membership) -> list[Send]:
    states = {
        state: Count("deliveries", filter=Q(deliveries__state=state))
        for state in Delivery.State.values
    }
    sends = Send.objects.filter(blog=member.blog).annotate(**states).order_by("-created_at")
    return list(sends[:20])


@require_safe
@blog_view(admin=True)
def preview(request: HttpRequest, member: Membership) -> HttpResponse:
    """The next mail of a kind, as subscribers would see it (links to nobody's unsubscribe)."""
    kind = _kind(request)
    content = digest.next_content(kind, member.blog, timezone.now())
    context = {"blog": member.blog, "member": member, "content": content, "kind": kind}
    return render(request, "studio/subscribers_preview.html", context)


@require_POST
@blog_view(admin=True)
def send_test(request: HttpRequest, member: Membership) -> HttpResponse:
    """Mail the preview to the admin who asked, through the queue."""
    to = getattr(request.user, "email", "")
    require(bool(to), "Add an e-mail address to your account first.")
    job = partial(tasks.send_test.enqueue, _kind(request), member.blog.pk, member.user.pk)
    transaction.on_commit(job)
    messages.success(request, f"A test mail is on its way to {to}.")
    return redirect("subscribers-studio:overview", member.blog.slug)


@require_POST
@blog_view(admin=True)
def newsletter_settings(request: HttpRequest, member: Membership) -> HttpResponse:
    full = request.POST.get("content", "full") != "excerpt"
    NewsletterSettings.objects.update_or_create(blog=member.blog, defaults={"full_posts": full})
    messages.success(request, "Saved.")
    return redirect("subscribers-studio:overview", member.blog.slug)


@require_safe
@blog_view(admin=True)
def export(request: HttpRequest, member: Membership) -> HttpResponse:
    answer = HttpResponse(content_type="text/csv; charset=utf-8")
    answer["Content-Disposition"] = f'attachment; filename="{member.blog.slug}-subscribers.csv"'
    csv.writer(answer).writerows(lists.export_rows(member.blog))
    return answer
