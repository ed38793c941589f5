"""`broadsheet serve --front nginx`: nginx on the public address, granian behind it on loopback.

Why: a hot page answered by granian still crosses into Python, which costs about twice what
nginx spends sending the same file (bench/RESULTS.md, "Speed"). With this front, the page
mirror (BROADSHEET_PAGE_MIRROR_DIR, docs/caching.md) writes published pages as files and nginx
answers them itself, with the site `broadsheet nginxconf` prints (`ops.nginx`): the app's
headers on every file, members, queries, writes and ActivityPub requests sent to the app, and
the reads it answers counted for Stats. `make run` asks for `--front auto`: nginx when it is
installed, granian alone when not.

nginx runs as serve's child with its own configuration, logs and temporary files under
`$BROADSHEET_DATA_DIR/nginx/`; it needs no root and touches nothing of a system nginx. While
`nginx/nginx.conf` is there, every Broadsheet process on the data folder writes the page mirror
(settings.PAGE_MIRROR_DIR), so a write from any of them (the worker, an import or a shell in
another terminal) takes the old files out of nginx's view; serve without a front removes it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, transaction

from broadsheet.blogs.actions import bump_content_version
from broadsheet.blogs.models import Blog
from broadsheet.ops import nginx
from broadsheet.posts.models import Post

log = logging.getLogger(__name__)

SBIN = ("/usr/sbin/nginx", "/usr/local/sbin/nginx")  # off a non-root PATH on Debian


def binary() -> str | None:
    """The nginx program, if installed."""
    found = shutil.which("nginx")
    return found or next((path for path in SBIN if os.access(path, os.X_OK)), None)


def folder() -> Path:
    return Path(settings.DATA_DIR) / "nginx"


def mirror_folder() -> Path:
    """The page mirror nginx reads: the configured one, or `pages/` in the data folder."""
    return Path(settings.PAGE_MIRROR_DIR or Path(settings.DATA_DIR) / "pages")


def retire() -> None:
    """Serving without nginx: other processes stop writing page files nobody reads."""
    (folder() / "nginx.conf").unlink(missing_ok=True)


def listen_address(host: str, port: int) -> str:
    return f"[{host.strip('[]')}]:{port}" if ":" in host else f"{host}:{port}"


def main_config(folder: Path, site: str) -> str:
    """nginx's whole configuration: everything it writes stays in `folder`."""
    temp = "".join(
        f"    {kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""  # as root, nginx would drop to nobody
    return (
        f"{user}daemon off;\nworker_processes auto;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        # Within the 1,024 open files a login shell allows by default.
        "events { worker_connections 1024; }\n"
        f"http {{\n    access_log off;\n{temp}    sendfile on;\n    tcp_nopush on;\n"
        "    keepalive_requests 100000;\n    server_tokens off;\n"
        f"    include {nginx_mime_types()};\n{site}}}\n"
    )


def nginx_mime_types() -> str:
    for candidate in ("/etc/nginx/mime.types", "/usr/local/etc/nginx/mime.types"):
        if Path(candidate).is_file():
            return candidate
    return "/dev/null"


def prepare(program: str, host: str, port: int, app_port: int) -> list[str]:
    """Write nginx's configuration for this serve; return the command that runs it."""
    where = folder()
    where.mkdir(parents=True, exist_ok=True)
    site = nginx.Site(
        server_names=("_",),  # every name the app itself answers: it refuses the others
        listen=(listen_address(host, port),),
        app=f"127.0.0.1:{app_port}",
    )
    static = not settings.DEBUG and not settings.WHITENOISE_USE_FINDERS
    text = nginx.site_config(
        site, mirror_folder(), Path(settings.STATIC_ROOT), Path(settings.MEDIA_ROOT), static
    )
    conf = where / "nginx.conf"
    conf.write_text(main_config(where, text))
    return [program, "-p", str(where), "-c", str(conf), "-e", str(where / "error.log")]


def problem(argv: list[str]) -> str:
    """What nginx says is wrong with its configuration (a port it cannot use…), or ""."""
    done = subprocess.run([*argv, "-t", "-q"], capture_output=True, text=True, timeout=30)
    return "" if done.returncode == 0 else (done.stderr.strip() or f"status {done.returncode}")


class DueKeeper:
    """Moves a blog's version the moment one of its scheduled posts comes due, so nginx stops
    serving the files that do not show it (a file cannot expire by itself). serve calls
    `tick` from its watch loop, at normal priority, where the task worker would run late
    under load.

    Once a second it reads the blogs' versions (one small query); only when one moved (a
    write may have scheduled a post) does it ask each blog for its next scheduled post,
    through the index the page cache uses. The bump is a write like any other: it announces
    the version, which points the mirror at an empty folder."""

    EVERY_SECONDS = 1.0

    def __init__(self) -> None:
        self.versions: dict[int, int] = {}
        self.due: dict[int, float] = {}
        self.checked = 0.0

    def tick(self, now: float) -> None:
        if now - self.checked < self.EVERY_SECONDS:
            return
        self.checked = now
        try:
            self._look(now)
        except Exception:  # a locked or restarting database: try again next second
            log.warning("could not check for scheduled posts coming due", exc_info=True)
            close_old_connections()

    def _look(self, now: float) -> None:
        versions = dict(Blog.objects.values_list("pk", "content_version"))
        if versions != self.versions:
            self.versions = versions
            self.due = self._next_due(versions, now)
        for blog_id in [pk for pk, when in self.due.items() if when <= now]:
            with transaction.atomic():
                bump_content_version(Blog.objects.get(pk=blog_id))
            self.versions.clear()  # read again next second, with the next due time

    @staticmethod
    def _next_due(versions: dict[int, int], now: float) -> dict[int, float]:
        after = dt.datetime.fromtimestamp(now, tz=dt.UTC)
        due = {}
        for blog in Blog.objects.filter(pk__in=versions):
            if (when := Post.objects.next_publish(blog, after)) is not None:
                due[blog.pk] = when.timestamp()
        return due
