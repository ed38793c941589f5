"""`broadsheet subscribers`: the operator's side of Follow by Email.

    broadsheet subscribers bounces --mbox FILE
    broadsheet subscribers bounces --imap HOST[:PORT] --user NAME --password-env VAR [--folder F]
    broadsheet subscribers import BLOG FILE.csv
    broadsheet subscribers export BLOG [--output FILE.csv]
    broadsheet subscribers count BLOG

`bounces` reads delivery reports (RFC 3464) and complaints (RFC 5965) and suppresses every
address that bounced hard or complained (docs/subscribers.md).
"""

from __future__ import annotations

import csv
import imaplib
import os
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from broadsheet.blogs.models import Blog
from broadsheet.subscribers import bounces, lists


class Command(BaseCommand):
    help = "Follow by Email: read bounces, import, export and count subscribers."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        read = commands.add_parser("bounces", help="suppress hard bounces and complaints")
        read.add_argument("--mbox", help="a mailbox file (mbox) of bounce messages")
        read.add_argument(
            "--imap", metavar="HOST[:PORT]", help="an IMAP server (TLS, port 993 by default)"
        )
        read.add_argument("--user", help="the IMAP user name")
        read.add_argument("--password-env", metavar="VAR", help="the variable holding the password")
        read.add_argument("--folder", default="INBOX")
        take = commands.add_parser("import", help="import a CSV list into a blog")
        take.add_argument("blog")
        take.add_argument("file")
        out = commands.add_parser("export", help="write a blog's subscribers as CSV")
        out.add_argument("blog")
        out.add_argument("--output", help="file to write (default: standard output)")
        count = commands.add_parser("count", help="how many subscribers a blog has")
        count.add_argument("blog")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "bounces":
            self.bounces(options)
        elif action == "import":
            self.take(_blog(options["blog"]), options["file"])
        elif action == "export":
            self.export(_blog(options["blog"]), options.get("output"))
        else:
            for state, number in lists.counts(_blog(options["blog"])).items():
                self.stdout.write(f"{state}: {number}")

    def bounces(self, options: dict[str, Any]) -> None:
        if bool(options.get("mbox")) == bool(options.get("imap")):
            raise CommandError("Give one of --mbox FILE or --imap HOST.")
        if options.get("mbox"):
            if not Path(options["mbox"]).is_file():
                raise CommandError(f"No such mailbox file: {options['mbox']}")
            messages = bounces.from_mbox(options["mbox"])
        else:
            messages = bounces.from_imap(
                options["imap"], options.get("user") or "", _password(options), options["folder"]
            )
        try:
            read, new = bounces.suppress_all(messages)
        except (OSError, imaplib.IMAP4.error) as error:  # refused, untrusted, wrong password
            raise CommandError(f"Could not read {options['imap']}: {error}") from error
        self.stdout.write(f"Read {read} messages; suppressed {new} new addresses.")

    def take(self, blog: Blog, name: str) -> None:
        try:
            text = Path(name).read_text(encoding="utf-8-sig")
            outcome = lists.import_csv(blog, text)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {name}: {error}") from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Added {outcome.added} ({outcome.confirmed} confirmed, {outcome.asked} asked to"
            f" confirm); skipped {outcome.skipped}."
        )

    def export(self, blog: Blog, output: str | None) -> None:
        with open(output, "w", newline="") if output else _stdout() as handle:
            csv.writer(handle).writerows(lists.export_rows(blog))


def _blog(slug: str) -> Blog:
    blog = Blog.objects.filter(slug=slug).first()
    if blog is None:
        raise CommandError(f"No blog with the slug {slug!r}.")
    return blog


def _password(options: dict[str, Any]) -> str:
    # From a variable, never the command line: arguments show in `ps` to every user.
    name = options.get("password_env") or ""
    if not name or name not in os.environ:
        raise CommandError("--imap needs --user and --password-env VAR (VAR holding it).")
    return os.environ[name]


class _stdout:
    def __enter__(self) -> Any:
        return sys.stdout

    def __exit__(self, *exc: object) -> None:
        sys.stdout.flush()
