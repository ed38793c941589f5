"""The API's descriptions: a valid OpenAPI 3.1 document that describes every route and
method the URL configuration serves, and nothing it does not; the discovery document."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from openapi_spec_validator import validate

from broadsheet.api.micropub import views as micropub
from broadsheet.api.rpc.server import xmlrpc_endpoint
from broadsheet.api.views import described, missing, rpc
from broadsheet.core.routes import view_of

# The documents describe the JSON API; XML-RPC and Micropub are described by their own
# specifications and docs/api.md, and discovered from the blog's home page.
UNDESCRIBED = {
    described.openapi_document,
    described.discovery_document,
    missing.missing,
    xmlrpc_endpoint,
    rpc.rsd,
    micropub.micropub,
    micropub.media_endpoint,
    micropub.token_endpoint,
}


def api_patterns() -> list[tuple[str, URLPattern]]:
    found = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "api":
            found += [(str(p.pattern), p) for p in entry.url_patterns if isinstance(p, URLPattern)]
    return found


def served() -> set[tuple[object, str]]:
    """(view, method) for every API route, HEAD aside (it comes with GET)."""
    pairs = set()
    for _, pattern in api_patterns():
        view = view_of(pattern)  # the URLconf names the API's views by path (`core.routes`)
        if view in UNDESCRIBED:
            continue
        for method in view.api_methods:
            if method != "HEAD":
                pairs.add((view, method))
    return pairs


def described_pairs(document: dict) -> set[tuple[object, str]]:
    """(view, method) for every operation of the document, found by resolving its path."""
    pairs = set()
    for path, operations in document["paths"].items():
        url = "/blogger/v3" + re.sub(r"\{\w+\}", "1", path)
        view = resolve(url).func
        assert view is not missing.missing, f"{path} is described but not served"
        for method in operations:
            assert method.upper() in view.api_methods, f"{method} {path} is not served"
            pairs.add((view, method.upper()))
    return pairs


def test_the_openapi_document_is_valid_and_describes_every_route(db):
    answer = Client().get("/api/openapi.json")
    assert answer.status_code == 200
    document = answer.json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://testserver/blogger/v3"}] or document["servers"]
    assert described_pairs(document) == served()


def test_every_moderation_verb_is_described(db):
    paths = Client().get("/api/openapi.json").json()["paths"]
    verbs = {path.rsplit("/", 1)[-1] for path in paths if "{commentId}/" in path}
    assert verbs == {"approve", "spam", "removecontent"}


def test_the_discovery_document_names_every_operation(db):
    document = Client().get("/api/discovery/v1/apis/blogger/v3/rest").json()
    assert document["name"] == "blogger" and document["version"] == "v3"
    methods = {
        f"{resource}.{method}"
        for resource, body in document["resources"].items()
        for method in body["methods"]
    }
    openapi = Client().get("/api/openapi.json").json()["paths"]
    operations = {op["operationId"] for path in openapi.values() for op in path.values()}
    assert methods == operations
    assert document["rootUrl"].endswith("/") and document["servicePath"] == "blogger/v3/"


def test_the_documents_take_only_get_and_head(db):
    assert Client().post("/api/openapi.json").status_code == 405
