"""`broadsheet nginxconf`: print the nginx site that serves published pages as files and sends
everything else to `broadsheet serve` (docs/deploy.md, broadsheet/ops/nginx.py)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from broadsheet.ops import nginx
from broadsheet.stats import spool


class Command(BaseCommand):
    help = "Print the nginx site for this install (page files, the app, static files, media)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--server-name",
            action="append",
            default=[],
            help="a name the site answers (repeat; default: the base domain, its blogs and "
            "BROADSHEET_ALLOWED_HOSTS)",
        )
        parser.add_argument(
            "--listen",
            action="append",
            default=[],
            help='an nginx listen address (repeat; default: "80" and "[::]:80")',
        )
        parser.add_argument("--app", default="127.0.0.1:8000", help="where `broadsheet serve` is")
        parser.add_argument("--certificate", default="", help="TLS certificate (PEM)")
        parser.add_argument("--certificate-key", default="", help="its private key")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["certificate"]) != bool(options["certificate_key"]):
            raise CommandError("give --certificate and --certificate-key together")
        site = nginx.Site(
            server_names=tuple(options["server_name"]) or nginx.default_server_names(),
            listen=tuple(options["listen"]) or ("80", "[::]:80"),
            app=options["app"],
            certificate=options["certificate"],
            certificate_key=options["certificate_key"],
        )
        try:
            self.stdout.write(nginx.configured(site), ending="")
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        # nginx writes the reads it answers there, and creates no folder (docs/deploy.md).
        spool.folder().mkdir(parents=True, exist_ok=True)
