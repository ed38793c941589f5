"""No input gives a server error: every URL pattern, fuzzed in every part.

The walk takes every pattern from the URL resolver (`fuzz_routes.walk`, recursively through
includes), and hypothesis fills its path parts (values its converter or regex group accepts,
the real objects of the cast and the demo blog, and hostile ones), adds query parameters (every
name the views read, Blogger's, unknown ones; repeated, empty, broken), picks a Host header
ALLOWED_HOSTS accepts or refuses, and sends GET, HEAD or a POST whose body is a valid form
with hostile values in some of its fields. A POST goes as a browser sends it (`browser.py`):
the CSRF check on, the token in the form or in the header the studio's scripts set, the form
multipart (`FormData`) or form-encoded, sometimes with an odd type around it; a quarter carry
no valid token and must be refused. An API client's JSON goes too. Anonymous readers walk every
pattern but the API's, which the blog's admin walks with an app password; the admin walks the
studio's again. The answer may be anything but a 5xx.

Each request runs in a savepoint that is rolled back, on the cast of `test_access_control.py`
plus the demo blog. The budget is fixed (`derandomize=True`, no example database), so a run is
the same run on every machine: about 7 minutes of CPU on either database before the test
settings stopped WhiteNoise listing the static files for each client, about a third less
since (bench/RESULTS.md, "The fuzz walk's run time").
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.test import Client
from django.urls import Resolver404
from django.utils.http import parse_header_parameters
from hypothesis import HealthCheck, Phase, given, note
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

from broadsheet.core.bodies import decodable
from broadsheet.core.pagecache import store
from broadsheet.demo.loader import load_demo
from broadsheet.posts.models import Label, Page, Post
from tests.security import access_rules as rules
from tests.security.browser import (
    CSRF_REFUSED,
    FORM,
    MULTIPART,
    browser,
    csrf_token,
    multipart_body,
)
from tests.security.cast import Cast, build_cast
from tests.security.fuzz_routes import (
    FORMS,
    HOSTS,
    QUERY_PARAMS,
    Route,
    app_form_classes,
    file_fields,
    fill,
    form_fields,
    names_read,
    routes,
)
from tests.security.fuzz_values import (
    PATH_SWEEP,
    SWEEP,
    encode,
    form_body,
    json_body,
    values,
)

pytestmark = pytest.mark.django_db

ROUTES = routes()
# The Django admin's 65 patterns all answer an anonymous visitor the same way (its sign-in
# page): a few examples each. Ours get the budget.
EXAMPLES_OURS = 4
EXAMPLES_ADMIN_SITE = 2
BUDGET = dict(
    derandomize=True,
    # No shrinking: a 500 is reported with the request that made it, and a shrink would cost
    # hundreds of requests.
    phases=[Phase.explicit, Phase.generate],
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # every example rolls its own savepoint back
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@dataclass(frozen=True)
class World:
    cast: Cast
    known: dict[str, list[str]]  # URL part name -> values naming real objects


def _rule_values(cast: Cast) -> dict[str, set[str]]:
    known: dict[str, set[str]] = {}
    for rule in rules.RULES.values():
        for case in rule.cases:
            for name, value in case.args(cast).items():
                known.setdefault(name, set()).add(str(value))
    for name, make in rules.ADMIN_ARGS.items():
        known.setdefault(name, set()).add(make(cast))
    return known


def _demo_values(known: dict[str, set[str]]) -> None:
    for post in Post.objects.exclude(permalink=""):
        year, month, slug = post.permalink.strip("/").removesuffix(".html").split("/")
        for name, value in (("year", year), ("month", month), ("slug", slug)):
            known.setdefault(name, set()).add(value)
        known.setdefault("post_id", set()).add(str(post.pk))
    known["names"] |= {label.name for label in Label.objects.all()}
    known["slug"] |= set(Page.objects.values_list("slug", flat=True))


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        cast = build_cast()
        load_demo(now=dt.datetime(2024, 10, 20, 12, 0, tzinfo=dt.UTC))
        known = _rule_values(cast)
        _demo_values(known)
        yield World(cast, {name: sorted(found) for name, found in known.items()})
        transaction.set_rollback(True)


# --- what a request is made of -------------------------------------------------------------


def part_values(world: World, name: str, regex: str) -> st.SearchStrategy[str]:
    """A URL part: a real object's, one its pattern accepts, or anything at all."""
    real = world.known.get(name, [])
    choices = [st.from_regex(regex, fullmatch=True), values()]
    return st.one_of(st.sampled_from(real), *choices) if real else st.one_of(*choices)


def pairs(names: list[str], most: int) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Parameters by name (known or not, repeated or not) with any values."""
    name = st.one_of(st.sampled_from(names), st.text(max_size=12))
    return st.lists(st.tuples(name, values()), max_size=most)


@st.composite
def query(draw: st.DrawFn, read: list[str]) -> str:
    """Mostly the names the view was seen to read, sometimes any name at all."""
    names = draw(st.sampled_from([read, QUERY_PARAMS]))
    items = [f"{encode(n)}={encode(v)}" for n, v in draw(pairs(names, 4))]
    if draw(st.booleans()):  # a bare name, an empty pair, an unfinished escape
        items.append(draw(st.sampled_from(["a", "", "=", "&", "%", "q", "m=1&m=0"])))
    return "&".join(items)


# How a POST carries its CSRF token: as a page's form does, as the studio's scripts do, or
# (a quarter of them) not validly, which the CSRF check must refuse with a 403, never a 500.
GOOD_TOKENS = ("field", "header")
BAD_TOKENS = ("none", "other secret", "garbage", "no cookie")
TOKENS = GOOD_TOKENS * 3 + BAD_TOKENS[:2]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    host: str = "testserver"
    body: bytes | str = ""
    content_type: str = ""
    token: str = "field"  # see TOKENS; a "field" token is in the body already

    def send(self, client: Client) -> HttpResponse:
        extra = {"HTTP_HOST": self.host}
        charset = parse_header_parameters(self.content_type)[1].get("charset")
        if charset is not None and not decodable(charset):
            # The WSGI entry's guard answers these (`core.bodies.CharsetGuard`, tested in
            # tests/core/test_bodies.py): Django would raise building the request, which the
            # test client does itself, past that entry.
            return HttpResponseBadRequest()
        if self.method == "POST":
            # A browser names the page's origin on every POST; the CSRF check compares it.
            extra["HTTP_ORIGIN"] = f"http://{self.host}"
            if self.token == "header":
                extra["HTTP_X_CSRFTOKEN"] = csrf_token()
            elif self.token == "no cookie":
                del client.cookies[settings.CSRF_COOKIE_NAME]
            # `generic`: `post` would re-encode the body into a charset the type names.
            return client.generic(
                "POST", self.path, self.body, content_type=self.content_type, **extra
            )
        if self.method == "HEAD":
            return client.head(self.path, **extra)
        return client.get(self.path, **extra)


def encoded(
    route: Route, fields: dict[str, str], token: str, multipart: bool
) -> tuple[bytes | str, str]:
    """The form as a browser sends it, `token` as `Request.token` says: only a "field" token
    (or a broken one) is in the body; the scripts' FormData leaves the field out."""
    fields = {name: value for name, value in fields.items() if name != CSRF_FIELD}
    if token in ("field", "no cookie"):
        fields[CSRF_FIELD] = csrf_token()
    elif token == "other secret":
        fields[CSRF_FIELD] = OTHER_TOKEN
    elif token == "garbage":
        fields[CSRF_FIELD] = "\ud800" + "x" * 70
    items = list(fields.items())
    if multipart:
        return multipart_body(items, file_fields(route.key)), MULTIPART
    return form_body(items), FORM


@st.composite
def post_body(draw: st.DrawFn, route: Route, base: dict[str, str]) -> Request:
    """A valid form for the view (from the access table), some fields replaced by hostile
    values, sometimes an unknown field; multipart or form-encoded with its CSRF token in
    either place (or a broken one), or JSON as the API's clients send."""
    fields = dict(base)
    for name, value in draw(pairs(form_fields(route.key), 5)):
        fields[name] = value
    if draw(st.integers(0, 5)) == 0:
        # An API client's JSON (a script of ours would send its token in the header).
        body = json_body(list(fields.items()))
        return Request("POST", "", body=body, content_type=JSON, token="header")
    token = draw(st.sampled_from(TOKENS))
    if token not in GOOD_TOKENS:
        token = draw(st.sampled_from(BAD_TOKENS))
    body, content_type = encoded(route, fields, token, draw(st.booleans()))
    return Request("POST", "", body=body, content_type=draw(dressed(content_type)), token=token)


# What a client may put around a form's type: a charset (only UTF-8 is read), the type of a
# `text/plain` form (which Django does not parse), a multipart type without its boundary.
ODD_TYPES = ["; charset=utf-8", "; charset=UTF8", "; charset=iso-8859-1", "; charset=rot13"]
ODD_TYPES += ["; charset=idna", "; charset=utf-16", "text/plain", "multipart/form-data"]


def dressed(content_type: str) -> st.SearchStrategy[str]:
    """The form's own type mostly, one of `ODD_TYPES` one time in four."""
    odd = st.sampled_from(ODD_TYPES).map(lambda odd: content_type + odd if odd[0] == ";" else odd)
    return st.one_of(st.just(content_type), st.just(content_type), st.just(content_type), odd)


def valid_data(route: Route, world: World) -> dict[str, Any]:
    """The POST data the access table sends: a form the view accepts."""
    rule = rules.rule_for(route.key)
    data = rule.cases[0].data(world.cast) if rule is not None else {}
    return {name: str(value) for name, value in data.items() if not isinstance(value, list)}


def valid_path(route: Route, world: World) -> str:
    rule = rules.rule_for(route.key)
    args = rule.cases[0].args(world.cast) if rule is not None else {}
    if route.template.startswith("/admin/"):
        args = {name: make(world.cast) for name, make in rules.ADMIN_ARGS.items()}
    return fill(route, {name: encode(str(args[name])) for name, _ in route.parts})


@st.composite
def requests(draw: st.DrawFn, route: Route, world: World, read: list[str]) -> Request:
    parts = {name: encode(draw(part_values(world, name, regex))) for name, regex in route.parts}
    path = fill(route, parts)
    asked = draw(query(read or QUERY_PARAMS))
    path += f"?{asked}" if asked else ""
    host = draw(st.sampled_from(HOSTS))
    method = draw(st.sampled_from(["GET", "GET", "HEAD", "POST", "POST"]))
    if method != "POST":
        return Request(method, path, host)
    posted = draw(post_body(route, valid_data(route, world)))
    return replace(posted, path=path, host=host)


# --- the walk --------------------------------------------------------------------------------


def client_for(world: World, role: str) -> Client:
    # Anything the view raises comes out of the client with its traceback: a 500 found.
    if role == "api-admin":
        # The API's clients: the admin's app password, no session.
        token = world.cast.tokens["admin"]
        return browser(raise_request_exception=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    return browser(world.cast.sessions.get(role), raise_request_exception=True)


def answer(world: World, role: str, request: Request) -> HttpResponse:
    store.clear()  # cached pages are keyed by versions that the rollback brings round again
    with transaction.atomic():
        response = request.send(client_for(world, role))
        transaction.set_rollback(True)
    return response


def exempt(response: HttpResponse) -> bool:
    """Whether the view the request reached takes a POST with no CSRF token (the API, the
    comment form, signed links); True when no view was reached."""
    try:
        view = response.resolver_match.func  # type: ignore[attr-defined]
    except Resolver404:
        return True
    return bool(getattr(view, "csrf_exempt", False))


def wrong(request: Request, response: HttpResponse) -> str | None:
    """What is wrong with the answer, if anything: a server error; a valid CSRF token refused
    (the walk would stop at the check and meet no view); a POST with no valid token taken."""
    status, said = response.status_code, f"{request.method} {request.path[:200]!r}"
    if status >= 500:
        return f"{status} for {said} ({request.content_type[:30]}, token {request.token})"
    if request.method != "POST":
        return None
    refused = status == 403 and CSRF_REFUSED in response.content
    # A token in a body Django does not read as a form (`text/plain`) is rightly not found.
    readable = request.content_type in (FORM, MULTIPART, JSON)
    if request.token in GOOD_TOKENS and refused and readable:
        return f"a valid CSRF token ({request.token}) refused for {said}"
    if request.token not in GOOD_TOKENS and status < 400 and not exempt(response):
        return f"{status} with no valid CSRF token ({request.token}) for {said}"
    return None


def learn(route: Route, role: str, world: World) -> tuple[list[str], list[str]]:
    """The query names and form fields the view reads, seen by asking it with valid input
    (and with every query name at once, as some names lead to others: `q` to `start`); the
    valid form goes in both encodings, with its token in both places, and once with none."""
    path, data = valid_path(route, world), valid_data(route, world)
    everything = "&".join(f"{name}={BENIGN.get(name, '1')}" for name in QUERY_PARAMS)
    with names_read() as by_get:
        answer(world, role, Request("GET", path))
        answer(world, role, Request("GET", f"{path}?{everything}"))
    posts = []
    for token, multipart in [("field", True), ("header", False), ("none", True)]:
        body, content_type = encoded(route, data, token, multipart)
        posts.append(Request("POST", path, body=body, content_type=content_type, token=token))
    # And once in one of the odd types around either encoding, each route its own, so that
    # the walk meets them all whatever the random examples draw.
    pick = zlib.crc32(route.key.encode())
    odd, base = ODD_TYPES[pick % len(ODD_TYPES)], posts[pick // len(ODD_TYPES) % 2]
    odd = base.content_type + odd if odd.startswith(";") else odd
    posts.append(replace(base, content_type=odd))
    with names_read() as by_post:
        failed = [found for post in posts if (found := wrong(post, answer(world, role, post)))]
    assert not failed, "\n".join(failed)
    return sorted(by_get), sorted(by_post & set(form_fields(route.key)))


# Values with which the learning requests get past the first checks of the views.
BENIGN = {"q": "garden", "label": "garden", "alt": "atom", "updated-max": "", "updated-min": ""}


def fuzz(route: Route, role: str, read: list[str]) -> Callable[[World], None]:
    """The hypothesis run for one route and role."""
    examples = EXAMPLES_ADMIN_SITE if route.template.startswith("/admin/") else EXAMPLES_OURS

    @fuzz_settings(max_examples=examples, **BUDGET)  # type: ignore[arg-type]
    @given(data=st.data())
    def run(world: World, data: st.DataObject) -> None:
        request = data.draw(requests(route, world, read))
        note(f"{request.method} {request.path[:300]!r} Host: {request.host!r} as {role}")
        failed = wrong(request, answer(world, role, request))
        assert failed is None, failed

    return run  # type: ignore[no-any-return]


def swept_paths(route: Route, world: World) -> list[str]:
    """Each of `SWEEP` and `PATH_SWEEP` in each path part in turn, the others kept valid: a
    part is read before anything else (a file's name, an object's id), and four random
    examples a route are too few to meet each kind there."""
    rule = rules.rule_for(route.key)
    args = rule.cases[0].args(world.cast) if rule is not None else {}
    valid = {name: encode(str(args.get(name, "1"))) for name, _ in route.parts}
    paths = []
    for name, regex in route.parts:
        for value in [*SWEEP, *PATH_SWEEP]:
            as_sent = value if value in PATH_SWEEP else encode(value)
            # A value its pattern refuses only meets the resolver's 404, tried enough.
            if re.fullmatch(regex, unquote(as_sent, errors="surrogateescape")):
                paths.append(fill(route, {**valid, name: as_sent}))
    return paths


def sweep(route: Route, role: str, world: World, read: list[str], fields: list[str]) -> list[str]:
    """Each of `SWEEP` in every path part, in every query name the view reads, then in all
    its form fields."""
    path, data = valid_path(route, world), valid_data(route, world)
    skip_parts = route.template.startswith("/admin/")
    sent = [Request("GET", part) for part in ([] if skip_parts else swept_paths(route, world))]
    for number, value in enumerate(SWEEP):
        if read:
            asked = "&".join(f"{encode(name)}={encode(value)}" for name in read)
            sent.append(Request("GET", f"{path}?{asked}"))
        if fields:
            # Each value once, in each encoding every other time, so that both meet them all.
            form = {**data, **dict.fromkeys(fields, value)}
            token, multipart = GOOD_TOKENS[number % 2], number % 4 < 2
            body, content_type = encoded(route, form, token, multipart)
            sent.append(Request("POST", path, body=body, content_type=content_type, token=token))
    return [found for request in sent if (found := wrong(request, answer(world, role, request)))]


JSON = "application/json"
CSRF_FIELD = "csrfmiddlewaretoken"
OTHER_TOKEN = "x" * 64  # a well-formed token, but not for this browser's cookie
# The doors that sign in with an app password as a Bearer token: the JSON API, Micropub and
# its token endpoint.
API = ("/blogger/", "/micropub", "/token")
# The API answers an anonymous request 401 before it reads anything else, so its routes are
# walked with the admin's app password instead, which goes through every check an anonymous
# request meets and on into the views: walking them twice would double their cost for nothing.
CASES = [(route, "anonymous") for route in ROUTES if not route.template.startswith(API)]
CASES += [(route, "admin") for route in ROUTES if route.is_studio]
CASES += [(route, "api-admin") for route in ROUTES if route.template.startswith(API)]


@pytest.mark.parametrize(
    ("route", "role"), CASES, ids=[f"{route.key}-{role}" for route, role in CASES]
)
def test_no_input_gives_a_server_error(route: Route, role: str, world: World) -> None:
    read, fields = ([], []) if route.template.startswith("/admin/") else learn(route, role, world)
    failed = sweep(route, role, world, read, fields)
    assert not failed, "\n".join(failed)
    fuzz(route, role, read)(world)


def test_every_form_is_fuzzed() -> None:
    fuzzed = {form for chosen in FORMS.values() for form in chosen}
    missing = sorted(form.__qualname__ for form in app_form_classes() - fuzzed)
    assert not missing, f"forms with no view in fuzz_routes.FORMS: {missing}"


def test_every_form_names_a_url_pattern() -> None:
    keys = {route.key for route in ROUTES}
    assert not set(FORMS) - keys, set(FORMS) - keys
