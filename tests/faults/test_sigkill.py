"""SIGKILL the server in the middle of a burst of writes, twenty times: the SQLite database
passes its integrity check and holds every write the server acknowledged.

A real `broadsheet serve` (gunicorn, two workers) on a free loopback port and a scratch data
folder. Four clients write at once: three post comments through the reader's comment form
(tokens and CSRF as a browser sends them), one publishes posts through the studio's editor,
signed in. Each answer the server gave (a redirect: the write is done) is recorded; then the
whole process group is killed mid-burst and started again. WAL mode with synchronous=NORMAL
keeps every committed transaction across a process crash (only power loss may lose the last
ones), and this is the proof.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from pathlib import Path

import pytest

from tests.faults.server import Server, Writer, writers_running

KILLS = 20
# SQLite's own crash safety; the PostgreSQL pass restarts its database instead
# (test_database_restart.py), and need not repeat this.
pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite's test"
)


@pytest.fixture
def server(tmp_path: Path) -> Server:
    server = Server(tmp_path)
    yield server
    server.kill()


def test_acknowledged_writes_survive_twenty_sigkills(server: Server) -> None:
    post_id = server.prepare()
    rng = random.Random(8)
    commenters = [Writer(server, post_id, f"reader{n}") for n in range(3)]
    editor = Writer(server, post_id, "editor")
    started = time.monotonic()
    for _kill in range(KILLS):
        server.start()
        editor.session.cookies.clear()
        editor.sign_in()
        jobs = [writer.comment for writer in commenters] + [editor.publish]
        writers = [*commenters, editor]
        before = [len(writer.acknowledged) for writer in writers]
        with writers_running(writers, jobs):
            # The kill lands mid-burst: once every writer has had a write acknowledged in
            # this life of the server (a fresh server's first studio request imports and
            # compiles; on a busy machine that alone outlasted the window, and no post was
            # ever acknowledged), then at a random moment.
            flowing = time.monotonic() + 60
            while any(len(w.acknowledged) == n for w, n in zip(writers, before, strict=True)):
                assert time.monotonic() < flowing, [w.statuses for w in writers]
                time.sleep(0.02)
            time.sleep(rng.uniform(0.3, 0.9))
            server.kill()
    elapsed = time.monotonic() - started

    database = server.data_dir / "broadsheet.sqlite3"
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        comments = {row[0] for row in connection.execute("SELECT body FROM comments_comment")}
        titles = {row[0] for row in connection.execute("SELECT title FROM posts_post")}
    acknowledged = [entry for writer in [*commenters, editor] for entry in writer.acknowledged]
    lost = [
        text
        for kind, text in acknowledged
        if text not in (comments if kind == "comment" else titles)
    ]
    kinds = {kind for kind, _text in acknowledged}
    assert kinds == {"comment", "post"}, kinds
    assert len(acknowledged) > 4 * KILLS, len(acknowledged)
    assert not lost, f"{len(lost)} acknowledged writes lost, e.g. {lost[:5]}"
    assert not [e for writer in [*commenters, editor] for e in writer.errors]
    print(f"{KILLS} kills, {len(acknowledged)} acknowledged writes kept, {elapsed:.1f} s")
