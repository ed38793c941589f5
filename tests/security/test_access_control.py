"""Every URL pattern, by GET and POST, for every role, held to the rule table in `access_rules.py`.

The patterns come from the URL configuration itself (`get_resolver()`, walked recursively),
so a view added tomorrow fails `test_every_url_pattern_has_a_rule` until its rule is written.
Each request runs in a savepoint that is rolled back, so an allowed POST (trashing the post,
removing a member) does not change what the next role meets; a refused one must not change
the database at all.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security import access_rules as rules
from tests.security.browser import browser
from tests.security.cast import Cast, build_cast

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2024, 10, 20, 12, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or the route of an unnamed pattern
    route: str
    name: str | None  # what `reverse` takes
    params: tuple[str, ...]


def _walk(
    resolver: URLResolver, prefix: str = "", namespace: str = "", params: tuple[str, ...] = ()
) -> Iterator[Pattern]:
    for entry in resolver.url_patterns:
        found = params + tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + str(entry.pattern), inner, found)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}{entry.name}" if entry.name else None
            yield Pattern(name or route, route, name, found)


PATTERNS = list(_walk(get_resolver()))


def test_every_url_pattern_has_a_rule() -> None:
    missing = [pattern.key for pattern in PATTERNS if rules.rule_for(pattern.key) is None]
    assert not missing, f"URL patterns with no access rule in access_rules.py: {missing}"


def test_every_rule_names_a_url_pattern() -> None:
    keys = {pattern.key for pattern in PATTERNS}
    stale = sorted(set(rules.RULES) - keys) + sorted(set(rules.ADMIN_EXCEPTIONS) - keys)
    assert not stale, f"rules for URL patterns that no longer exist: {stale}"


@pytest.fixture(scope="module")
def cast(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Cast]:
    """Built once for the module, in a transaction rolled back at its end; every test runs
    in a savepoint inside it, and every request in a savepoint inside that."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_cast()
        transaction.set_rollback(True)


# --- requests and what they did ------------------------------------------------------------


# What a refused request may still write: the session (a signed-in client's own), django-axes'
# records of sign-in attempts, an app password's last use, and rate-limit counters (a refused
# request still counts against its sender's limits: core.ratelimit keeps them in the cache
# under one prefix).
HOUSEKEEPING = re.compile(
    r'^\s*(INSERT INTO|UPDATE|DELETE FROM) "?(django_session|axes_|blogs_apppassword)'
    r'|^\s*(INSERT INTO|UPDATE|DELETE FROM) "?broadsheet_cache"?\b.*\'(:\d+:)?ratelimit:',
    re.I | re.S,
)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)


def writes(queries: list[dict[str, Any]]) -> list[str]:
    """The statements that changed the database, other than housekeeping."""
    return [
        query["sql"][:120]
        for query in queries
        if WRITE.match(query["sql"]) and not HOUSEKEEPING.match(query["sql"])
    ]


def path_for(pattern: Pattern, args: dict[str, Any]) -> str:
    if pattern.name is not None:
        return reverse(pattern.name, kwargs={k: v for k, v in args.items() if k in pattern.params})
    # An unnamed pattern: fill its parameters in by hand (regular expression groups first).
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(args[m.group(1)]), pattern.route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(args[m.group(1)]), route)
    return "/" + route.lstrip("^").rstrip("$").replace("\\", "")


def outcome(response: HttpResponse) -> str:
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        # Sent to sign in first (with the page to come back to), not merely sent to the
        # sign-in page after signing out.
        location = response["Location"]
        return rules.LOGIN if "/login/" in location and "next=" in location else rules.OK
    return {
        401: rules.UNAUTHORIZED,
        403: rules.FORBIDDEN,
        404: rules.NOT_FOUND,
        405: rules.NOT_ALLOWED,
    }.get(code, rules.OK if code < 500 else str(code))


def request(
    cast: Cast, role: str, method: str, path: str, data: dict[str, Any], *, bearer: bool = False
) -> HttpResponse:
    if bearer:
        return api_request(cast, role, method, path, data)
    # A fresh browser with only the role's session and the CSRF cookie: whatever an earlier
    # request set (messages, a signed-out session) is forgotten, like the database changes.
    # Its form carries a valid token and goes through the CSRF check, as a browser's does.
    client = browser(cast.sessions.get(role))
    if method == "GET":
        return client.get(path)
    return client.post(path, data)


def api_request(
    cast: Cast, role: str, method: str, path: str, data: dict[str, Any]
) -> HttpResponse:
    """As an API client calls: the role's app password, no cookie, JSON."""
    client, token = Client(), cast.tokens.get(role)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method == "GET":
        return client.get(path, **headers)
    return client.post(path, json.dumps(data), content_type="application/json", **headers)


def arguments(pattern: Pattern, case: rules.Case, cast: Cast) -> dict[str, Any]:
    args = case.args(cast)
    if pattern.key.startswith("admin"):
        args = {name: rules.ADMIN_ARGS[name](cast) for name in pattern.params}
    return args


def check(pattern: Pattern, cast: Cast) -> list[str]:
    rule = rules.rule_for(pattern.key)
    assert rule is not None
    wrong = []
    for case in rule.cases:
        path = path_for(pattern, arguments(pattern, case, cast))
        path += f"?{case.query}" if case.query else ""
        for method, expected in (("GET", case.get), ("POST", case.post)):
            for role in rules.ROLES:
                with transaction.atomic(), CaptureQueriesContext(connection) as queries:
                    response = request(
                        cast, role, method, path, case.data(cast), bearer=case.bearer
                    )
                    got = outcome(response)
                    if not rules.matches(got, expected[role]):
                        wrong.append(f"{method} {path} as {role}: {got}, expected {expected[role]}")
                    elif rules.refused(got) and writes(queries.captured_queries):
                        changed = writes(queries.captured_queries)
                        wrong.append(f"{method} {path} as {role}: refused, yet wrote {changed}")
                    transaction.set_rollback(True)
    return wrong


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda pattern: pattern.key)
def test_who_may_do_what(pattern: Pattern, cast: Cast) -> None:
    wrong = check(pattern, cast)
    assert not wrong, "\n".join(wrong)


READER_PATTERNS = [p for p in PATTERNS if (r := rules.rule_for(p.key)) is not None and r.reader]


@pytest.mark.parametrize("pattern", READER_PATTERNS, ids=lambda pattern: pattern.key)
def test_a_private_blog_is_for_its_members_only(pattern: Pattern, cast: Cast) -> None:
    """The same reader pages on a private blog: 404 to everyone outside it."""
    cast.blog.is_private = True
    cast.blog.save()
    rule = rules.rule_for(pattern.key)
    assert rule is not None
    case = rule.cases[0]
    path = path_for(pattern, arguments(pattern, case, cast))
    path += f"?{case.query}" if case.query else ""
    wrong = []
    for role in rules.ROLES:
        expected = rules.OK if role in rules.MEMBERS else rules.NOT_FOUND
        if pattern.key == "comments:post" and role == "anonymous":
            expected = rules.NOT_FOUND
        got = outcome(request(cast, role, "GET", path, {}))
        if not rules.matches(got, expected):
            wrong.append(f"GET {path} as {role}: {got}, expected {expected}")
    assert not wrong, "\n".join(wrong)
