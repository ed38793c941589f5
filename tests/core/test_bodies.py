"""A form in a charset Django can't decode is a 400 that says so, not a 500: the CSRF check is
the first to read the form, and the error page Django renders for it runs the check again."""

from __future__ import annotations

from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.test import Client

from broadsheet.blogs.models import Blog
from broadsheet.core.bodies import CharsetGuard
from broadsheet.posts.models import Post
from tests.security.browser import BOUNDARY, browser, csrf_token, multipart_body

pytestmark = pytest.mark.django_db

# Not text encodings (Python's codecs decode bytes to bytes), one that refuses "replace", and
# ones Django reads for multipart but refuses for a form-encoded body.
# "utf8" is UTF-8, but Django's check of a form-encoded body knows only "utf-8".
CHARSETS = ["rot13", "base64", "hex", "idna", "iso-8859-1", "utf-16", "cp037", "utf8"]


def send(client: Client, path: str, kind: str, charset: str) -> tuple[int, str]:
    fields = [("csrfmiddlewaretoken", csrf_token()), ("source", "hi"), ("source_format", "html")]
    if kind == "multipart":
        body: bytes = multipart_body(fields)
        content_type = f"multipart/form-data; boundary={BOUNDARY}; charset={charset}"
    else:
        body = b"&".join(f"{name}={value}".encode() for name, value in fields)
        content_type = f"application/x-www-form-urlencoded; charset={charset}"
    # `generic`: `post` would re-encode the body into the charset the header names.
    response = client.generic("POST", path, body, content_type=content_type)
    return response.status_code, response.content.decode()


@pytest.mark.parametrize("kind", ["multipart", "urlencoded"])
@pytest.mark.parametrize("charset", CHARSETS)
def test_a_form_in_another_charset_is_refused_with_a_400(
    blog: Blog, author: object, post: Post, kind: str, charset: str
) -> None:
    member = browser()
    member.force_login(author)  # type: ignore[arg-type]
    # A view behind the CSRF check (the preview) and one that checks by hand (comments).
    for path in (f"/studio/{blog.slug}/preview/", f"/comments/post/{post.pk}"):
        status, said = send(member, path, kind, charset)
        assert (status, said) == (400, f"Send forms in UTF-8 (this one said charset={charset}).")


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8"])
def test_a_form_that_names_utf_8_is_read(blog: Blog, author: object, charset: str) -> None:
    member = browser()
    member.force_login(author)  # type: ignore[arg-type]
    for kind in ("multipart", "urlencoded"):
        status, said = send(member, f"/studio/{blog.slug}/preview/", kind, charset)
        assert status == 200 and "hi" in said


def wsgi_status(method: str, path: str, query: str, content_type: str) -> str:
    from broadsheet.wsgi import application

    seen: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen["status"] = status
        return lambda data: None

    environ: dict[str, Any] = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query}
    environ |= {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": "0", "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    b"".join(application(environ, start_response))
    return seen["status"]


@pytest.mark.parametrize("charset", ["rot13", "base64", "idna", "undefined"])
@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=x", "text/plain"])
def test_a_charset_python_cant_decode_is_a_400_at_the_wsgi_entry(
    blog: Blog, charset: str, content_type: str
) -> None:
    # Django decodes the query string in the named charset while it builds the request, before
    # any middleware: through the server this was a 500 for any request with a query string.
    for method in ("POST", "GET"):
        status = wsgi_status(
            method, "/studio/login/", "next=/", f"{content_type}; charset={charset}"
        )
        assert status.startswith("400 "), (method, status)


def test_the_wsgi_guard_passes_a_readable_charset_on() -> None:
    # Not through Django here: its request_finished signal would close the test's connection.
    passed: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        passed.append(environ.get("CONTENT_TYPE", ""))
        return [b""]

    kinds = ["text/plain; charset=utf-8", "multipart/form-data; charset=iso-8859-1", "", "x/y"]
    for kind in kinds:
        CharsetGuard(app)({"CONTENT_TYPE": kind}, lambda *args: None)  # type: ignore[arg-type]
    assert passed == kinds
