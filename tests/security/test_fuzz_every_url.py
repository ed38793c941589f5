"""No input gives a server error: every URL pattern, fuzzed in every part.

The walk takes every pattern from the URL resolver (`fuzz_routes.walk`, recursively through
includes), and hypothesis fills its path parts (values its converter or regex group accepts,
the real objects of the cast and the demo blog, and hostile ones), adds query parameters (every
name the views read, Blogger's, unknown ones; repeated, empty, broken), picks a Host header
ALLOWED_HOSTS accepts or refuses, and sends GET, HEAD or a POST whose body is a valid form
with hostile values in some of its fields (form-encoded or JSON). Anonymous readers walk every
pattern but the API's, which the blog's admin walks with an app password; the admin walks the
studio's again. The answer may be anything but a 5xx.

Each request runs in a savepoint that is rolled back, on the cast of `test_access_control.py`
plus the demo blog. The budget is fixed (`derandomize=True`, no example database), so a run is
the same run on every machine: about 2.5 minutes on SQLite, 5 on PostgreSQL, on two cores.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from hypothesis import HealthCheck, Phase, given, note
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

from broadsheet.core.pagecache import store
from broadsheet.demo.loader import load_demo
from broadsheet.posts.models import Label, Page, Post
from tests.security import access_rules as rules
from tests.security.cast import Cast, build_cast
from tests.security.fuzz_routes import (
    FORMS,
    HOSTS,
    QUERY_PARAMS,
    Route,
    app_form_classes,
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


@st.composite
def post_body(draw: st.DrawFn, route: Route, base: dict[str, str]) -> tuple[bytes | str, str]:
    """A valid form for the view (from the access table), some fields replaced by hostile
    values, sometimes an unknown field; form-encoded, or JSON as the autosave sends."""
    fields = dict(base)
    for name, value in draw(pairs(form_fields(route.key), 5)):
        fields[name] = value
    items = list(fields.items())
    if draw(st.integers(0, 5)) == 0:
        return json_body(items), "application/json"
    return form_body(items), "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    host: str = "testserver"
    body: bytes | str = ""
    content_type: str = ""

    def send(self, client: Client) -> HttpResponse:
        extra = {"HTTP_HOST": self.host}
        if self.method == "POST":
            return client.post(self.path, self.body, content_type=self.content_type, **extra)
        if self.method == "HEAD":
            return client.head(self.path, **extra)
        return client.get(self.path, **extra)


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
    body, content_type = draw(post_body(route, valid_data(route, world)))
    return Request(method, path, host, body, content_type)


# --- the walk --------------------------------------------------------------------------------


def client_for(world: World, role: str) -> Client:
    # Anything the view raises comes out of the client with its traceback: a 500 found.
    if role == "api-admin":
        # The API's clients: the admin's app password, no cookie.
        token = world.cast.tokens["admin"]
        return Client(raise_request_exception=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    client = Client(raise_request_exception=True)
    if role in world.cast.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.cast.sessions[role]
    return client


def answer(world: World, role: str, request: Request) -> int:
    store.clear()  # cached pages are keyed by versions that the rollback brings round again
    with transaction.atomic():
        status = request.send(client_for(world, role)).status_code
        transaction.set_rollback(True)
    return status


def learn(route: Route, role: str, world: World) -> tuple[list[str], list[str]]:
    """The query names and form fields the view reads, seen by asking it with valid input
    (and with every query name at once, as some names lead to others: `q` to `start`)."""
    path, data = valid_path(route, world), valid_data(route, world)
    everything = "&".join(f"{name}={BENIGN.get(name, '1')}" for name in QUERY_PARAMS)
    with names_read() as by_get:
        answer(world, role, Request("GET", path))
        answer(world, role, Request("GET", f"{path}?{everything}"))
    with names_read() as by_post:
        answer(
            world,
            role,
            Request("POST", path, body=form_body(list(data.items())), content_type=FORM),
        )
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
        status = answer(world, role, request)
        assert status < 500, f"{status} for {request.method} {request.path[:300]!r}"

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
    for value in SWEEP:
        if read:
            asked = "&".join(f"{encode(name)}={encode(value)}" for name in read)
            sent.append(Request("GET", f"{path}?{asked}"))
        if fields:
            body = form_body(list({**data, **dict.fromkeys(fields, value)}.items()))
            sent.append(Request("POST", path, body=body, content_type=FORM))
    failed = []
    for request in sent:
        if (status := answer(world, role, request)) >= 500:
            failed.append(f"{status} for {request.method} {request.path[:200]!r}")
    return failed


FORM = "application/x-www-form-urlencoded"
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
