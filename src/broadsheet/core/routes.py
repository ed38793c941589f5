"""URL patterns whose views are imported when a request first reaches them.

Every process loads the whole URLconf the first time it resolves or reverses an address, a
one-shot command too (`broadsheet export static` renders pages through the reader's views and
reverses their links). Importing the API's and the studio's views for that brought in XML-RPC,
the import jobs, image handling and more: a tenth of a second of an export's start-up, for
views it never calls. A URL module names those views through `views(...)` and routes them with
this module's `path`/`re_path`: reversing needs only the routes, and the view's module is
imported when a request first matches its route (or when the system checks look at it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.urls import URLPattern
from django.urls import path as eager_path
from django.urls import re_path as eager_re_path
from django.urls.resolvers import RegexPattern, ResolverMatch, RoutePattern
from django.utils.functional import cached_property

from broadsheet.core.lazy import Later


class Views:
    """A views module named by its dotted path: `Views("pkg.views").home` is a `Later` of
    `pkg.views.home`, and nothing is imported."""

    def __init__(self, module: str) -> None:
        self.module = module

    def __getattr__(self, name: str) -> Later:
        if name.startswith("__"):  # copy, pickle and friends probe for special methods
            raise AttributeError(name)
        return Later(f"{self.module}.{name}")


class LaterPattern(URLPattern):
    """A route to a view still named by its path: the view replaces its stand-in on the
    first match, so `resolve()` answers with the view itself, as an eager pattern's does."""

    def resolve(self, path: str) -> ResolverMatch | None:
        if isinstance(self.callback, Later) and self.pattern.match(path):
            view_of(self)
        return super().resolve(path)

    def check(self) -> list[Any]:
        view_of(self)  # `manage.py check` looks at the view itself (a class without as_view())
        return super().check()

    @cached_property
    def lookup_str(self) -> str:
        # The view's dotted path, as Django derives it from the view (tests compare the two).
        if isinstance(self.callback, Later):
            return self.callback.path
        return str(URLPattern.lookup_str.func(self))  # type: ignore[attr-defined]


def view_of(pattern: URLPattern) -> Callable[..., Any]:
    """The view `pattern` routes to, its module imported now if it was still named by path
    (`URLPattern.callback` is the stand-in until then)."""
    if isinstance(pattern.callback, Later):
        pattern.callback = pattern.callback.load()
    return pattern.callback


def _route(
    kind: type[RoutePattern] | type[RegexPattern],
    route: str,
    view: Callable[..., Any] | Later,
    kwargs: dict[str, Any] | None,
    name: str | None,
) -> URLPattern:
    pattern = kind(route, name=name, is_endpoint=True)
    return LaterPattern(pattern, view, kwargs or {}, name)


def path(
    route: str, view: Any, kwargs: dict[str, Any] | None = None, name: str | None = None
) -> Any:
    """Django's `path`, which also takes a view named by a `Views` module."""
    if isinstance(view, Later):
        return _route(RoutePattern, route, view, kwargs, name)
    return cast(Any, eager_path)(route, view, kwargs, name)  # the stubs' overloads want a name


def re_path(
    route: str, view: Any, kwargs: dict[str, Any] | None = None, name: str | None = None
) -> Any:
    """Django's `re_path`, which also takes a view named by a `Views` module."""
    if isinstance(view, Later):
        return _route(RegexPattern, route, view, kwargs, name)
    return cast(Any, eager_re_path)(route, view, kwargs, name)
