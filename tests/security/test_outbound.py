"""Only the guarded fetcher (`broadsheet/core/fetch.py`) opens connections to other hosts.

Anything else in `src/` that imported an HTTP client or opened a socket would be a way round
its address checks (server-side request forgery), so this test reads the source and fails on
any such import or call outside the fetcher. The one exception it knows of is listed with the
reason it is allowed; add to it only with one.
"""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "broadsheet"
FETCHER = SRC / "core" / "fetch.py"
OUTBOUND = re.compile(
    r"^\s*(import|from)\s+(urllib\.request|urllib3|http\.client|requests|httpx|aiohttp|"
    r"socket|ftplib|smtplib|imaplib|poplib|telnetlib|xmlrpc\.client|pycurl)\b"
    r"|\b(urlopen|create_connection|socket\.socket|HTTPConnection|HTTPSConnection)\s*\(",
    re.MULTILINE,
)
# Mail goes out through Django's email backend to the operator's own SMTP server.
# Each exception names the exact lines it may hold, and why.
KNOWN: dict[str, set[str]] = {
    # Sends newsletters through Django's email backend (`get_connection`), and imports smtplib
    # only for the exception classes that say how the operator's SMTP server answered (a 4xx
    # pauses the send, a 5xx fails one delivery); it opens no connection of its own.
    "subscribers/sending.py": {"import smtplib"},
    # The XML-RPC door reads calls and writes answers with the standard library's marshalling
    # (`loads`, `dumps`, `Fault`); it is a server and opens no connection.
    "api/rpc/parsing.py": {"import xmlrpc.client"},
    "api/rpc/server.py": {"import xmlrpc.client"},
    # `broadsheet postbyemail fetch` logs in to the operator's own IMAP mailbox, named in the
    # settings (never by a user or a message), as Django's email backend does to their SMTP.
    "api/management/commands/postbyemail.py": {"import imaplib"},
    # Reads bounces from the operator's own IMAP folder, named in the settings (docs/subscribers.md).
    "subscribers/bounces.py": {"import imaplib"},
    # `broadsheet subscribers bounces --imap` names imaplib only for its error class, to say
    # why the operator's mailbox refused; the connection is `subscribers.bounces`'s.
    "subscribers/management/commands/subscribers.py": {"import imaplib"},
    # `broadsheet serve --front nginx` takes a free port on 127.0.0.1 for granian behind its
    # nginx, and waits until granian listens there before starting nginx: loopback only,
    # a port of its own choosing, never an address from a setting or a user.
    "ops/management/commands/serve.py": {"import socket", "socket.socket(", "create_connection("},
}


def offenders() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        if path == FETCHER or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        hits = [match.group(0).strip() for match in OUTBOUND.finditer(text)]
        name = path.relative_to(SRC).as_posix()
        unexpected = [hit for hit in hits if hit not in KNOWN.get(name, set())]
        if unexpected:
            found[name] = unexpected
    return found


def test_nothing_but_the_fetcher_opens_connections() -> None:
    assert not offenders(), offenders()


def test_the_check_finds_an_outbound_call() -> None:
    sample = "import urllib.request\nurllib.request.urlopen('http://x/')\n"
    assert len(OUTBOUND.findall(sample)) == 2


def test_a_trusted_host_is_the_only_exception_to_the_address_checks() -> None:
    import pytest

    from broadsheet.core.fetch import Fetcher, FetchRefused

    fetcher = Fetcher(resolver=lambda host, port: ["127.0.0.1"], trusted_hosts=("hub.lan",))
    target, address = fetcher.check("http://hub.lan/")
    assert (target.host, address) == ("hub.lan", "127.0.0.1")
    with pytest.raises(FetchRefused):
        fetcher.check("http://elsewhere.example/")
