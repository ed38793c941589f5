"""The `broadsheet` command: Django's management commands, with Broadsheet's settings."""

from __future__ import annotations

import gc
import os
import sys

from django.core.management import ManagementUtility


class Utility(ManagementUtility):
    """Django's command-line utility, with the cyclic garbage collector paused while Django
    sets the apps up. Start-up makes about 80,000 objects that live as long as the process
    and no garbage at all, yet the collector walked them some twenty times: 0.04 to 0.05 s of
    a 0.35 s start-up, paid by every command, the static export after each write too
    (bench/RESULTS.md, issue 19, session 9)."""

    def autocomplete(self) -> None:
        # Django calls this right after `django.setup()`, before it runs any command.
        start_up_done()
        super().autocomplete()


def start_up_done() -> None:
    """The collector back on, with what start-up made moved out of its sight for good, as
    wsgi.py does for the server (a collection then walks only what the command makes)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    gc.disable()
    try:
        Utility(["broadsheet", *(sys.argv[1:] if argv is None else argv)]).execute()
    finally:
        start_up_done()  # when set-up failed, or printed help without running a command
