"""HTTP signatures, both kinds the fediverse speaks: draft-cavage (Mastodon and most servers)
and RFC 9421 (HTTP Message Signatures, which newer servers send and accept).

Draft-cavage is a dozen lines over `cryptography` and has no maintained library of its own;
RFC 9421's structured fields and signature base are exactly what `http-message-signatures`
implements, so that side is its job. Both sign with the actor's RSA key (RSA PKCS#1 v1.5,
SHA-256: the one algorithm every server accepts).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import http_message_signatures as hms
from cryptography.exceptions import InvalidSignature as BadRsa
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.utils import timezone

# A request dated further than this from our clock is refused: replays stay short-lived.
CLOCK_SKEW_SECONDS = 12 * 3600
_PARAM = re.compile(r'(\w+)="([^"]*)"')


class SignatureError(Exception):
    """The request is unsigned, or its signature does not hold."""


def new_key_pair() -> tuple[str, str]:
    """A fresh RSA key as (public PEM, private PEM): 2048 bits, what Mastodon makes."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return public.decode(), private.decode()


@lru_cache(maxsize=64)
def _private(pem: str) -> rsa.RSAPrivateKey:
    """Our own key, loaded once per process: loading checks an RSA key's consistency, which
    costs more than signing with it (half a second a delivery on a busy machine). The keys
    are the ones we generated, so that check is skipped."""
    key = serialization.load_pem_private_key(
        pem.encode(), password=None, unsafe_skip_rsa_key_validation=True
    )
    assert isinstance(key, rsa.RSAPrivateKey)  # we only ever store RSA keys
    return key


def _public(pem: str) -> rsa.RSAPublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError as exc:
        raise SignatureError("the actor's public key is not a PEM key") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError("only RSA keys are accepted")
    return key


def digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def digest_matches(header: str, body: bytes) -> bool:
    """Whether the Digest header holds the body's SHA-256. Servers differ in how they spell
    the algorithm (`SHA-256`, `sha-256`) and may list other digests beside it."""
    want = digest(body).split("=", 1)[1]
    for item in header.split(","):
        name, _, value = item.strip().partition("=")
        if name.lower() == "sha-256" and value == want:
            return True
    return False


# --- draft-cavage ----------------------------------------------------------------------------


def _target(method: str, url: str) -> str:
    parts = urlsplit(url)
    return f"{method.lower()} {parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


def sign_cavage(
    method: str, url: str, body: bytes | None, key_id: str, private_pem: str
) -> dict[str, str]:
    """The headers that sign a request the way Mastodon checks it."""
    headers = {"Host": urlsplit(url).netloc, "Date": formatdate(usegmt=True)}
    if body is not None:
        headers["Digest"] = digest(body)
    names = ["(request-target)", *(name.lower() for name in headers)]
    values = {
        "(request-target)": _target(method, url),
        **{k.lower(): v for k, v in headers.items()},
    }
    base = "\n".join(f"{name}: {values[name]}" for name in names).encode()
    signed = _private(private_pem).sign(base, padding.PKCS1v15(), hashes.SHA256())
    headers["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signed).decode()}"'
    )
    return headers


@dataclass(frozen=True)
class Incoming:
    """A request as the inbox saw it: what a signature can cover."""

    method: str
    url: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes


KeyLookup = Callable[[str], str]  # key id -> public PEM; raises SignatureError


def key_id_of(request: Incoming) -> str:
    """The key the request says it was signed with, either kind."""
    if "signature-input" in request.headers:
        found = re.search(r'keyid="([^"]+)"', request.headers["signature-input"])
    else:
        found = re.search(r'keyId="([^"]+)"', request.headers.get("signature", ""))
    if found is None:
        raise SignatureError("the request is not signed")
    return found.group(1)


def verify(request: Incoming, public_pem: str) -> None:
    """Check the signature of either kind, and the body's digest; raise SignatureError."""
    if "signature-input" in request.headers:
        _verify_rfc9421(request, public_pem)
    else:
        _verify_cavage(request, public_pem)


def _verify_cavage(request: Incoming, public_pem: str) -> None:
    params = dict(_PARAM.findall(request.headers.get("signature", "")))
    names = params.get("headers", "date").split()
    required = {"(request-target)", "host", "date"} | ({"digest"} if request.body else set())
    if not required <= set(names):
        raise SignatureError(f"the signature must cover {', '.join(sorted(required))}")
    _check_date(request.headers.get("date", ""))
    if request.body and not digest_matches(request.headers.get("digest", ""), request.body):
        raise SignatureError("the body does not match its digest")
    base = "\n".join(f"{name}: {_value(request, name)}" for name in names).encode()
    try:
        signature = base64.b64decode(params.get("signature", ""), validate=True)
        _public(public_pem).verify(signature, base, padding.PKCS1v15(), hashes.SHA256())
    except (BadRsa, ValueError) as exc:
        raise SignatureError("the signature does not match") from exc


def _value(request: Incoming, name: str) -> str:
    if name == "(request-target)":
        return _target(request.method, request.url)
    if name not in request.headers:
        raise SignatureError(f"the signed header {name!r} is missing")
    return request.headers[name]


def _check_date(value: str) -> None:
    try:
        sent = parsedate_to_datetime(value)
    except (TypeError, ValueError) as exc:
        raise SignatureError("the Date header is missing or malformed") from exc
    if sent.tzinfo is None or abs((timezone.now() - sent).total_seconds()) > CLOCK_SKEW_SECONDS:
        raise SignatureError("the Date header is too far from our clock")


# --- RFC 9421 --------------------------------------------------------------------------------


class _Keys(hms.HTTPSignatureKeyResolver):
    def __init__(self, public_pem: str = "", private_pem: str = "") -> None:
        self.public_pem, self.private_pem = public_pem, private_pem

    def resolve_public_key(self, key_id: str) -> Any:
        return _public(self.public_pem)

    def resolve_private_key(self, key_id: str) -> Any:
        return _private(self.private_pem)


@dataclass
class _Message:
    method: str
    url: str
    headers: dict[str, str]


def sign_rfc9421(
    method: str, url: str, body: bytes | None, key_id: str, private_pem: str
) -> dict[str, str]:
    """The headers that sign a request by RFC 9421 (Signature-Input, Signature, and
    Content-Digest for a body)."""
    message = _Message(method.upper(), url, {"Host": urlsplit(url).netloc})
    signer = hms.HTTPMessageSigner(
        signature_algorithm=hms.algorithms.RSA_V1_5_SHA256,
        key_resolver=_Keys(private_pem=private_pem),
    )
    covered = ("@method", "@target-uri")
    signer.sign(message, key_id=key_id, covered_component_ids=covered, body=body, label="sig1")
    return message.headers


def _verify_rfc9421(request: Incoming, public_pem: str) -> None:
    message = _Message(request.method.upper(), request.url, dict(request.headers))
    verifier = hms.HTTPMessageVerifier(
        signature_algorithm=hms.algorithms.RSA_V1_5_SHA256, key_resolver=_Keys(public_pem)
    )
    required = ("@method", "@target-uri")
    try:
        verifier.verify(
            message,
            max_age=dt.timedelta(seconds=CLOCK_SKEW_SECONDS),
            require_components=required,
            body=request.body or None,
        )
    except hms.HTTPMessageSignaturesException as exc:
        raise SignatureError(f"the signature does not hold: {exc}") from exc
