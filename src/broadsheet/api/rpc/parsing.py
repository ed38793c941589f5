"""Reading an XML-RPC call safely: the body is decoded first (UTF-8 or UTF-16 only, whatever
the declaration claims), then checked by defusedxml (no DTD, so no entity can expand or reach
the network), and only then unmarshalled by the standard library, which trusts its input."""

from __future__ import annotations

import re
import xmlrpc.client
from typing import Any
from xml.parsers.expat import ExpatError

import defusedxml.ElementTree as safe_tree
from defusedxml import DefusedXmlException

# A base64 image of the size the studio takes, with room for the envelope.
MOST_BODY = 16 * 1024 * 1024
DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
DECLARED = re.compile(r"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16"}


class BadCall(Exception):
    """The body is no XML-RPC call we will read; the message says why."""


def call(body: bytes) -> tuple[str, tuple[Any, ...]]:
    """The method name and parameters of a call."""
    text = _decoded(body)
    found = DECLARATION.match(text)
    if found:
        _check_declared(found.group(0))
        text = text[found.end() :]
    try:
        safe_tree.fromstring(text, forbid_dtd=True)
        params, method = xmlrpc.client.loads(text.encode(), use_builtin_types=True)
    except (DefusedXmlException, safe_tree.ParseError, ExpatError) as error:
        raise BadCall(f"Not well-formed XML, or XML we do not read: {error}") from None
    except (ValueError, TypeError, xmlrpc.client.ResponseError):
        raise BadCall("A value in the call cannot be read.") from None
    if not method:
        raise BadCall("The body is no methodCall.")
    return method, params


def _decoded(body: bytes) -> str:
    codec = "utf-16" if body.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return body.decode(codec)
    except UnicodeDecodeError:
        raise BadCall("The body must be UTF-8 or UTF-16.") from None


def _check_declared(declaration: str) -> None:
    named = DECLARED.search(declaration)
    if named and named.group(1).lower() not in ENCODINGS:
        raise BadCall("Only UTF-8 and UTF-16 are read.")
