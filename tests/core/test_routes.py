"""URL patterns that name their views by path (`core.routes`): a request still reaches the
view itself, with everything the view carries, and the names agree with the views."""

from __future__ import annotations

from collections.abc import Iterator

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.views import generic

from broadsheet.core.lazy import Later
from broadsheet.core.routes import LaterPattern, Views, path, view_of
from broadsheet.studio.views import posts


def later_patterns(resolver: URLResolver) -> Iterator[LaterPattern]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from later_patterns(entry)
        elif isinstance(entry, LaterPattern):
            yield entry


def test_a_route_named_by_path_resolves_to_the_view_itself() -> None:
    match = resolve("/studio/notes/posts/")
    assert match.func is posts.post_list
    assert match.view_name == "studio:post-list"
    assert match._func_path == "broadsheet.studio.views.posts.post_list"


def test_each_path_names_the_view_its_module_holds() -> None:
    found = list(later_patterns(get_resolver()))
    assert len(found) > 80  # the studio's, the API's, the fediverse's
    for pattern in found:
        named = pattern.lookup_str  # what reversing recorded, perhaps from the path alone
        view = view_of(pattern)
        assert callable(view) and not isinstance(view, Later)
        assert named == URLPattern(pattern.pattern, view).lookup_str


def test_a_csrf_exempt_view_named_by_path_stays_exempt(db: object) -> None:
    # XML-RPC clients post without a CSRF token; the middleware reads the view's mark.
    answer = Client(enforce_csrf_checks=True).post(
        "/xmlrpc", b"<?xml version='1.0'?><methodCall></methodCall>", content_type="text/xml"
    )
    assert answer.status_code == 200 and b"<fault>" in answer.content


def test_the_checks_look_at_the_view_a_path_names() -> None:
    wrong = path("wrong/", Views("django.views.generic").TemplateView, name="wrong")
    assert isinstance(wrong, LaterPattern)
    assert [error.id for error in wrong.check()] == ["urls.E009"]  # a class, not as_view()
    assert wrong.callback is generic.TemplateView
