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


# Commands that read the blogs and write files, and never reach the Django admin: they start
# without it (`without_admin`).
WITHOUT_ADMIN = (("export", "static"),)
ADMIN = "django.contrib.admin"


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    args = sys.argv[1:] if argv is None else argv
    gc.disable()
    try:
        if needs_no_admin(args):
            without_admin()
        Utility(["broadsheet", *args]).execute()
    finally:
        start_up_done()  # when set-up failed, or printed help without running a command


def needs_no_admin(args: list[str]) -> bool:
    # Not with other settings named on the command line: they are read after this point.
    named = any(arg.startswith(("--settings", "--pythonpath")) for arg in args)
    return tuple(args[:2]) in WITHOUT_ADMIN and not named


def without_admin() -> None:
    """The settings read now, with the admin out of the installed apps: its discovery
    imports every app's `admin.py` and with them Django's auth forms, and the URLconf routes
    every registered model, about 0.02 s of a static export after one new post (RESULTS.md,
    issue 19, session 10), for pages none of which is the admin's. Every model the export
    reads stays; `check`, `migrate` and the server start with the admin as ever."""
    from django.conf import settings

    settings.INSTALLED_APPS = [app for app in settings.INSTALLED_APPS if app != ADMIN]
