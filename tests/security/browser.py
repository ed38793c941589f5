"""Requests as a browser sends them: CSRF checked, the token in the form or in the header the
studio's scripts set, the form as `application/x-www-form-urlencoded` or as `multipart/form-data`
(what `FormData` sends: the editor's preview, autosave and uploads).

Django's test `Client` skips the CSRF check unless told otherwise, and then the middleware
never reads the body: a view that reads `request.body` after the check has parsed a multipart
form from the stream (`RawPostDataException`) answered every real browser 500 while every test
passed (session 12: the preview and autosave byte budget). The harnesses that post forms for a
member or a commenter use this module, so they meet the body as the middleware leaves it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

# The CSRF cookie every browser client holds (32 letters and digits, as Django makes them), and
# a token for it masked as a page's form carries it.
SECRET = "BroadsheetFuzzWalk0123456789abcd"
BOUNDARY = "----WebKitFormBoundaryBr0adsh33tFuzz"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
FORM = "application/x-www-form-urlencoded"
# What Django's CSRF failure page says: a 403 for the token, told apart from a view's own 403.
CSRF_REFUSED = b"CSRF verification failed"


def csrf_token() -> str:
    """A valid token for `SECRET`, masked afresh as each page render masks it."""
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = SECRET
    return get_token(request)


class Browser(Client):
    """A client that holds the CSRF cookie and has its token checked on every POST, as a
    browser's is; `post` puts a valid token in a form given as a dict (as a page's form
    carries it; not with `csrf=False`), multipart as the test client sends by default, or
    form-encoded (`form`)."""

    def __init__(self, **defaults: Any) -> None:
        super().__init__(enforce_csrf_checks=True, **defaults)
        self.cookies[settings.CSRF_COOKIE_NAME] = SECRET

    def post(  # type: ignore[override]
        self,
        path: str,
        data: Any = None,
        *args: Any,
        form: bool = False,
        csrf: bool = True,
        **extra: Any,
    ) -> Any:
        if csrf and (data is None or isinstance(data, dict)):
            data = {**(data or {}), "csrfmiddlewaretoken": csrf_token()}
            if form:
                return super().post(path, urlencode(data, doseq=True), FORM, **extra)
        return super().post(path, data, *args, **extra)


def browser(session: str | None = None, **defaults: Any) -> Browser:
    """A `Browser` holding `session`'s cookie, if given."""
    client = Browser(**defaults)
    if session is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    return client


def _raw(text: str) -> bytes:
    # Lone surrogates go out as the invalid bytes a broken client would send.
    return text.encode("utf-8", "surrogatepass")


def _part_name(name: str) -> bytes:
    # As the HTML standard has browsers write a field's name in a part's header.
    escaped = name.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
    return _raw(escaped)


def multipart_body(pairs: list[tuple[str, str]], files: tuple[str, ...] = ()) -> bytes:
    """The fields as `FormData` sends them; each name in `files` as a file input with no file
    chosen (an empty part with an empty file name), as every browser sends one."""
    parts = [
        b'Content-Disposition: form-data; name="' + _part_name(name) + b'"\r\n\r\n' + _raw(value)
        for name, value in pairs
    ]
    parts += [
        b'Content-Disposition: form-data; name="' + _part_name(name) + b'"; filename=""\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
        for name in files
    ]
    dash = b"--" + BOUNDARY.encode()
    return b"".join(dash + b"\r\n" + part + b"\r\n" for part in parts) + dash + b"--\r\n"
