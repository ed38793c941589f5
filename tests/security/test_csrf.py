"""CSRF: every URL that accepts a POST refuses one without a token (403) and writes nothing.

The URLs come from the access rule table (every pattern a role may POST to), so a new
state-changing view is covered the day its rule is written. Three views check by other means,
on purpose, and are held to that instead: the comment form (a failed check hands the comment
back on a confirm page, stored nowhere) and the unsubscribe and reply-confirmation links
(their signed token is the credential; mail clients post the first with no cookie). The API
(`/blogger/v3/`) takes no cookie at all: a POST carrying only a session is answered 401.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from broadsheet.comments.models import Comment
from tests.security import access_rules as rules
from tests.security.cast import Cast, build_cast
from tests.security.test_access_control import PATTERNS, Pattern, arguments, path_for, writes

pytestmark = pytest.mark.django_db

CHECKED_BY_HAND = {"comments:post", "comments:unsubscribe", "comments:confirm-replies"}
# Follow by Email: the sidebar's form sits on cached pages with no token; a forged sign-up
# can only queue the one, rate-limited confirmation mail (reader/subscriber_views.py).
SIGNED_OR_HARMLESS = {"subscribers:subscribe", "subscribers:confirm", "subscribers:unsubscribe"}
# XML-RPC signs in with the user name and app password inside the call, and the token
# endpoint is told the token it is asked about, never by a cookie: a forged POST riding on a
# session is a call from nobody (a fault, "not active"), and writes nothing.
CREDENTIALS_IN_BODY = {"api:xmlrpc-php", "api:xmlrpc", "api:token"}
# Webmention: other sites' servers post with no session, and the request stores nothing:
# only the queued fetch, once the source is found to link here, does (webmention/views.py).
CROSS_SITE = {"webmention:receive"}
# Whom to send: the first role the table lets POST there.
PREFERENCE = ("admin", "owner", "operator", "contributor", "reader", "anonymous")


def posting_cases() -> list[tuple[Pattern, int, str]]:
    found = []
    for pattern in PATTERNS:
        rule = rules.rule_for(pattern.key)
        assert rule is not None
        for number, case in enumerate(rule.cases):
            allowed = [role for role in PREFERENCE if rules.matches(rules.OK, case.post[role])]
            allowed = [role for role in allowed if case.post[role] in (rules.OK, rules.REACHED)]
            if allowed:
                found.append((pattern, number, allowed[0]))
    return found


CASES = posting_cases()


@pytest.fixture(scope="module")
def cast(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Cast]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_cast()
        transaction.set_rollback(True)


def test_the_state_changing_views_are_all_found() -> None:
    keys = {pattern.key for pattern, _number, _role in CASES}
    for expected in (
        "studio:post-new",
        "studio:blog-settings",
        "comments-studio:bulk",
        "studio:logout",
    ):
        assert expected in keys
    assert len(CASES) > 40


@pytest.mark.parametrize(
    ("pattern", "number", "role"), CASES, ids=[f"{p.key}#{n}-{r}" for p, n, r in CASES]
)
def test_a_post_without_a_csrf_token_is_refused(
    pattern: Pattern, number: int, role: str, cast: Cast
) -> None:
    rule = rules.rule_for(pattern.key)
    assert rule is not None
    case = rule.cases[number]
    path = path_for(pattern, arguments(pattern, case, cast))
    client = Client(enforce_csrf_checks=True)
    if role in cast.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = cast.sessions[role]
    client.get("/studio/login/")  # a CSRF cookie, as a browser would hold: only the token lacks
    comments = Comment.objects.count()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        response = client.post(path, case.data(cast))
        changed = writes(queries.captured_queries)
        transaction.set_rollback(True)
    if pattern.key == "comments:post":
        assert response.status_code == 200 and b"Confirm your comment" in response.content
        assert Comment.objects.count() == comments
    elif pattern.key in ("comments:unsubscribe", "comments:confirm-replies"):
        assert response.status_code == 200  # the signed token is the credential
    elif pattern.key in SIGNED_OR_HARMLESS:
        assert response.status_code in (200, 429)
    elif pattern.key in CREDENTIALS_IN_BODY:
        assert response.status_code == 200, (path, role, response.status_code)
        assert not changed, changed
    elif pattern.key in CROSS_SITE:
        assert response.status_code in (202, 400, 429)
        assert Comment.objects.count() == comments
    elif case.bearer:
        # The API takes no cookie, which is its CSRF defence: the signed-in browser a forged
        # cross-site POST rides on is nobody there.
        assert response.status_code == 401, (path, role, response.status_code)
        assert not changed, changed
    else:
        assert response.status_code == 403, (path, role, response.status_code)
        assert not changed, changed


def test_a_token_from_another_session_is_refused(cast: Cast) -> None:
    """A token an attacker got for their own session does not work in the victim's."""
    attacker = Client(enforce_csrf_checks=True)
    attacker.get("/studio/login/")
    token = attacker.cookies[settings.CSRF_COOKIE_NAME].value
    victim = Client(enforce_csrf_checks=True)
    victim.cookies[settings.SESSION_COOKIE_NAME] = cast.sessions["admin"]
    victim.get("/studio/login/")
    response = victim.post(
        f"/studio/{cast.blog.slug}/posts/new/",
        {**rules.editor_data(cast), "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 403
