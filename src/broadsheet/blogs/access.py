"""Who may do what on a blog: the role refusal every action raises, and who may read it.

Actions in every app check the acting member's role with `require` and raise `NotAllowed`
(a PermissionDenied); the studio answers it with a 403 that says why, the API with a JSON
error. Reading is the other half: a private blog is for its members only.
"""

from __future__ import annotations

from collections.abc import Collection

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from broadsheet.blogs.models import Blog, Invitation, Membership


class NotAllowed(PermissionDenied):
    """The acting member's role does not allow this."""


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def reader_blog(request: HttpRequest) -> Blog:
    """The blog this Host names, if the visitor may read it; otherwise a 404.

    A private blog answers 404 rather than 403 to outsiders, so its existence does not leak.
    """
    blog: Blog | None = getattr(request, "blog", None)
    if blog is None:
        raise Http404("No blog is served at this address.")
    if blog.is_private and not is_member(request.user, blog):
        raise Http404("This blog is private.")
    return blog


def is_member(user: AbstractBaseUser | AnonymousUser, blog: Blog) -> bool:
    """A member of the blog, or a superuser (who runs every blog of the install)."""
    if not user.is_authenticated:
        return False
    return bool(getattr(user, "is_superuser", False)) or (
        Membership.objects.filter(blog=blog, user_id=user.pk).exists()
    )


# Mail to or on behalf of a member asks the helpers below in the task worker, when it sends,
# not only when the mail was queued: someone deactivated by the operator, removed from the
# blog or moved to another role in between is no longer whom the mail was for.


def current_members(blog: Blog, roles: Collection[str]) -> QuerySet[User]:
    """Active accounts holding one of `roles` on the blog now."""
    return User.objects.filter(
        is_active=True, memberships__blog=blog, memberships__role__in=list(roles)
    )


def standing(user_id: int | None, blog: Blog, roles: Collection[str]) -> User | None:
    """The account if it is active and holds one of `roles` on the blog now; else None.

    A superuser acts as an admin of every blog (`Membership.of`), so stands as one.
    """
    user = User.objects.filter(pk=user_id or 0, is_active=True).first()
    if user is None:
        return None
    if user.is_superuser and Membership.Role.ADMIN in roles:
        return user
    return user if current_members(blog, roles).filter(pk=user.pk).exists() else None


def invitation_stands(invitation: Invitation) -> bool:
    """Whether an invitation may still be mailed and accepted: whoever sent it is still an
    active admin of the blog, and its address is not only that of deactivated accounts (an
    operator who turned a person off meant it; a new account by invitation would undo it)."""
    if standing(invitation.invited_by_id, invitation.blog, [Membership.Role.ADMIN]) is None:
        return False
    same = User.objects.filter(email__iexact=invitation.email)
    return not same.filter(is_active=False).exists() or same.filter(is_active=True).exists()
