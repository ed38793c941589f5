"""What a fresh `broadsheet` process imports before it does anything: the static export runs
as a command after every change, and its start-up is most of a one-post export's time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Modules a command that only reads (an export with nothing to do) never uses: the hooks of
# writes (signing, mail, Webmention) and the export's renderers.
NOT_AT_START = (
    "broadsheet.federation.outbound",
    "broadsheet.subscribers.sending",
    "broadsheet.webmention.publishing",
    "broadsheet.publish.actions",
    "broadsheet.portability.blogger_export",
    "broadsheet.portability.wordpress_export",
)
PROBE = (
    "import django, sys; django.setup();"
    "from django.core.management import load_command_class;"
    "load_command_class('broadsheet.portability', 'export');"
    f"print(' '.join(name for name in {NOT_AT_START!r} if name in sys.modules))"
)


def test_start_up_leaves_write_hooks_and_renderers_unimported(tmp_path: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "broadsheet.settings"}
    env.update(BROADSHEET_DATA_DIR=str(tmp_path), PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == []


def test_lazy_hooks_are_registered_once_however_often_ready_runs() -> None:
    from django.apps import apps

    from broadsheet.core.lazy import Later
    from broadsheet.posts import hooks

    apps.get_app_config("federation").ready()  # as a second start-up in one process would
    hook = Later("broadsheet.federation.outbound.post_published")
    assert hooks._on_post_published.count(hook) == 1
