"""`broadsheet serve`: granian, one worker process per core (the processes run in
test_two_processes.py)."""

from __future__ import annotations

import os

from broadsheet.ops.management.commands.serve import default_workers, granian_argv


def test_one_worker_per_core_we_may_run_on() -> None:
    assert default_workers() == len(os.sched_getaffinity(0))


def test_granian_serves_the_wsgi_front_with_the_asked_sizes() -> None:
    argv = granian_argv("127.0.0.1", 8123, workers=3, threads=2, access_log=False)
    assert argv[-1] == "broadsheet.wsgi:application"
    assert argv[argv.index("--interface") + 1] == "wsgi"
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--blocking-threads") + 1] == "2"
    assert argv[argv.index("--port") + 1] == "8123"
    assert "--access-log" not in argv
    assert "--access-log" in granian_argv("::1", 80, 1, 1, access_log=True)
