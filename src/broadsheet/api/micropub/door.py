"""How the Micropub and token views are called: `@door("GET", "POST")` on a view taking the
caller's `Grant` first. The token is an app password, from the `Authorization` header or, as
Micropub allows for form posts, the `access_token` field; never a cookie, so no CSRF token is
needed. Refusals are the JSON API's (`api.endpoint.as_api_error`) in Micropub's shape:
`{"error": "insufficient_scope", "error_description": "…"}`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from broadsheet.api.endpoint import as_api_error, private
from broadsheet.api.errors import REASONS, ApiError
from broadsheet.blogs import app_passwords
from broadsheet.blogs.app_passwords import Grant
from broadsheet.core.clients import client_ip

View = Callable[..., HttpResponse]
# Our reasons as Micropub's error codes; the status stays the JSON API's.
ERRORS = {
    "unauthorized": "unauthorized",
    "forbidden": "forbidden",
    "insufficientScope": "insufficient_scope",
    "notFound": "not_found",
    "rateLimitExceeded": "too_many_requests",
    "methodNotAllowed": "method_not_allowed",
}


def door(*methods: str) -> Callable[[View], View]:
    """Check the method, sign the caller in, run the view, answer refusals in Micropub's shape."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise ApiError("methodNotAllowed", f"Use {', '.join(methods)}.")
                response = view(request, signed_in(request), **kwargs)
            except Exception as error:
                response = refusal(error)
            return private(response)

        return wrapped

    return decorate


def token(request: HttpRequest) -> str:
    header = str(request.META.get("HTTP_AUTHORIZATION", ""))
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip()
    if request.content_type == "application/x-www-form-urlencoded" or (
        request.content_type or ""
    ).startswith("multipart/"):
        return str(request.POST.get("access_token", ""))
    return ""


def signed_in(request: HttpRequest) -> Grant:
    """The grant of the caller's token; ApiError (401) for none or a wrong one."""
    secret = token(request)
    try:
        grant = app_passwords.authenticate(secret, client_ip(request)) if secret else None
    except app_passwords.Throttled as throttled:
        raise ApiError("rateLimitExceeded", str(throttled)) from None
    if grant is None:
        raise ApiError("unauthorized", "Send an app password as a Bearer token.")
    return grant


def refusal(error: Exception) -> HttpResponse:
    found = as_api_error(error)
    if found is None:
        raise error
    status = REASONS[found.reason][0]
    body = {
        "error": ERRORS.get(found.reason, "invalid_request"),
        "error_description": found.message,
    }
    response = JsonResponse(body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="broadsheet"'
    return response
