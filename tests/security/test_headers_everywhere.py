"""The browser-side defences on every kind of response, not only reader pages: studio pages
signed in and out, its refusals (401, 403, 404, 405), the admin, static files, uploaded media,
a server error, and pages answered from the page cache."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.core import signals
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path

from tests.security.browser import browser
from tests.security.cast import Cast, build_cast

pytestmark = pytest.mark.django_db


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in some view")


urlpatterns = [path("broken/", broken), path("", include("broadsheet.urls"))]


def assert_defended(response: Any, where: str, *, django: bool = True) -> None:
    headers = {name.lower(): value for name, value in response.items()}
    policy = headers.get("content-security-policy", "")
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in policy.split(";") if part.strip()
    )
    assert "'unsafe-inline'" not in directives.get("script-src", ""), where
    assert "'unsafe-eval'" not in directives.get("script-src", ""), where
    # A policy that sandboxes the whole response needs no script-src of its own.
    assert "script-src" in directives or "sandbox" in directives, (where, policy)
    assert directives.get("frame-ancestors") == "'none'", (where, policy)
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") == "strict-origin-when-cross-origin", where
    if django:  # WhiteNoise answers static files before Django's X-Frame-Options middleware;
        # the policy's frame-ancestors, which browsers obey first, covers them.
        assert headers.get("x-frame-options") == "DENY", where


@pytest.fixture
def cast(django_db_blocker: Any) -> Iterator[Cast]:
    yield build_cast()


def signed_in(cast: Cast, role: str) -> Client:
    client = browser()
    client.force_login(cast.users[role])  # type: ignore[arg-type]
    return client


def test_studio_pages_and_refusals(cast: Cast) -> None:
    slug = cast.blog.slug
    anonymous, admin, author = Client(), signed_in(cast, "admin"), signed_in(cast, "other_author")
    answers = {
        "login page": anonymous.get("/studio/login/"),
        "redirect to sign in": anonymous.get(f"/studio/{slug}/"),
        "401 json": anonymous.post(f"/studio/{slug}/preview/"),
        "dashboard": admin.get(f"/studio/{slug}/"),
        "editor": admin.get(f"/studio/{slug}/posts/{cast.post.pk}/"),
        "preview fragment": admin.post(
            f"/studio/{slug}/preview/", {"source": "x", "source_format": "html"}
        ),
        "403 page": author.get(f"/studio/{slug}/settings/"),
        "404 page": author.get(f"/studio/{slug}/posts/{cast.post.pk}/"),
        "405": admin.get(f"/studio/{slug}/posts/{cast.post.pk}/trash/"),
        "403 csrf": Client(enforce_csrf_checks=True).post("/studio/login/"),
        "admin": Client().get("/admin/login/"),
        "moderation": admin.get(f"/studio/comments/{slug}/"),
        "comment form": anonymous.get(f"/comments/post/{cast.post.pk}"),
        "comment token": anonymous.get(f"/comments/token/{cast.post.pk}"),
    }
    failures = []
    for where, response in answers.items():
        try:
            assert_defended(response, where)
        except AssertionError as error:
            failures.append(f"{where} ({response.status_code}): {error}")
    assert not failures, "\n".join(failures)
    assert_defended(anonymous.get("/static/reader/favicon.svg"), "static file", django=False)


def test_uploaded_media_carry_the_headers(cast: Cast) -> None:
    assert_defended(Client().get(f"/media/{cast.media_name}"), "uploaded media")


@override_settings(ROOT_URLCONF=__name__, DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_a_server_error_carries_the_headers_too(cast: Cast) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert_defended(response, "500")


def test_a_page_answered_from_the_page_cache_keeps_its_headers(cast: Cast) -> None:
    from broadsheet.wsgi import application

    def call() -> tuple[str, dict[str, str]]:
        seen: dict[str, Any] = {}

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            seen["status"], seen["headers"] = status, dict(headers)
            return lambda data: None

        environ = {"PATH_INFO": cast.post.permalink, "HTTP_HOST": "testserver"}
        setup_testing_defaults(environ)
        body = application(environ, start_response)
        b"".join(body)
        return seen["status"], seen["headers"]

    # The real WSGI entry point closes database connections when a request ends, as a server
    # needs; Django's test client switches that off, and so must a test that calls it directly.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        first, second = call(), call()  # the second is a cache hit where the cache is on
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    for status, headers in (first, second):
        assert status.startswith("200")
        response = HttpResponse()
        for name, value in headers.items():
            response[name] = value
        assert_defended(response, "page cache")
