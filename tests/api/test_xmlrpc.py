"""The XML-RPC door's own rules: a call is read safely (UTF-8/16 only, no DTD), every answer
is a methodResponse with a fault code a client can branch on, sign-in is an app password, and
the blog advertises the door (RSD)."""

from __future__ import annotations

import inspect
import xmlrpc.client
from typing import Any

import pytest
from django.test import Client

from broadsheet.api.rpc.server import TABLE
from broadsheet.api.rpc.server import answer as answer_call
from broadsheet.api.rpc.shapes import Context
from broadsheet.blogs import app_passwords
from broadsheet.posts.models import Post

pytestmark = pytest.mark.django_db
CONTEXT = Context(client="127.0.0.1", root="http://localhost/blogger/v3/")


def call(method: str, *params: Any, encoding: str = "utf-8") -> xmlrpc.client.Fault | Any:
    body = xmlrpc.client.dumps(params, method, allow_none=True, encoding=encoding)
    return answer(body.encode(encoding))


def answer(body: bytes, path: str = "/xmlrpc.php") -> xmlrpc.client.Fault | Any:
    response = Client().post(path, body, content_type="text/xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    try:
        return xmlrpc.client.loads(response.content, use_builtin_types=True)[0][0]
    except xmlrpc.client.Fault as fault:
        return fault


def code(found: Any) -> int:
    assert isinstance(found, xmlrpc.client.Fault), found
    return int(found.faultCode)


def test_get_is_refused_with_a_reason() -> None:
    response = Client().get("/xmlrpc")
    assert response.status_code == 405 and b"POST" in response.content


def test_entities_and_dtds_are_refused_before_parsing() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<methodCall><methodName>&b;</methodName></methodCall>"
    )
    assert code(answer(laughs)) == -32700
    outside = b'<!DOCTYPE m SYSTEM "http://127.0.0.1/x.dtd"><methodCall/>'
    assert code(answer(outside)) == -32700


def test_only_utf8_and_utf16_are_read() -> None:
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?><methodCall><methodName>x</methodName></methodCall>'
    assert "UTF-8" in answer(latin.encode("latin-1")).faultString
    assert code(answer(b"\xff\xfe\xff")) == -32700  # a BOM, then no UTF-16
    listed = call("system.listMethods", encoding="utf-16")
    assert "wp.newPost" in listed and "metaWeblog.newMediaObject" in listed


def test_garbage_unknown_methods_and_wrong_arity_are_faults() -> None:
    assert code(answer(b"not xml at all")) == -32700
    assert code(answer(b"<methodResponse><params/></methodResponse>")) == -32700
    assert code(call("wp.noSuchThing")) == -32601
    assert code(call("wp.getPosts", "1")) == -32602


def test_the_account_password_is_not_accepted(blog: Any, author: Any) -> None:
    assert code(call("wp.getUsersBlogs", "ada", "pw")) == 403
    secret = app_passwords.create(author, "x", ["write"])[1]
    assert code(call("wp.getUsersBlogs", "alan", secret)) == 403  # someone else's name
    assert call("wp.getUsersBlogs", "ada", secret)[0]["blogid"] == str(blog.pk)


def test_a_read_password_cannot_write(blog: Any, author: Any) -> None:
    secret = app_passwords.create(author, "x", ["read"])[1]
    found = call("wp.newPost", str(blog.pk), "ada", secret, {"post_title": "No"})
    assert code(found) == 401 and not Post.objects.filter(title="No").exists()


def test_another_blogs_post_is_not_found(other_blog: Any, outsider: Any, post: Any) -> None:
    secret = app_passwords.create(outsider, "x", ["write"])[1]
    assert code(call("metaWeblog.getPost", str(post.pk), "oscar", secret)) == 404
    assert code(call("metaWeblog.editPost", str(post.pk), "oscar", secret, {}, True)) == 404
    assert code(call("wp.getPost", str(other_blog.pk), "oscar", secret, str(post.pk))) == 404
    assert code(call("wp.getPost", "9" * 40, "oscar", secret, "1")) == 400  # no id of ours


def test_bad_values_are_the_callers_fault(blog: Any, author: Any) -> None:
    secret = app_passwords.create(author, "x", ["write"])[1]
    assert code(call("wp.newPost", str(blog.pk), "ada", secret, "a string")) == 400
    asked = {"post_title": "x", "terms_names": {"category": [1.5]}}
    assert code(call("wp.newPost", str(blog.pk), "ada", secret, asked)) == 400
    assert code(call("wp.getPosts", str(blog.pk), "ada", secret, {"number": "many"})) == 400


def test_the_home_page_and_rsd_name_the_door(blog: Any, post: Any) -> None:
    home = Client().get("/", HTTP_HOST="localhost").content.decode()
    assert 'rel="EditURI" type="application/rsd+xml"' in home
    rsd = Client().get("/rsd.xml", HTTP_HOST="localhost")
    assert rsd["Content-Type"].startswith("application/rsd+xml")
    assert f'blogID="{blog.pk}"' in rsd.content.decode() and b"/xmlrpc.php" in rsd.content


ODD = [None, "x" * 5000, -1, 1.5, [1, "a"], {"a": {"b": []}}]


def test_every_method_answers_odd_values_with_a_fault_of_the_callers(
    blog: Any, author: Any, post: Any
) -> None:
    """Each parameter in turn, with the others sensible, takes every odd value: the answer
    is a result or a fault the caller caused, never the server's own (-32500)."""
    secret = app_passwords.create(author, "x", ["write"])[1]
    for name, method in TABLE.items():
        names = list(inspect.signature(method).parameters)[1:]
        sensible = [sane(each, blog, post, secret) for each in names]
        for place, value in [(p, v) for p in range(len(names)) for v in ODD]:
            if names[place] in ("user", "password"):
                continue
            params = [*sensible[:place], value, *sensible[place + 1 :]]
            found = direct(name, params)
            assert not (isinstance(found, xmlrpc.client.Fault) and found.faultCode == -32500), (
                name,
                names[place],
                value,
            )


def direct(name: str, params: list[Any]) -> Any:
    # Past the HTTP layer (the tests above cover it), straight to the reading and dispatch.
    body = xmlrpc.client.dumps(tuple(params), name, allow_none=True).encode()
    try:
        return xmlrpc.client.loads(answer_call(body, CONTEXT), use_builtin_types=True)[0][0]
    except xmlrpc.client.Fault as fault:
        return fault


def sane(name: str, blog: Any, post: Any, secret: str) -> Any:
    known = {"user": "ada", "password": secret, "blog_id": str(blog.pk), "post_id": str(post.pk)}
    return known.get(name, {} if name in ("data", "wanted") else "1")


@pytest.mark.parametrize(
    ("method", "content"),
    [
        ("metaWeblog.newPost", {"title": "Long", "description": "x" * 1001}),
        ("wp.newPost", {"post_title": "Long", "post_content": "x" * 1001}),
        ("blogger.newPost", "<title>Long</title>" + "x" * 1001),
    ],
)
def test_a_body_past_the_size_bound_is_a_fault_with_the_reason(
    blog: Any, author: Any, settings: Any, method: str, content: Any
) -> None:
    settings.MAX_POST_BYTES = 1000
    secret = app_passwords.create(author, "x", ["write"])[1]
    first = ("",) if method.startswith("blogger.") else ()  # Blogger's ignored app key
    found = call(method, *first, str(blog.pk), "ada", secret, content)
    assert code(found) == 400 and "at most 1,000 bytes" in found.faultString
    assert not Post.objects.exists()
