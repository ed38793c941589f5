"""`broadsheet demo`: load the demo blog."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Load the demo blog (refuses when it is already there)."

    def handle(self, *args: Any, **options: Any) -> None:
        from broadsheet.demo.loader import DemoAlreadyLoaded, load_demo

        try:
            blog = load_demo()
        except DemoAlreadyLoaded as exc:
            raise CommandError("The demo blog is already loaded.") from exc
        self.stdout.write(f"Loaded the demo blog “{blog.title}”.")
