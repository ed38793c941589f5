"""N loopback "servers" for the fan-out benchmark: one aiohttp process listening on N ports,
each a shared inbox that accepts every signed POST and counts it.

python bench/federation/inboxes.py N COUNTFILE   # prints the ports, then "ready"; keeps the
                                                 # number of POSTs received in COUNTFILE; on
                                                 # SIGTERM prints received and distinct pairs
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

from aiohttp import web


async def main(count: int, counter: Path) -> None:
    seen: list[tuple[int, str]] = []

    async def inbox(request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        if "Signature" in request.headers and "Digest" in request.headers:
            port = request.transport.get_extra_info("sockname")[1]  # type: ignore[union-attr]
            seen.append((port, str(body.get("id"))))
            counter.write_text(str(len(seen)))
        return web.Response(status=202)

    app = web.Application()
    app.router.add_post("/inbox", inbox)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    for _ in range(count):
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        print(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
    print("ready", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    print(len(seen), len(set(seen)), flush=True)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), Path(sys.argv[2])))
