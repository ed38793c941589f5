"""The XML-RPC door at /xmlrpc.php (where WordPress clients look) and /xmlrpc.

The standard library's dispatcher (`xmlrpc.server.SimpleXMLRPCDispatcher`) finds the method,
and gives `system.listMethods` and `system.multicall`; the call is read by `parsing` first.
Every answer is a 200 with a methodResponse, faults included, so no client ever sees a 500.
Fault codes follow WordPress's, which desktop editors know: 403 wrong credentials, 401 not
allowed, 404 not found, 400 bad input, 429 too many attempts; -32700 to -32602 are the
XML-RPC spec's (unreadable call, unknown method, wrong parameters).
"""

from __future__ import annotations

import inspect
import logging
import xmlrpc.client
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xmlrpc.server import SimpleXMLRPCDispatcher

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from broadsheet.api.endpoint import as_api_error, private
from broadsheet.api.resources import api_root
from broadsheet.api.rpc import methods, wordpress
from broadsheet.api.rpc.parsing import MOST_BODY, BadCall, call
from broadsheet.api.rpc.shapes import Context
from broadsheet.core.clients import client_ip

log = logging.getLogger(__name__)

FAULTS: dict[str, int] = {
    "unauthorized": 403,
    "forbidden": 401,
    "insufficientScope": 401,
    "notFound": 404,
    "invalid": 400,
    "badRequest": 400,
    "invalidPageToken": 400,
    "conflict": 409,
    "tooLarge": 413,
    "unsupportedMediaType": 415,
    "rateLimitExceeded": 429,
    "methodNotAllowed": 405,
}
TABLE: dict[str, Callable[..., Any]] = {**methods.TABLE, **wordpress.TABLE}


def supported(context: Context) -> list[str]:
    """mt.supportedMethods: WordPress clients ask it first, and call only what it names."""
    return sorted([*TABLE, "mt.supportedMethods"])


TABLE["mt.supportedMethods"] = supported


@dataclass(frozen=True)
class Bound:
    """One method with the request's context before the caller's parameters; a wrong count
    of parameters is the caller's fault (-32602), not ours."""

    method: Callable[..., Any]
    context: Context

    def __call__(self, *params: Any) -> Any:
        try:
            inspect.signature(self.method).bind(self.context, *params)
        except TypeError:
            raise xmlrpc.client.Fault(-32602, "Wrong number of parameters.") from None
        try:
            return self.method(self.context, *params)
        except xmlrpc.client.Fault:
            raise
        except Exception as error:
            raise _fault(error) from None


def _fault(error: Exception) -> xmlrpc.client.Fault:
    found = as_api_error(error)
    if found is None:
        log.exception("XML-RPC method failed")
        return xmlrpc.client.Fault(-32500, "The server could not do that.")
    return xmlrpc.client.Fault(FAULTS[found.reason], found.message)


@csrf_exempt
def xmlrpc_endpoint(request: HttpRequest) -> HttpResponse:
    """POST a methodCall; anything else is told to."""
    if request.method != "POST":
        response = HttpResponse("XML-RPC server accepts POST requests only.\n", status=405)
        response["Allow"] = "POST"
        return response
    context = Context(client=client_ip(request), root=api_root(request))
    return private(_xml(answer(request.read(MOST_BODY + 1), context)))


def answer(body: bytes, context: Context) -> bytes:
    """The methodResponse to a call's body."""
    if len(body) > MOST_BODY:
        return _dumps(xmlrpc.client.Fault(413, "The call is too large."))
    try:
        name, params = call(body)
    except BadCall as bad:
        return _dumps(xmlrpc.client.Fault(-32700, str(bad)))
    try:
        result = dispatcher(context)._dispatch(name, params)
    except xmlrpc.client.Fault as fault:
        return _dumps(fault)
    except Exception:  # the dispatcher's own "method not supported"
        return _dumps(xmlrpc.client.Fault(-32601, f"No method {name[:100]!r}."))
    return _dumps((result,))


def dispatcher(context: Context) -> SimpleXMLRPCDispatcher:
    found = SimpleXMLRPCDispatcher(allow_none=True, encoding="utf-8", use_builtin_types=True)
    for name, method in TABLE.items():
        found.register_function(Bound(method, context), name)
    found.register_introspection_functions()
    found.register_multicall_functions()
    return found


def _dumps(result: Any) -> bytes:
    try:
        text = xmlrpc.client.dumps(result, methodresponse=True, allow_none=True, encoding="utf-8")
    except (OverflowError, TypeError):
        text = xmlrpc.client.dumps(xmlrpc.client.Fault(-32500, "The answer cannot be sent."))
    return text.encode()


def _xml(body: bytes) -> HttpResponse:
    return HttpResponse(body, content_type="text/xml; charset=utf-8")
