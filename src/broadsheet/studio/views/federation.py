"""The fediverse in the studio, at /studio/fediverse/<blog>/ (the blog's admins): the blog's
handle and followers, and the servers and accounts it blocks."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from broadsheet.blogs.models import Membership
from broadsheet.federation import actors, blocks, queries
from broadsheet.federation.models import Block
from broadsheet.studio.access import blog_view
from broadsheet.studio.federation_forms import BlockForm


@require_safe
@blog_view(admin=True)
def overview(request: HttpRequest, member: Membership) -> HttpResponse:
    return _page(request, member, BlockForm())


def _page(
    request: HttpRequest, member: Membership, form: BlockForm, status: int = 200
) -> HttpResponse:
    blog = member.blog
    context = {
        "blog": blog,
        "member": member,
        "form": form,
        "handle": actors.handle(actors.blog_actor(blog)),
        "followers": queries.follower_count(blog),
        "blocks": Block.objects.filter(blog=blog).order_by("target"),
    }
    return render(request, "studio/federation.html", context, status=status)


@require_POST
@blog_view(admin=True)
def block(request: HttpRequest, member: Membership) -> HttpResponse:
    form = BlockForm(request.POST)
    if not form.is_valid():
        return _page(request, member, form, status=400)
    blocks.add(member.blog, form.cleaned_data["target"])
    messages.success(request, f"Blocked {form.cleaned_data['target']}.")
    return redirect("federation-studio:overview", member.blog.slug)


@require_POST
@blog_view(admin=True)
def unblock(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    found = get_object_or_404(Block, pk=pk, blog=member.blog)
    blocks.remove(found)
    messages.success(request, f"Unblocked {found.target}.")
    return redirect("federation-studio:overview", member.blog.slug)
