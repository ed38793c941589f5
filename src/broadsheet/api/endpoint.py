"""How every API view is called: `@endpoint("GET", "POST")` on a view taking the caller's
`Grant` first.

The API is token-authenticated and cookie-less: the caller is whoever the app password in the
`Authorization` header belongs to (`blogs.app_passwords`), never a session, so a page in a
browser cannot make a signed-in writer's browser write through it, and CSRF tokens have
nothing to protect (the views are `csrf_exempt` for that reason only). A GET needs the `read`
scope, any other method `write`. Every refusal is a JSON error (`api.errors`): the role rules
the actions raise (`NotAllowed`: 403), what is out of reach (404), bad input (400), too many
failed sign-ins or too much written this hour (429).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from broadsheet.api.errors import ApiError, answer
from broadsheet.blogs import app_passwords
from broadsheet.blogs.access import NotAllowed
from broadsheet.blogs.app_passwords import Grant
from broadsheet.blogs.quotas import OverQuota
from broadsheet.core.clients import client_ip

View = Callable[..., HttpResponse]
READING = {"GET", "HEAD"}
CHALLENGE = 'Bearer realm="broadsheet", Basic realm="broadsheet"'


def endpoint(*methods: str) -> Callable[[View], View]:
    """Check the method, sign the caller in, check the scope, run the view, turn every
    refusal into a JSON error; mark the answer as this caller's only."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in allowed:
                    raise ApiError("methodNotAllowed", f"Use {', '.join(sorted(methods))}.")
                response = view(request, caller(request), **kwargs)
            except Exception as error:
                response = refusal(error, allowed)
            return private(response)

        wrapped.api_methods = tuple(sorted(allowed))  # type: ignore[attr-defined]
        return wrapped

    return decorate


def caller(request: HttpRequest) -> Grant:
    """The grant of the app password in the Authorization header, with the scope the method
    needs; ApiError otherwise."""
    header = str(request.META.get("HTTP_AUTHORIZATION", ""))
    try:
        grant = app_passwords.from_authorization(header, client_ip(request)) if header else None
    except app_passwords.Throttled as throttled:
        raise ApiError("rateLimitExceeded", str(throttled)) from None
    if grant is None:
        raise ApiError("unauthorized", "Sign in with an app password (Bearer, or Basic).")
    if request.method not in READING and not grant.can_write:
        raise ApiError("insufficientScope", "This app password may only read.")
    return grant


def refusal(error: Exception, allowed: set[str]) -> HttpResponse:
    found = as_api_error(error)
    if found is None:
        raise error
    response = answer(found)
    if found.reason == "unauthorized":
        response["WWW-Authenticate"] = CHALLENGE
    if found.reason == "methodNotAllowed":
        response["Allow"] = ", ".join(sorted(allowed))
    return response


def as_api_error(error: Exception) -> ApiError | None:
    """The refusal an exception stands for, whatever the door (JSON, XML-RPC, Micropub);
    None for a fault of our own, which must not be dressed up as the caller's."""
    if isinstance(error, RequestDataTooBig):
        error = ApiError("tooLarge", "The request body is too large.")
    elif isinstance(error, OverQuota):
        error = ApiError("rateLimitExceeded", " ".join(error.messages))
    elif isinstance(error, ValidationError):
        error = ApiError("invalid", _messages(error))
    elif isinstance(error, NotAllowed):
        error = ApiError("forbidden", str(error) or "Your role does not allow this.")
    elif isinstance(error, Http404):
        error = ApiError("notFound", "Not found.")
    return error if isinstance(error, ApiError) else None


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{field}: {' '.join(found)}" for field, found in error.message_dict.items()
        )
    return " ".join(error.messages)


def private(response: HttpResponse) -> HttpResponse:
    """No shared cache (the page cache's front, a CDN) may keep one caller's answer; a
    client's own cache may, and revalidates it with the ETag the middleware adds."""
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Authorization"])
    return response


def body(request: HttpRequest) -> dict[str, Any]:
    """The request's JSON object; ApiError for anything else."""
    try:
        found = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ApiError("badRequest", "The body must be a JSON object.") from None
    if not isinstance(found, dict):
        raise ApiError("badRequest", "The body must be a JSON object.")
    return found


def ok(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def no_content() -> HttpResponse:
    return HttpResponse(status=204)
