"""`broadsheet export static` as a user runs it, a fresh process on a data folder: it starts
without the Django admin (`cli.without_admin`), and writes what the export writes with it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

WHOLE = (  # into the folder named by {!r}
    "from pathlib import Path; from django.apps import apps;"
    "from broadsheet.blogs.models import Blog; from broadsheet.publish.actions import export_static;"
    "assert apps.is_installed('django.contrib.admin');"
    "export_static(Blog.objects.get(slug='demo'), Path({!r}))"
)
NEW_POST = (
    "from django.utils import timezone; from broadsheet.blogs.models import Blog;"
    "from broadsheet.posts.actions import save_post; from broadsheet.posts.models import Post;"
    "blog = Blog.objects.get(slug='demo'); old = Post.objects.public(blog).first();"
    "post = Post(blog=blog, author=old.author, title='Frost on the leeks', source='Early.');"
    "post.status, post.published_at = Post.Status.PUBLISHED, timezone.now();"
    "save_post(post, labels=['Weather'])"
)
HAD_ADMIN = "'broadsheet.posts.admin' in sys.modules"  # the admin's discovery
ADMIN_AT_START = f"import sys; print({HAD_ADMIN})"
# `broadsheet ARGV` as `python -m broadsheet` runs it, saying at exit whether it had the admin.
PROBED = (
    "import atexit, sys; from broadsheet.cli import main;"
    f"atexit.register(lambda: print({HAD_ADMIN})); main(sys.argv[1:])"
)


def broadsheet(data: Path, *argv: str, probed: bool = False) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "broadsheet.settings"}
    env.update(BROADSHEET_DATA_DIR=str(data), PYTHONPATH=os.pathsep.join(sys.path))
    env.pop("DATABASE_URL", None)  # a SQLite file of its own, on either suite's run
    done = subprocess.run(
        [sys.executable, *(["-c", PROBED] if probed else ["-m", "broadsheet"]), *argv],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    return done.stdout


def python(data: Path, code: str) -> str:
    return broadsheet(data, "shell", "--no-imports", "-c", code)


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("data")
    broadsheet(folder, "migrate", "-v0")
    broadsheet(folder, "collectstatic", "--noinput", "-v0")  # as an install has them
    python(folder, "from broadsheet.demo.loader import load_demo; load_demo()")
    yield folder


def test_the_command_starts_without_the_admin_and_writes_the_whole_export(data: Path) -> None:
    command = ["export", "static", "--blog", "demo", "--processes", "1", "-o"]
    printed = broadsheet(data, *command, str(data / "by-command"), probed=True)
    assert printed.split()[-1] == "False"  # after its report: no admin was discovered
    python(data, WHOLE.format(str(data / "whole")))
    assert files(data / "by-command") == files(data / "whole")
    assert len(files(data / "whole")) > 50
    python(data, NEW_POST)
    broadsheet(data, *command, str(data / "by-command"))  # a plan of the new post alone
    python(data, WHOLE.format(str(data / "whole-after")))
    after = files(data / "by-command")
    assert after == files(data / "whole-after")
    assert any(b"Frost on the leeks" in body for body in after.values())


def test_other_commands_start_with_the_admin(data: Path) -> None:
    # `shell` here; `check` and `migrate` the same way (tests/security/test_deploy_check.py).
    assert python(data, ADMIN_AT_START).split() == ["True"]
