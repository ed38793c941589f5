"""Reading bounces and complaints: which addresses to suppress.

A bounce is a delivery status notification (RFC 3464: a `multipart/report` with a
`message/delivery-status` part); a recipient whose Action is "failed" with a 5.x.x Status
bounced hard (the address does not exist, or never will take our mail) and is suppressed. A
4.x.x status is temporary and changes nothing. A complaint is an abuse report in the ARF format
(RFC 5965: a `message/feedback-report` part); its recipient is suppressed at once. Anything
else in the mailbox (auto-replies, mail from people) is left alone.
"""

from __future__ import annotations

import email
import email.policy
import imaplib
import mailbox
import ssl
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser
from email.utils import getaddresses

from broadsheet.subscribers import actions
from broadsheet.subscribers.models import Suppression

Reason = Suppression.Reason
IMAPS_PORT = 993


@dataclass(frozen=True)
class Finding:
    email: str
    reason: str
    detail: str


def findings(message: Message) -> list[Finding]:
    """The hard bounces and complaints one message reports."""
    found: list[Finding] = []
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/delivery-status":
            found.extend(_hard_bounces(part))
        elif kind == "message/feedback-report":
            found.extend(_complaint(message, part))
    return found


def _blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    return [HeaderParser().parsestr(chunk) for chunk in str(payload).split("\n\n") if chunk]


def _hard_bounces(part: Message) -> Iterator[Finding]:
    for block in _blocks(part):
        status = str(block.get("Status", "")).strip()
        action = str(block.get("Action", "")).strip().lower()
        recipient = _address(block.get("Final-Recipient") or block.get("Original-Recipient"))
        if recipient and action == "failed" and status.startswith("5."):
            diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
            yield Finding(recipient, Reason.BOUNCE, f"{status} {diagnostic}".strip())


def _complaint(message: Message, part: Message) -> Iterator[Finding]:
    fields = _blocks(part)
    report = fields[0] if fields else Message()
    kind = str(report.get("Feedback-Type", "abuse")).strip()
    recipient = _address(report.get("Original-Rcpt-To")) or _original_to(message)
    if recipient:
        yield Finding(recipient, Reason.COMPLAINT, f"Feedback-Type: {kind}")


def _original_to(message: Message) -> str:
    """The complaint's original mail (`message/rfc822` or `text/rfc822-headers`): its To."""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            original = inner[0] if isinstance(inner, list) else None
        elif kind == "text/rfc822-headers":
            original = HeaderParser().parsestr(str(part.get_payload(decode=False)))
        else:
            continue
        if isinstance(original, Message):
            return _address(original.get("To"))
    return ""


def _address(field: object) -> str:
    """The address of `rfc822; someone@example.org`, or of a To header."""
    if not field:
        return ""
    raw = str(field)
    raw = raw.split(";", 1)[1] if ";" in raw and "@" not in raw.split(";", 1)[0] else raw
    pairs = getaddresses([raw.strip()])
    return pairs[0][1].strip().lower() if pairs and "@" in pairs[0][1] else ""


def suppress_all(messages: Iterable[Message]) -> tuple[int, int]:
    """Suppress every hard bounce and complaint found: (messages read, addresses newly
    suppressed)."""
    read = new = 0
    for message in messages:
        read += 1
        for finding in findings(message):
            new += actions.suppress(finding.email, finding.reason, finding.detail)
    return read, new


def from_mbox(path: str) -> Iterator[Message]:
    box = mailbox.mbox(path, create=False)
    try:
        for key in box.iterkeys():
            yield email.message_from_bytes(box.get_bytes(key), policy=email.policy.compat32)
    finally:
        box.close()


def from_imap(server: str, user: str, password: str, folder: str = "INBOX") -> Iterator[Message]:
    """Every message of an IMAP folder (`host` or `host:port`, 993 by default), over TLS,
    read-only (nothing is deleted or marked). The server's certificate is checked against
    the system's authorities (or `SSL_CERT_FILE`): imaplib's own default checks nothing,
    and the password would go to whoever answered."""
    host, port = host_port(server)
    context = ssl.create_default_context()
    with imaplib.IMAP4_SSL(host, port, ssl_context=context) as client:
        client.login(user, password)
        client.select(folder, readonly=True)
        _, data = client.search(None, "ALL")
        for number in data[0].split():
            _, parts = client.fetch(number.decode(), "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple)), b"")
            yield email.message_from_bytes(raw, policy=email.policy.compat32)


def host_port(server: str) -> tuple[str, int]:
    """`host:port` apart; a bare host (or an IPv6 address) is on IMAPS's port, 993."""
    host, colon, port = server.rpartition(":")
    if colon and port.isdigit() and ":" not in host:
        return host, int(port)
    return server, IMAPS_PORT
