"""Two app processes recording at once into one spool: every view is counted, once."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.conftest import MakePost
from tests.stats.conftest import READER, aggregate_now, total_views

pytestmark = pytest.mark.django_db

RECORD = """
import sys, time, django
django.setup()
from broadsheet.stats import recorder
blog, path, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_HOST": "testserver",
           "HTTP_USER_AGENT": sys.argv[4], "HTTP_ACCEPT_LANGUAGE": "en"}
for _ in range(n):
    recorder.record(environ, blog, time.time())
"""


def test_views_recorded_by_two_processes_are_all_counted(make_post: MakePost) -> None:
    post = make_post()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "broadsheet.test_settings",
        "BROADSHEET_DATA_DIR": str(settings.DATA_DIR),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    argv = [sys.executable, "-c", RECORD, str(post.blog_id), post.permalink, "2000"]
    workers = [subprocess.Popen([*argv, READER["user_agent"]], env=env) for _ in range(2)]
    assert [worker.wait(timeout=60) for worker in workers] == [0, 0]
    assert aggregate_now() == 4000
    assert total_views() == 4000
    assert aggregate_now() == 0  # nothing is counted twice
