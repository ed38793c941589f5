"""`broadsheet postbyemail serve` receives mail for blogs' secret addresses over SMTP;
`broadsheet postbyemail fetch` collects it from an IMAP mailbox once (run it from cron).
Both post what blogs' members sent (`api.mail_in`) and refuse the rest."""

from __future__ import annotations

import imaplib
import ssl
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from broadsheet.api import mail_in
from broadsheet.api.mail_server import controller

MOST_PER_FETCH = 200
TIMEOUT = 60  # seconds; a cron run must not hang on a server that stopped answering


class Command(BaseCommand):
    help = "Post by email: receive over SMTP (serve) or collect from IMAP (fetch)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("serve", "fetch"))
        parser.add_argument("--host", default="127.0.0.1", help="serve: address to listen on")
        parser.add_argument("--port", type=int, default=2525, help="serve: port to listen on")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.POST_BY_EMAIL_DOMAIN:
            raise CommandError("Set BROADSHEET_POST_BY_EMAIL_DOMAIN first.")
        if options["action"] == "serve":
            self.serve(options["host"], options["port"])
        else:
            self.fetch()

    def serve(self, host: str, port: int) -> None:
        receiver = controller(host, port)
        receiver.start()
        self.stdout.write(f"Receiving mail for @{settings.POST_BY_EMAIL_DOMAIN} on {host}:{port}")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            receiver.stop()

    def fetch(self) -> None:
        if not settings.POST_BY_EMAIL_IMAP_HOST:
            raise CommandError(
                "Set BROADSHEET_POST_BY_EMAIL_IMAP_HOST (and its user and password)."
            )
        where = f"{settings.POST_BY_EMAIL_IMAP_HOST}:{settings.POST_BY_EMAIL_IMAP_PORT}"
        try:
            posted, seen = self.collect()
        except (OSError, imaplib.IMAP4.error) as error:  # refused, untrusted, wrong password
            raise CommandError(f"Could not collect mail from {where}: {said(error)}") from error
        self.stdout.write(f"{posted} posted, {seen - posted} refused")

    def collect(self) -> tuple[int, int]:
        """Post what the inbox holds; how many were posted, of how many messages."""
        # imaplib's own default checks no certificate: the password would go to whoever
        # answered. This one trusts the system's authorities (or SSL_CERT_FILE).
        context = ssl.create_default_context()
        with imaplib.IMAP4_SSL(
            settings.POST_BY_EMAIL_IMAP_HOST,
            settings.POST_BY_EMAIL_IMAP_PORT,
            ssl_context=context,
            timeout=TIMEOUT,
        ) as box:
            box.login(settings.POST_BY_EMAIL_IMAP_USER, settings.POST_BY_EMAIL_IMAP_PASSWORD)
            box.select("INBOX")
            # UNDELETED: a message an earlier run took but could not expunge is never
            # taken again, even if a mail client marked it unread since.
            _status, found = box.search(None, "UNSEEN", "UNDELETED")
            numbers = found[0].split()[:MOST_PER_FETCH]
            posted = sum(self.take(box, number) for number in numbers)
            box.expunge()
        return posted, len(numbers)

    def take(self, box: imaplib.IMAP4, number: bytes) -> int:
        """Post one message, refused ones are not kept either. It is marked deleted before it
        is posted, so that no run posts it twice; if posting fails unexpectedly, the command
        stops before expunging and the message stays in the mailbox for the operator."""
        _status, parts = box.fetch(number.decode(), "(BODY.PEEK[])")
        raw = next((part[1] for part in parts if isinstance(part, tuple)), b"")
        box.store(number.decode(), "+FLAGS", "(\\Seen \\Deleted)")
        try:
            message = mail_in.read(raw)
            return len(mail_in.receive(raw, mail_in.recipients_of(message))) and 1
        except mail_in.Refused:
            return 0


def said(error: Exception) -> str:
    """The words of an error: imaplib quotes the server's answer as bytes (`b'[AUTH...]'`)."""
    text = str(error)
    return text[2:-1] if text[:2] in ("b'", 'b"') else text
