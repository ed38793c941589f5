"""A second server that is not ours: Fedify (npm), run by Node on a loopback port.

`tests/federation/fedify/peer.mjs` is the server; this drives it through its control
endpoints and reads back what it received, as Fedify's own vocabulary parsed it.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("fedify") / "peer.mjs"
TIMEOUT = 30  # seconds a control call may take: Fedify sends, and waits on the blog


class FedifyPeer:
    def __init__(self) -> None:
        node = shutil.which("node")
        assert node, "Node is needed for the Fedify peer (see .ci/run)"
        # Started here, waited for on first use: Node starts while the test makes its blog.
        self.process = subprocess.Popen(
            [node, str(SCRIPT)], stdout=subprocess.PIPE, text=True, cwd=SCRIPT.parent
        )

    @functools.cached_property
    def origin(self) -> str:
        assert self.process.stdout is not None
        first = self.process.stdout.readline()  # "port N", once listening
        assert first.startswith("port "), f"the Fedify peer did not start: {first!r}"
        return f"http://127.0.0.1:{int(first.split()[1])}"

    @property
    def actor(self) -> str:
        return self.origin + "/users/fed"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def control(self, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(self.origin + "/control/" + path, data=data)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as failed:  # Fedify's error, for the test's message
            raise AssertionError(failed.read().decode()) from failed

    def follow(self, actor: str) -> None:
        self.control("follow", {"object": actor})

    def reply(self, to: str, in_reply_to: str, content: str, n: int) -> str:
        """Send a Note in reply; its id."""
        self.control("reply", {"to": to, "inReplyTo": in_reply_to, "content": content, "n": n})
        return f"{self.actor}/notes/{n}"

    def inbox_status_unsigned(self, activity: dict[str, Any]) -> int:
        """What Fedify's shared inbox answers a copy of `activity` that nobody signed."""
        body = json.dumps(activity).encode()
        headers = {"Content-Type": "application/activity+json"}
        request = urllib.request.Request(self.origin + "/inbox", data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
                return int(answer.status)
        except urllib.error.HTTPError as refused:
            return refused.code

    def received(self, kind: str) -> list[dict[str, Any]]:
        return [one for one in self.state()["received"] if one["type"] == kind]

    def state(self) -> dict[str, Any]:
        return self.control("state")
