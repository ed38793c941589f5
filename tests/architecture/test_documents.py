"""The documents name only paths that exist, so a reader who follows one finds it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOP = ["README.md", "ARCHITECTURE.md", "SECURITY.md", "bench/README.md"]
DOCUMENTS = sorted([*(ROOT / name for name in TOP), *(ROOT / "docs").glob("*.md")])
# A path in backquotes under one of the repository's own folders, e.g. `tests/core/`.
NAMED_PATH = re.compile(r"`((?:tests|src|bench|docs|scripts)/[^`\s:]*)")
GENERATED = ("bench/var",)  # made by `make bench`, not kept in the repository


def named_paths(document: Path) -> list[str]:
    found = {match.group(1).rstrip(",.") for match in NAMED_PATH.finditer(document.read_text())}
    return sorted(path for path in found if not any(mark in path for mark in "*<{"))


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_named_path_exists(document: Path) -> None:
    missing = [
        path
        for path in named_paths(document)
        if not path.startswith(GENERATED) and not (ROOT / path).exists()
    ]
    assert missing == []
