"""Settings for the test suite: production settings with two test-only changes.

Static files come from the source tree (no `collectstatic` before each run, and no stale copy),
and the data folder is a fresh temporary directory, so tests never touch `var/`.
"""

from __future__ import annotations

import os
import tempfile

# Each `pytest -n` worker would inherit the first process's folder: it gets one of its own,
# or one worker's cleared page cache would empty the other's in the middle of a test.
if "BROADSHEET_DATA_DIR" not in os.environ or os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["BROADSHEET_DATA_DIR"] = tempfile.mkdtemp(prefix="broadsheet-test-")
os.environ.setdefault("BROADSHEET_SECRET_KEY", "test-only-key-" + "x" * 40)

from broadsheet.settings import *  # noqa: F403
from broadsheet.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Each test client loads the middleware afresh, and WhiteNoise listed and stat'ed every static
# file when it started: 154 files, 63 % of a request in the fuzz walk, which makes a client
# per request. Looked up when asked for instead, as WhiteNoise does under runserver; the
# headers it answers with are the same.
WHITENOISE_AUTOREFRESH = True
# Argon2 is deliberately slow; tests create many users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns about a missing folder
# Tasks run at once, in the test's own process (after the transaction commits).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Image hosts a test's own server plays, as {"1.bp.blogspot.com": "127.0.0.1:PORT"}; empty
# here, filled by the tests that need it. Honoured under these settings only
# (`portability.image_fetch`); the production settings have no such knob.
TEST_IMAGE_HOSTS: dict[str, str] = {}
# Federation's peers run on loopback in tests; the guarded fetcher lets it through only under
# these settings (`federation.remote.fetcher`); the production settings have no such knob.
FEDERATION_TEST_LOOPBACK = True
# Lets `webmention.fetching` reach a test's peers on loopback; refused under other settings.
TEST_WEBMENTION_LOOPBACK = False
