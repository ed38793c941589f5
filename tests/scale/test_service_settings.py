"""The environment chooses the services: Redis for the caches, S3 for media.

Settings are read once per process, so each case starts a fresh Python with its environment.
Nothing here reaches the network: building a storage or cache object connects to nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import storages
default_storage = storages["default"]
print(json.dumps({
    "caches": {alias: type(caches[alias]).__name__ for alias in settings.CACHES},
    "location": str(settings.CACHES["pages"]["LOCATION"]),
    "storage": type(default_storage).__name__,
    "bucket": getattr(default_storage, "bucket_name", None),
    "endpoint": getattr(default_storage, "endpoint_url", None),
}))
"""


def probe(tmp_path: Path, **variables: str) -> dict[str, object]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("REDIS_", "MEDIA_", "S3_", "AWS_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="broadsheet.settings",
        BROADSHEET_DATA_DIR=str(tmp_path),
        BROADSHEET_SECRET_KEY="probe-" + "x" * 40,
        **variables,
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout)
    return found


def test_by_default_pages_are_shared_through_files_and_media_is_on_disk(tmp_path: Path) -> None:
    found = probe(tmp_path)
    assert found["caches"] == {"default": "DatabaseCache", "pages": "FileCache"}
    assert str(found["location"]).startswith(str(tmp_path))
    assert found["storage"] == "FileSystemStorage"


def test_redis_url_puts_every_cache_in_redis(tmp_path: Path) -> None:
    found = probe(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0")
    assert found["caches"] == {"default": "RedisCache", "pages": "RedisCache"}


def test_media_storage_s3_selects_the_bucket(tmp_path: Path) -> None:
    found = probe(
        tmp_path,
        MEDIA_STORAGE="s3",
        S3_BUCKET="broadsheet-media",
        S3_ENDPOINT_URL="http://127.0.0.1:9000",
    )
    assert found["storage"] == "S3Storage"
    assert found["bucket"] == "broadsheet-media"
    assert found["endpoint"] == "http://127.0.0.1:9000"


@pytest.mark.parametrize(
    "variables", [{"MEDIA_STORAGE": "ftp"}, {"MEDIA_STORAGE": "s3"}], ids=["unknown", "no-bucket"]
)
def test_bad_media_settings_stop_the_start(tmp_path: Path, variables: dict[str, str]) -> None:
    with pytest.raises(AssertionError, match="ImproperlyConfigured"):
        probe(tmp_path, **variables)


SPEND = """
import django, sys
django.setup()
from django.core.cache import cache
from django.core.management import call_command
if sys.argv[1] == "first":
    call_command("migrate", verbosity=0)
print(cache.add("comments:token:same-nonce", 1, timeout=60))
"""


def test_without_redis_a_spent_token_is_spent_for_every_process(tmp_path: Path) -> None:
    """Two processes on one data folder (two workers of `broadsheet serve`): a comment token
    that one of them accepted is refused by the other, and so are rate limits shared."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="broadsheet.settings",
        BROADSHEET_DATA_DIR=str(tmp_path),
        BROADSHEET_SECRET_KEY="probe-" + "x" * 40,
    )
    answers = [
        subprocess.run(
            [sys.executable, "-c", SPEND, which],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout.split()[0]
        for which in ("first", "second")
    ]
    assert answers == ["True", "False"]
