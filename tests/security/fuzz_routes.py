"""What the fuzz walk (`test_fuzz_every_url.py`) knows of the site: every URL pattern with the
regular expression of each of its parts, the query parameters the views read, the fields of
every form, and the Host headers.

All of it is collected from the code (the URL resolver, the sources, the form classes), so a
new view, parameter or form is fuzzed without anyone remembering to add it here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.datastructures import MultiValueDict

import broadsheet
from broadsheet.comments import forms as comment_forms
from broadsheet.publish.studio_views import StaticCopyForm
from broadsheet.studio import forms as studio_forms
from broadsheet.studio import layout_forms
from broadsheet.studio.federation_forms import BlockForm
from broadsheet.studio.theme_forms import ThemeForm
from broadsheet.studio.views.backup import BackupForm
from broadsheet.studio.views.imports import ImportForm
from broadsheet.studio.views.post_by_email import PostByEmailForm
from broadsheet.webmention.forms import WebmentionForm
from tests.security.fuzz_values import group_regex


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the route of an unnamed pattern (as access_rules.py)
    template: str  # the path, with `{name}` where each part goes
    parts: tuple[tuple[str, str], ...]  # (name, the regular expression it must match)

    @property
    def is_studio(self) -> bool:
        return self.template.startswith("/studio/")


def _piece(pattern: RoutePattern | RegexPattern) -> tuple[str, list[tuple[str, str]]]:
    raw = str(pattern)
    if isinstance(pattern, RoutePattern):
        parts = [(name, conv.regex) for name, conv in pattern.converters.items()]
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", raw), parts
    parts = [(name, group_regex(raw, name)) for name in pattern.regex.groupindex]
    template = re.sub(r"\(\?P<(\w+)>(?:[^()\\]|\\.)*\)", r"{\1}", raw)
    # The optional trailing slash of Blogger's feed addresses: fuzz the form with it.
    template = template.lstrip("^").rstrip("$").replace("/?", "/").replace("\\.", ".")
    assert not re.search(r"[\\()\[\]*+?|^$]", template), f"teach fuzz_routes {raw!r}"
    return template, parts


def walk(resolver: URLResolver, prefix: str = "/", namespace: str = "") -> Iterator[Route]:
    """Every URL pattern, recursively through includes, keyed as `access_rules.RULES` is."""
    for entry in resolver.url_patterns:
        template, parts = _piece(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            for route in walk(entry, prefix + template, inner):
                yield Route(route.key, route.template, tuple(parts) + route.parts)
        elif isinstance(entry, URLPattern):
            key = f"{namespace}{entry.name}" if entry.name else (prefix + str(entry.pattern))[1:]
            yield Route(key, prefix + template, tuple(parts))


def routes() -> list[Route]:
    return list(walk(get_resolver()))


def fill(route: Route, encoded: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda match: encoded[match.group(1)], route.template)


# --- query parameters ----------------------------------------------------------------------

# Blogger's own parameters (feeds, listings, search, comment links, its widgets' callbacks)
# and Django's sign-in hops: links in the wild carry them whether or not a view reads them.
BLOGGER_PARAMS = [
    "updated-max",
    "updated-min",
    "max-results",
    "start",
    "q",
    "by-date",
    "label",
    "alt",
    "m",
    "showComment",
    "callback",
    "orderby",
    "start-index",
    "published-min",
    "published-max",
    "redirect",
    "next",
    "reverse-paginate",
    "zx",
    "view",
    "p",
    "page_id",
]
_READ = re.compile(r"\b(?:GET|POST)(?:\.get\(|\.getlist\(|\[)\s*[\"']([^\"']+)[\"']")


def params_read_in_source() -> set[str]:
    """Every name the app's code reads from `request.GET` or `request.POST`."""
    root = Path(broadsheet.__file__).parent
    return {name for path in root.rglob("*.py") for name in _READ.findall(path.read_text())}


QUERY_PARAMS = sorted(params_read_in_source() | set(BLOGGER_PARAMS))


@contextmanager
def names_read() -> Iterator[set[str]]:
    """The names looked up in any query or form data (`MultiValueDict`) inside the block: what
    a view reads, found by asking it once, whichever helper or form does the reading."""
    seen: set[str] = set()

    def see(key: object) -> None:
        if isinstance(key, str):  # templates look other things up in a form's data too
            seen.add(key)

    getitem, getlist = MultiValueDict.__getitem__, MultiValueDict.getlist

    def spy_getitem(self: MultiValueDict[str, Any], key: str) -> Any:
        see(key)
        return getitem(self, key)

    def spy_getlist(self: MultiValueDict[str, Any], key: str, default: Any = None) -> Any:
        see(key)
        return getlist(self, key, default)

    def spy_contains(self: MultiValueDict[str, Any], key: object) -> bool:
        see(key)
        return dict.__contains__(self, key)

    MultiValueDict.__getitem__ = spy_getitem  # type: ignore[method-assign]
    MultiValueDict.getlist = spy_getlist  # type: ignore[method-assign]
    MultiValueDict.__contains__ = spy_contains  # type: ignore[method-assign,assignment]
    try:
        yield seen
    finally:
        MultiValueDict.__getitem__ = getitem  # type: ignore[method-assign]
        MultiValueDict.getlist = getlist  # type: ignore[method-assign]
        del MultiValueDict.__contains__


# --- forms -----------------------------------------------------------------------------------

# The forms each view that takes a POST reads, and the names it reads by hand beside them.
FORMS: dict[str, tuple[type[forms.BaseForm], ...]] = {
    "studio:login": (auth_forms.AuthenticationForm,),
    "studio:password-change": (auth_forms.PasswordChangeForm,),
    "studio:password-reset": (auth_forms.PasswordResetForm,),
    "studio:password-reset-confirm": (auth_forms.SetPasswordForm,),
    "studio:accept-invitation": (studio_forms.JoinForm,),
    "studio:blog-new": (studio_forms.NewBlogForm,),
    "studio:blog-settings": (studio_forms.BlogForm,),
    "studio:invite": (studio_forms.InviteForm,),
    "studio:member-role": (studio_forms.RoleForm,),
    "studio:post-new": (studio_forms.PostForm,),
    "studio:post-edit": (studio_forms.PostForm,),
    "studio:page-new": (studio_forms.PageForm,),
    "studio:page-edit": (studio_forms.PageForm,),
    "studio:autosave-new": (studio_forms.AutosaveForm,),
    "studio:autosave": (studio_forms.AutosaveForm,),
    "studio:preview": (studio_forms.PreviewForm,),
    "studio:images": (studio_forms.ImageUploadForm,),
    "portability-studio:import": (ImportForm,),
    "studio:backup": (BackupForm,),
    "publish-studio:static-copy": (StaticCopyForm,),
    "studio:post-by-email": (PostByEmailForm,),
    "studio:profile": (studio_forms.ProfileForm,),
    "studio:app-passwords": (studio_forms.AppPasswordForm,),
    "studio:theme": (ThemeForm,),
    "studio:gadget-add": (layout_forms.AddGadgetForm,),
    "studio:gadget-move": (layout_forms.MoveForm,),
    # The gadget page shows the form of the gadget's kind: every kind's fields are tried.
    "studio:gadget": tuple(
        dict.fromkeys(
            [layout_forms.GadgetForm, layout_forms.PictureForm, *layout_forms.FORMS.values()]
        )
    ),
    "comments-studio:bulk": (comment_forms.BulkForm,),
    "comments-studio:reply": (comment_forms.ReplyForm,),
    "comments:post": (comment_forms.CommentForm,),
    "federation-studio:block": (BlockForm,),
    "webmention:receive": (WebmentionForm,),
}
BY_HAND = ["intent", "client_draft", "discard", "token", "csrfmiddlewaretoken", "shelf"]


def app_form_classes() -> set[type[forms.BaseForm]]:
    """Every form class the app defines, so that `FORMS` cannot miss a new one."""
    found: set[type[forms.BaseForm]] = set()
    todo: list[type[forms.BaseForm]] = [forms.Form, forms.ModelForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("broadsheet."):
                found.add(sub)
    return found


def form_fields(key: str) -> list[str]:
    names = [name for form in FORMS.get(key, ()) for name in form.base_fields]
    return sorted(set(names)) + BY_HAND


def file_fields(key: str) -> tuple[str, ...]:
    """The file inputs of the view's forms: a browser sends each as a part of its own, with
    an empty file name when no file was chosen."""
    names = [
        name
        for form in FORMS.get(key, ())
        for name, field in form.base_fields.items()
        if isinstance(field, forms.FileField)
    ]
    return tuple(sorted(set(names)))


# --- Host headers ----------------------------------------------------------------------------

# What ALLOWED_HOSTS lets through (the base domain in any case, with a port or a final dot, a
# blog's subdomain, a subdomain no blog has, the loopback addresses), then what it refuses.
HOSTS = [
    "testserver",
    "localhost",
    "LOCALHOST",
    "localhost.",
    "localhost:8000",
    "notes.localhost",
    "demo.localhost",
    "other.localhost",
    "Demo.LocalHost:80",
    "nosuch.localhost",
    "a.b.localhost",
    "127.0.0.1",
    "127.0.0.1:8000",
    "[::1]",
    "[::1]:8080",
    "evil.example",
    "localhost:99999999",
    "localhost:abc",
    "localhost:",
    "local host",
    "[::1",
    "ü.localhost",
    "xn--tda.localhost",
    "-.localhost",
    "localhost\x00",
    "",
]
