"""Static addresses kept per process are the ones WhiteNoise's storage works out each time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from broadsheet.core.staticfiles import KeptUrls

NAMES = [
    "reader/theme.css",
    "reader/theme.css?v=1#top",
    "reader/Zoë ünïcode.css",
    "reader/with space.js",
    "comments/form.js",
]


def _storages(folder: Path) -> tuple[KeptUrls, CompressedManifestStaticFilesStorage]:
    paths = {name.split("?")[0]: name.split("?")[0].replace(".", ".0123abcd.", 1) for name in NAMES}
    manifest = {"paths": paths, "version": "1.1", "hash": "abcd"}
    (folder / "staticfiles.json").write_text(json.dumps(manifest))
    made = {"location": str(folder), "base_url": "/static/"}
    return KeptUrls(**made), CompressedManifestStaticFilesStorage(**made)


@pytest.mark.parametrize("debug", [False, True])
def test_a_kept_address_is_the_one_worked_out_afresh(tmp_path: Path, debug: bool) -> None:
    kept, afresh = _storages(tmp_path)
    with override_settings(DEBUG=debug):
        for _ in range(2):  # the second time from what was kept
            for name in NAMES:
                for force in (False, True):
                    assert kept.url(name, force) == afresh.url(name, force)
    assert kept.url("reader/theme.css") == "/static/reader/theme.0123abcd.css"


def test_debug_turned_on_later_is_not_answered_from_what_was_kept(tmp_path: Path) -> None:
    kept, _afresh = _storages(tmp_path)
    assert kept.url("reader/theme.css") == "/static/reader/theme.0123abcd.css"
    with override_settings(DEBUG=True):
        assert kept.url("reader/theme.css") == "/static/reader/theme.css"


def test_a_name_the_manifest_lacks_fails_every_time(tmp_path: Path) -> None:
    kept, _afresh = _storages(tmp_path)
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            kept.url("reader/nowhere.css")
