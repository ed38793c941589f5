"""A fediverse server that is not ours, on loopback: bovine (PyPI) signs what it sends and
checks the signatures on what it receives, with its own code, not ours.

It runs an aiohttp app in a thread of its own: an actor document with its RSA key, and an
inbox that keeps every activity whose signature bovine accepts (and answers 401 otherwise).
With `secure=True`, like a Mastodon server in secure mode ("authorized fetch"), it shows its
actor document only to a GET that bovine finds signed (test_peer.py runs it so).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Coroutine
from typing import Any

import aiohttp
from aiohttp import web
from bovine.clients.signed_http import SignedHttpClient
from bovine.crypto import build_validate_http_signature_raw, generate_rsa_public_private_key
from bovine.crypto.types import CryptographicIdentifier

AS = "https://www.w3.org/ns/activitystreams"


class Peer:
    def __init__(self, name: str = "pat", secure: bool = False) -> None:
        self.name = name
        self.secure = secure  # show the actor only to a signed GET
        self.public_pem, self.private_pem = generate_rsa_public_private_key()
        self.received: list[dict[str, Any]] = []
        self.refused = 0
        self.signed_gets: list[str] = []  # the key ids of the GETs the actor was shown to
        self.refused_gets = 0
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.port = self._run(self._start())

    def _run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=30)

    async def _start(self) -> int:
        app = web.Application()
        app.router.add_get("/users/{name}", self._actor)
        app.router.add_post("/users/{name}/inbox", self._inbox)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.session = aiohttp.ClientSession()
        self.validate = build_validate_http_signature_raw(self._key)
        return int(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]

    def stop(self) -> None:
        async def close() -> None:
            await self.session.close()
            await self.runner.cleanup()

        self._run(close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)

    @property
    def id(self) -> str:
        return f"http://127.0.0.1:{self.port}/users/{self.name}"

    def actor_document(self) -> dict[str, Any]:
        return {
            "@context": [AS, "https://w3id.org/security/v1"],
            "id": self.id,
            "type": "Person",
            "preferredUsername": self.name,
            "name": f"{self.name.title()} Peer",
            "inbox": self.id + "/inbox",
            "publicKey": {
                "id": self.id + "#key",
                "owner": self.id,
                "publicKeyPem": self.public_pem,
            },
        }

    async def _actor(self, request: web.Request) -> web.Response:
        async def nothing() -> bytes:
            return b""

        if not self.secure:
            return web.json_response(
                self.actor_document(), content_type="application/activity+json"
            )
        signer = None
        if "signature" in request.headers:  # bovine reads a missing header as an error
            signer = await self.validate(request.method, str(request.url), request.headers, nothing)
        if signer is None:
            self.refused_gets += 1
            return web.json_response({"error": "sign your GET"}, status=401)
        self.signed_gets.append(signer)
        return web.json_response(self.actor_document(), content_type="application/activity+json")

    async def _key(self, key_id: str) -> CryptographicIdentifier:
        headers = {"Accept": "application/activity+json"}
        async with self.session.get(key_id.split("#")[0], headers=headers) as response:
            doc = json.loads(await response.read())
        return CryptographicIdentifier.from_public_key(doc["publicKey"])

    async def _inbox(self, request: web.Request) -> web.Response:
        body = await request.read()

        async def read() -> bytes:
            return body

        signer = await self.validate(request.method, str(request.url), request.headers, read)
        if signer is None:
            self.refused += 1
            return web.json_response({"error": "bad signature"}, status=401)
        activity = json.loads(body)
        activity["_signer"] = signer
        self.received.append(activity)
        return web.json_response({}, status=202)

    def send(self, inbox: str, activity: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST `activity`, signed by bovine; the status and JSON answer."""

        async def post() -> tuple[int, dict[str, Any]]:
            client = SignedHttpClient(self.session, self.id + "#key", self.private_pem)
            body = json.dumps({"@context": AS, "actor": self.id, **activity})
            response = await client.post(inbox, body, content_type="application/activity+json")
            return response.status, json.loads(await response.read() or b"{}")

        return self._run(post())  # type: ignore[no-any-return]

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [activity for activity in self.received if activity.get("type") == kind]
