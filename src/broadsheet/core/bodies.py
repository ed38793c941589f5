"""Form bodies Django can't decode are refused before anything reads them.

A form's `Content-Type` may name a charset. Django refuses a form-encoded body in anything but
UTF-8, and decodes a multipart one in whatever codec is named, `rot13` and `base64` included,
which are not text encodings and raise. Either error comes out of the CSRF check, the first
reader of `request.POST`; the error page Django then renders runs that check again, meets the
same error and ends as a 500. Browsers send forms in the page's encoding (ours is UTF-8) and
name no charset, or `utf-8`: anything else is a client's mistake, told so with a 400 here,
before the CSRF check reads the body.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.http import parse_header_parameters

FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_utf_8(charset: str) -> bool:
    # Spelled as Django's own check of a form-encoded body spells it: it refuses "utf8".
    return charset.lower() == "utf-8"


class FormEncodingMiddleware:
    """A 400 for a form whose declared charset is not UTF-8 (placed before the CSRF check)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        charset = (request.content_params or {}).get("charset")
        if request.content_type in FORMS and charset is not None and not is_utf_8(charset):
            named = charset[:40].encode("ascii", "backslashreplace").decode()
            return HttpResponseBadRequest(
                f"Send forms in UTF-8 (this one said charset={named}).",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def decodable(charset: str) -> bool:
    """Whether Django can decode text in `charset` as it does a query string (`replace`)."""
    try:
        b"%\xff".decode(charset, "replace")
    except (LookupError, UnicodeError, ValueError):  # rot13, idna, a NUL in the name
        return False
    return True


class CharsetGuard:
    """The WSGI entry's guard: a 400 for a request whose `Content-Type` names a charset that
    Python can't decode text with (`rot13`, `base64`, `idna`), whatever the method or type.

    Django takes the charset as the request's encoding while it builds the request, before any
    middleware, and decodes the query string in it there: with a query string, such a request
    raised out of Django's handler, a 500 no middleware can turn into a 400."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        content_type = environ.get("CONTENT_TYPE", "")
        if "charset" not in content_type.lower():  # a page read's GET: nothing to parse
            return self.app(environ, start_response)
        _, params = parse_header_parameters(content_type)
        charset = params.get("charset")
        if charset is None or decodable(charset):
            return self.app(environ, start_response)
        start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
        return [b"Send text in UTF-8 (the charset named can't be read).\n"]
