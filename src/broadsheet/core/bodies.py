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

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

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
