"""PostgreSQL restarts under load: the app answers again within seconds without being
restarted itself, and no write it acknowledged is lost.

Runs in the PostgreSQL pass of the suite only (DATABASE_URL names PostgreSQL). The server
that `scripts/with-postgres` started cannot be restarted from here (its data folder is the
script's own), so the test starts a throw-away PostgreSQL of its own the same way (initdb and
pg_ctl from Debian's package, as the `postgres` user when running as root), with PostgreSQL's
default durability, points `broadsheet serve` at it, and restarts it (`pg_ctl restart -m
fast`) while four clients write. Django's CONN_HEALTH_CHECKS lets each worker notice its dead
connection and open a new one at its next request.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.faults.server import Server, Writer, free_port, writers_running

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the PostgreSQL pass only",
)


def pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not found:
        pytest.fail("no PostgreSQL server in /usr/lib/postgresql/*/bin")
    return found[-1].parent


class Postgres:
    def __init__(self, folder: Path) -> None:
        self.folder, self.bin, self.port = folder, pg_bin(), free_port()
        self.data = folder / "data"
        self.as_server = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgres://broadsheet@127.0.0.1:{self.port}/broadsheet"

    def run(self, *args: str) -> None:
        subprocess.run([*self.as_server, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        if self.as_server:
            shutil.chown(self.folder, "postgres")
        self.run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "broadsheet",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self.pg_ctl("start")
        subprocess.run(
            [
                str(self.bin / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "broadsheet",
                "broadsheet",
            ],
            check=True,
            timeout=60,
        )

    def pg_ctl(self, action: str, *more: str) -> None:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder}"
        self.run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            action,
            *more,
        )

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.run(
                str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"
            )


@pytest.fixture
def postgres() -> Iterator[Postgres]:
    # Not under pytest's tmp_path: its parents are private to root, out of the postgres
    # user's reach.
    folder = Path(tempfile.mkdtemp(prefix="broadsheet-pg-restart-"))
    server = Postgres(folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def app(tmp_path: Path, postgres: Postgres) -> Iterator[Server]:
    server = Server(tmp_path, database_url=postgres.url)
    yield server
    server.kill()


def test_the_app_rides_out_a_database_restart(app: Server, postgres: Postgres) -> None:
    post_id = app.prepare()
    app.start()
    master = app.process.pid if app.process else None
    commenters = [Writer(app, post_id, f"reader{n}") for n in range(3)]
    editor = Writer(app, post_id, "editor")
    editor.sign_in()
    jobs = [writer.comment for writer in commenters] + [editor.publish]
    with writers_running([*commenters, editor], jobs):
        time.sleep(1.5)
        before = sum(len(writer.acknowledged) for writer in commenters)
        restarted = time.monotonic()  # the clock runs from the moment the restart begins
        postgres.pg_ctl("restart", "-m", "fast")
        down_for = time.monotonic() - restarted
        recovered = None
        while time.monotonic() - restarted < 20:
            if sum(len(writer.acknowledged) for writer in commenters) > before + 3:
                recovered = time.monotonic() - restarted
                break
            time.sleep(0.1)
        time.sleep(1.5)
    assert recovered is not None, "no write succeeded within 20 s of the restart"
    assert recovered < 10, recovered
    assert app.process is not None and app.process.pid == master and app.process.poll() is None
    acknowledged = [entry for writer in [*commenters, editor] for entry in writer.acknowledged]
    with psycopg.connect(postgres.url) as connection:
        comments = {row[0] for row in connection.execute("SELECT body FROM comments_comment")}
        titles = {row[0] for row in connection.execute("SELECT title FROM posts_post")}
    lost = [t for kind, t in acknowledged if t not in (comments if kind == "comment" else titles)]
    assert not lost, f"{len(lost)} acknowledged writes lost, e.g. {lost[:5]}"
    assert {kind for kind, _text in acknowledged} == {"comment", "post"}
    failed = sum(len(writer.errors) for writer in [*commenters, editor])
    print(
        f"database down {down_for:.1f} s; writes succeeded again {recovered:.1f} s after the"
        f" restart began; {failed} requests failed meanwhile; {len(acknowledged)} writes kept"
    )
