"""A loopback SMTP server that accepts every mail and counts them (aiosmtpd).

python bench/newsletter/sink.py PORT     # prints the count when stopped (SIGTERM)
"""

from __future__ import annotations

import signal
import sys
import threading
from typing import Any

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self) -> None:
        self.count = 0
        self.recipients: set[str] = set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        self.recipients.update(envelope.rcpt_tos)
        return "250 OK"


def main() -> None:
    counter, done = Counter(), threading.Event()
    controller = Controller(counter, hostname="127.0.0.1", port=int(sys.argv[1]))
    controller.start()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print("ready", flush=True)
    done.wait()
    controller.stop()
    print(f"{counter.count} {len(counter.recipients)}", flush=True)


if __name__ == "__main__":
    main()
