"""Mail goes only to people who are, when the worker sends it, what it was for (issue 12,
class 3; SECURITY.md "Mail can't be aimed").

Every kind of mail that goes to an account, or out on a member's behalf, is queued while
Grace is an active admin; then, before the worker runs, her account is deactivated, she is
removed from the blog, moved to another role, or removed and let back in. A mail for her role
(moderation notices, an invitation she sent, the newsletter's test mail she asked for, also
as an older release queued it) goes only if she still holds it; a mail for her account
(password reset, reply mail, the reply confirmation) goes only if the account is still on. Real queue, real SMTP server on loopback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from broadsheet.blogs import actions as blog_actions
from broadsheet.blogs.models import Blog, Invitation, Membership
from broadsheet.comments import actions as comment_actions
from broadsheet.comments import tasks as comment_tasks
from broadsheet.posts.models import Post
from broadsheet.studio.accounts import request_password_reset
from broadsheet.subscribers import tasks as subscriber_tasks
from tests.cast import signed_in
from tests.commenting import post_as
from tests.conftest import MakeComment
from tests.subscribers.conftest import Inbox, database_queue, run_queue, smtp

# The worker closes its connection between tasks: these tests commit (tests/subscribers).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("database_queue")]
__all__ = ["database_queue", "smtp"]  # the loopback SMTP server and the real queue

GRACE = "grace@example.com"
NEWCOMER = "newcomer@example.com"
ROLE, ACCOUNT = "role", "account"


def held_comment(world: dict[str, Any]) -> str:
    """A reader's comment held for moderation: the admins are told."""
    world["blog"].moderation = Blog.Moderation.ALWAYS
    world["blog"].save(update_fields=["moderation"])
    post_as(Client(), world["post"], name="Mary", email="mary@example.com")
    return GRACE


def sent_invitation(world: dict[str, Any]) -> str:
    """An invitation Grace sent: it speaks for her, so it goes only while she is an admin."""
    blog_actions.invite(Membership.of(world["admin"], world["blog"]), NEWCOMER, "author")
    return NEWCOMER


def newsletter_test_mail(world: dict[str, Any]) -> str:
    """The newsletter's "send me a test", which Grace asked for as the blog's admin."""
    path = f"/studio/subscribers/{world['blog'].slug}/test/"
    assert signed_in(world["admin"]).post(path, {"kind": "post"}).status_code == 302
    return GRACE


def newsletter_test_mail_queued_by_an_older_release(world: dict[str, Any]) -> str:
    """The same, queued before the worker judged it: the task was given her address."""
    subscriber_tasks.send_test.enqueue("post", world["blog"].pk, GRACE)
    return GRACE


def password_reset(world: dict[str, Any]) -> str:
    request_password_reset(GRACE, "198.51.100.7")
    return GRACE


def reply(world: dict[str, Any]) -> str:
    """An answer to a comment Grace wrote while signed in, on an address she confirmed."""
    mine = world["make_comment"](
        world["post"], user=world["admin"], author_email=GRACE, notify_replies=True
    )
    comment_actions.confirm_replies(world["blog"], GRACE)
    comment_actions.reply(Membership.of(world["author"], world["blog"]), mine, "Thanks!")
    return GRACE


def reply_confirmation(world: dict[str, Any]) -> str:
    mine = world["make_comment"](
        world["post"], user=world["admin"], author_email=GRACE, notify_replies=True
    )
    comment_tasks.ask_to_confirm.enqueue(mine.pk)
    return GRACE


KINDS: dict[str, tuple[Callable[[dict[str, Any]], str], str]] = {
    "moderation notice": (held_comment, ROLE),
    "invitation": (sent_invitation, ROLE),
    "newsletter test mail": (newsletter_test_mail, ROLE),
    "newsletter test mail, queued before an upgrade": (
        newsletter_test_mail_queued_by_an_older_release,
        ROLE,
    ),
    "password reset": (password_reset, ACCOUNT),
    "reply notification": (reply, ACCOUNT),
    "reply confirmation": (reply_confirmation, ACCOUNT),
}


def deactivated(user: User, blog: Blog) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)  # as the Django admin's checkbox


def removed(user: User, blog: Blog) -> None:
    Membership.objects.filter(user=user, blog=blog).delete()


def demoted(user: User, blog: Blog) -> None:
    Membership.objects.filter(user=user, blog=blog).update(role=Membership.Role.CONTRIBUTOR)


def let_back_in(user: User, blog: Blog) -> None:
    removed(user, blog)
    Membership.objects.create(user=user, blog=blog, role=Membership.Role.ADMIN)


def unchanged(user: User, blog: Blog) -> None:
    pass


# state: (change, does a role's mail still go, does an account's mail still go)
STATES: dict[str, tuple[Callable[[User, Blog], None], bool, bool]] = {
    "still an admin": (unchanged, True, True),
    "deactivated": (deactivated, False, False),
    "removed from the blog": (removed, False, True),
    "moved to contributor": (demoted, False, True),
    "removed, then let back in": (let_back_in, True, True),
}


@pytest.fixture
def world(
    blog: Blog, admin: User, author: User, post: Post, make_comment: MakeComment
) -> dict[str, Any]:
    return {"blog": blog, "admin": admin, "author": author, "post": post} | {
        "make_comment": make_comment
    }


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("kind", KINDS)
def test_mail_goes_only_to_who_it_is_for_when_sent(
    kind: str, state: str, world: dict[str, Any], smtp: Inbox
) -> None:
    queue, audience = KINDS[kind]
    change, role_mail, account_mail = STATES[state]
    recipient = queue(world)
    change(world["admin"], world["blog"])
    run_queue()
    expected = role_mail if audience == ROLE else account_mail
    assert bool(smtp.to(recipient)) is expected, smtp.recipients()


def link_in(inbox: Inbox, to: str) -> str:
    (message,) = inbox.to(to)
    found = re.search(r"http://localhost(/\S+/)", str(message.get_body(("plain",))))
    assert found is not None
    return found.group(1)


def test_a_reset_link_mailed_before_deactivation_sets_no_password(admin: User, smtp: Inbox) -> None:
    password_reset({})
    run_queue()
    link = link_in(smtp, GRACE)
    deactivated(admin, Blog())
    browser = Client()
    form = browser.get(link, follow=True)
    assert b"new_password1" not in form.content  # Django's "invalid link" page instead
    where = form.redirect_chain[-1][0] if form.redirect_chain else link
    browser.post(where, {"new_password1": "a fresh one 8271", "new_password2": "a fresh one 8271"})
    admin.refresh_from_db()
    assert admin.check_password("pw")


def test_an_invitation_from_a_deactivated_admin_lets_no_one_join(
    blog: Blog, admin: User, smtp: Inbox
) -> None:
    sent_invitation({"admin": admin, "blog": blog})
    run_queue()
    link = link_in(smtp, NEWCOMER)
    deactivated(admin, blog)
    joining = {"username": "newcomer", "password1": "pw-8271-long!", "password2": "pw-8271-long!"}
    assert Client().post(link, joining).status_code == 404
    assert not User.objects.filter(username="newcomer").exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_invitation_to_a_deactivated_account_is_not_mailed(
    blog: Blog, admin: User, smtp: Inbox
) -> None:
    gone = User.objects.create_user("gone", NEWCOMER, "pw", is_active=False)
    sent_invitation({"admin": admin, "blog": blog})
    run_queue()
    assert smtp.to(NEWCOMER) == [] and not gone.memberships.exists()
