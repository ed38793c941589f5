"""Who writes on a blog: members, their roles, invitations, and joining through one."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.models import User
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from broadsheet.blogs import actions
from broadsheet.blogs.access import NotAllowed
from broadsheet.blogs.models import Invitation, Membership
from broadsheet.studio.access import blog_view, invitation_for, membership_for
from broadsheet.studio.forms import InviteForm, JoinForm, RoleForm


@require_safe
@blog_view(admin=True)
def members(request: HttpRequest, member: Membership) -> HttpResponse:
    return _members_page(request, member, InviteForm())


def _members_page(
    request: HttpRequest, member: Membership, form: InviteForm, status: int = 200
) -> HttpResponse:
    context = {
        "member": member,
        "blog": member.blog,
        "form": form,
        "members": member.blog.memberships.select_related("user__profile").order_by(
            "user__username"
        ),
        "invitations": Invitation.objects.open().filter(blog=member.blog),
        "roles": Membership.Role.choices,
    }
    return render(request, "studio/members.html", context, status=status)


@require_POST
@blog_view(admin=True)
def invite(request: HttpRequest, member: Membership) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _members_page(request, member, form, status=400)
    email, role = form.cleaned_data["email"], form.cleaned_data["role"]
    actions.invite(member, email, role)
    messages.success(request, f"Invitation sent to {email}.")
    return redirect("studio:members", member.blog.slug)


@require_POST
@blog_view(admin=True)
def revoke(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    invitation = invitation_for(member, pk)
    actions.revoke_invitation(member, invitation)
    messages.success(request, f"The invitation to {invitation.email} no longer works.")
    return redirect("studio:members", member.blog.slug)


@require_POST
@blog_view(admin=True)
def change_role(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    target = membership_for(member, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles.")
        return redirect("studio:members", member.blog.slug)
    actions.change_role(member, target, form.cleaned_data["role"])
    messages.success(request, f"{target.user.get_username()} is now {target.get_role_display()}.")
    return redirect("studio:members", member.blog.slug)


@require_POST
@blog_view(admin=True)
def remove(request: HttpRequest, member: Membership, pk: int) -> HttpResponse:
    target = membership_for(member, pk)
    actions.remove_member(member, target)
    messages.success(request, f"{target.user.get_username()} no longer writes on this blog.")
    if target.user_id == member.user_id:
        return redirect("studio:home")
    return redirect("studio:members", member.blog.slug)


@require_http_methods(["GET", "HEAD", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation link: join the blog, creating an account first if need be."""
    invitation = actions.find_invitation(token)
    if invitation is None:
        raise Http404("This invitation link has been used, revoked or has expired.")
    signed_in = request.user.is_authenticated
    form = (
        None
        if signed_in
        else JoinForm(request.POST or None, initial={"username": invitation.email})
    )
    if request.method == "POST" and (form is None or form.is_valid()):
        joined = _join(request, form, invitation)
        messages.success(
            request, f"Welcome to {joined.blog.title}, as {joined.get_role_display()}."
        )
        return redirect("studio:dashboard", joined.blog.slug)
    context = {"invitation": invitation, "form": form, "blog": invitation.blog}
    status = 400 if form is not None and form.is_bound else 200
    return render(request, "studio/accept.html", context, status=status)


@transaction.atomic
def _join(request: HttpRequest, form: JoinForm | None, invitation: Invitation) -> Membership:
    """Accept for the signed-in user, or for a new account made from `form` (then signed in)."""
    if form is None:
        user = cast(User, request.user)
    else:
        user = form.save(commit=False)
        user.email = invitation.email
        user.save()
    try:
        joined = actions.accept_invitation(invitation, user)
    except NotAllowed:
        raise Http404("This invitation link has been used or has expired.") from None
    if form is not None:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return joined
