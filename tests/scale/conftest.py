"""The scale tests' shared fixture: a fresh database of the suite's kind per module."""

from __future__ import annotations

import os
import secrets
import urllib.parse
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh database of the suite's kind."""
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith("postgres"):
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'shared.sqlite3'}"
        return
    import psycopg

    name = f"broadsheet_scale_{secrets.token_hex(4)}"
    with psycopg.connect(suite_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlparse(suite_url)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(suite_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
