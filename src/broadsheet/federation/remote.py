"""Other servers' actors and objects, fetched through the guarded fetcher and kept.

An inbox POST names its signer's key; we fetch the actor document it belongs to (signed, for
servers in secure mode), keep it a day, and fetch it again sooner only when a signature
fails to verify with the kept key (the actor rotated it).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from broadsheet.core.fetch import Fetcher, FetchFailed, FetchRefused, IPNetwork
from broadsheet.federation import signatures
from broadsheet.federation.documents import JSON_TYPES
from broadsheet.federation.models import LocalActor, RemoteActor

KEEP_FOR = dt.timedelta(days=1)
MAX_DOCUMENT = 256 * 1024  # an actor or a note; Mastodon's own limit is far below
TIMEOUT = 10.0
ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
# The settings modules under which `FEDERATION_TEST_LOOPBACK` is honoured: the test suite's,
# and the fan-out benchmark's (bench/federation), whose inboxes are on this machine too.
LOOPBACK_SETTINGS = ("broadsheet.test_settings", "bench.federation.bench_settings")


class RemoteError(Exception):
    """The remote document could not be had, or is not what it claims to be."""


def fetcher() -> Fetcher:
    """The guarded fetcher with federation's limits. Loopback is allowed only under the test
    and benchmark settings (`FEDERATION_TEST_LOOPBACK`), where the peers run on this machine."""
    return Fetcher(timeout=TIMEOUT, max_bytes=MAX_DOCUMENT, allowed=_test_networks())


def _test_networks() -> tuple[IPNetwork, ...]:
    # The environment, not `settings.SETTINGS_MODULE`, which override_settings hides.
    if not getattr(settings, "FEDERATION_TEST_LOOPBACK", False):
        return ()
    if os.environ.get("DJANGO_SETTINGS_MODULE") not in LOOPBACK_SETTINGS:
        return ()
    return (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


def get_json(url: str, signer: LocalActor | None = None) -> dict[str, Any]:
    """GET an ActivityPub document, signed by `signer` for servers that ask for it."""
    from broadsheet.federation import actors

    headers = {"Accept": ACCEPT}
    if signer is not None:
        signed = signatures.sign_cavage(
            "GET", url, None, actors.key_id(signer), signer.private_key_pem
        )
        headers |= {k: v for k, v in signed.items() if k != "Host"}  # http.client sends Host
    try:
        response = fetcher().fetch(url, headers)
    except (FetchFailed, FetchRefused) as exc:
        raise RemoteError(str(exc)) from exc
    return _json_of(response.status, response.headers.get("content-type", ""), response.body)


def _json_of(status: int, content_type: str, body: bytes) -> dict[str, Any]:
    if status != 200:
        raise RemoteError(f"the server answered {status}")
    if not any(kind in content_type for kind in (*JSON_TYPES, "application/json")):
        raise RemoteError("the server did not answer with ActivityPub JSON")
    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise RemoteError("the server's JSON does not parse") from exc
    if not isinstance(doc, dict):
        raise RemoteError("the document is not a JSON object")
    return doc


def actor_for_key(key_id: str, signer: LocalActor, refresh: bool = False) -> RemoteActor:
    """The actor owning `key_id`, from our copy while fresh, else fetched and kept."""
    kept = RemoteActor.objects.filter(key_id=key_id).first()
    if kept is not None and not refresh and timezone.now() - kept.fetched_at < KEEP_FOR:
        return kept
    return fetch_actor(key_id.split("#", 1)[0], signer)


def actor(uri: str, signer: LocalActor) -> RemoteActor:
    kept = RemoteActor.objects.filter(uri=uri).first()
    if kept is not None and timezone.now() - kept.fetched_at < KEEP_FOR:
        return kept
    return fetch_actor(uri, signer)


def fetch_actor(url: str, signer: LocalActor) -> RemoteActor:
    """Fetch and keep an actor document, checking it is served from its own id's host."""
    doc = get_json(url, signer)
    uri = _str(doc, "id")
    if urlsplit(uri).netloc != urlsplit(url).netloc:
        raise RemoteError("the actor's id is on another host than its address")
    key = doc.get("publicKey")
    if not isinstance(key, dict) or _str(key, "owner", uri) != uri:
        raise RemoteError("the actor has no public key of its own")
    fields = _fields(doc, uri, key)
    found, _ = RemoteActor.objects.update_or_create(uri=uri, defaults=fields)
    return found


def _fields(doc: dict[str, Any], uri: str, key: dict[str, Any]) -> dict[str, Any]:
    endpoints = doc.get("endpoints") if isinstance(doc.get("endpoints"), dict) else {}
    return {
        "key_id": _str(key, "id"),
        "public_key_pem": _str(key, "publicKeyPem"),
        "inbox": _url(_str(doc, "inbox")),
        "shared_inbox": _url(str((endpoints or {}).get("sharedInbox") or "")),
        "username": str(doc.get("preferredUsername") or "")[:200],
        "name": str(doc.get("name") or doc.get("preferredUsername") or "")[:200],
        "url": _url(doc.get("url") if isinstance(doc.get("url"), str) else ""),
        "domain": (urlsplit(uri).hostname or "").lower(),
        "moved_to": _url(doc.get("movedTo") if isinstance(doc.get("movedTo"), str) else ""),
        "fetched_at": timezone.now(),
    }


def _str(doc: dict[str, Any], name: str, default: str | None = None) -> str:
    value = doc.get(name, default)
    if not isinstance(value, str) or not value:
        raise RemoteError(f"the document has no {name!r}")
    return value


def _url(value: Any) -> str:
    """A URL we would keep: http(s) and short enough for its column; anything else, none."""
    text = str(value or "")
    return text if text.startswith(("https://", "http://")) and len(text) <= 500 else ""
