"""The SMTP receiver `broadsheet postbyemail serve` runs (aiosmtpd): it takes mail only for
blogs' secret addresses (anything else is refused at RCPT, before a byte of it is read) and
posts it while the sender waits, so a refused message gets a 550 with the reason and nothing
is kept. Put it behind the domain's MX, or have the mail server relay that domain to it."""

from __future__ import annotations

from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.db import connection

from broadsheet.api import mail_in


def _known(address: str) -> bool:
    try:
        return mail_in.mailbox_for(address) is not None
    finally:
        connection.close()


def _post(raw: bytes, recipients: list[str]) -> str:
    # Each message on a fresh connection, closed after: the worker threads outlive it, and a
    # connection held between messages would be one the database may have dropped.
    try:
        made = mail_in.receive(raw, recipients)
    except mail_in.Refused as refused:
        return f"550 {refused}"
    finally:
        connection.close()
    return f"250 Posted ({len(made)})"


class Receiver:
    """aiosmtpd's handler: RCPT checks the address, DATA posts the message. The database is
    reached from a worker thread, as Django's ORM is not for the event loop."""

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if not await sync_to_async(_known, thread_sensitive=False)(address):
            return "550 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        return await sync_to_async(_post, thread_sensitive=False)(raw, list(envelope.rcpt_tos))


def controller(host: str, port: int, **options: Any) -> Controller:
    """The receiver on `host:port`, not started; messages over the size limit are refused."""
    return Controller(
        Receiver(), hostname=host, port=port, data_size_limit=mail_in.MOST_MESSAGE, **options
    )
