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
    "broadsheet.feeds.tasks",  # the WebSub ping's task and its guarded fetcher
)
PROBE = (
    "import django, sys; django.setup();"
    "from django.core.management import load_command_class;"
    "load_command_class('broadsheet.portability', 'export');"
    f"print(' '.join(name for name in {NOT_AT_START!r} if name in sys.modules))"
)


# What the export itself loads (its renderers, the URLconf to reverse and resolve with) never
# needs: heavy libraries the API, the studio and the fediverse's inbox use, and the modules of
# views it never calls. Each was once imported at module level on that path (RESULTS.md,
# issue 19, session 9); `core.routes` and function-level imports keep them out.
NOT_IN_EXPORT = (
    "cryptography",  # federation's signing, through the reader's content negotiation
    "http_message_signatures",
    "PIL",  # the studio's media views, through the URLconf
    "lxml.etree",  # parsed only when a feed or an ActivityPub document is made
    "xmlrpc.server",  # the API's XML-RPC endpoint
    "broadsheet.api.rpc.server",
    "broadsheet.federation.inbox",
    "broadsheet.portability.actions",  # the studio's import views
    "broadsheet.comments.spamfilter",  # the reader's comment views, through the URLconf
    "broadsheet.subscribers.digest",  # Follow by Email's views, the same way
    "broadsheet.studio.views.media",
    "broadsheet.studio.views.posts",
)
EXPORT_PROBE = (
    "import django, sys; django.setup();"
    "from django.core.management import load_command_class;"
    "load_command_class('broadsheet.portability', 'export');"
    "import broadsheet.publish.actions;"
    "from django.urls import resolve, reverse;"
    "reverse('reader:home'); reverse('studio:post-list', args=['notes']);"
    "resolve('/2024/10/a-post.html'); resolve('/feeds/posts/default');"
    f"print(' '.join(name for name in {NOT_IN_EXPORT!r} if name in sys.modules))"
)


def imported(probe: str, data: Path) -> list[str]:
    """What `probe`, run in a fresh process, printed: the modules it found imported."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "broadsheet.settings"}
    env.update(BROADSHEET_DATA_DIR=str(data), PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


def test_start_up_leaves_write_hooks_and_renderers_unimported(tmp_path: Path) -> None:
    assert imported(PROBE, tmp_path) == []


def test_the_export_s_path_leaves_heavy_libraries_and_other_views_unimported(
    tmp_path: Path,
) -> None:
    assert imported(EXPORT_PROBE, tmp_path) == []


def test_lazy_hooks_are_registered_once_however_often_ready_runs() -> None:
    from django.apps import apps

    from broadsheet.core.lazy import Later
    from broadsheet.posts import hooks

    apps.get_app_config("federation").ready()  # as a second start-up in one process would
    hook = Later("broadsheet.federation.outbound.post_published")
    assert hooks._on_post_published.count(hook) == 1


def test_a_command_runs_with_the_collector_on_and_start_up_out_of_its_sight(
    tmp_path: Path,
) -> None:
    # `broadsheet` pauses the collector while Django sets up (cli.py); a command that ran
    # without it (a worker, an import) would keep every cycle it makes.
    probe = "import gc; print(gc.isenabled(), gc.get_freeze_count() > 20000)"
    env = {**os.environ, "BROADSHEET_DATA_DIR": str(tmp_path)}
    env.update(PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run(
        [sys.executable, "-m", "broadsheet", "shell", "--no-imports", "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["True", "True"]
