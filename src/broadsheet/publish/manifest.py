"""The export's memory of itself: `.broadsheet-export.json` in the output folder.

For each address it names the file written, the hash of its bytes and the key the plan gave
it, so the next export renders only the addresses whose key moved and deletes the files of
addresses that are gone. A folder without one (or with another blog's) is exported whole.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from broadsheet.core.pagecache.mirror import write_file

NAME = ".broadsheet-export.json"
FORMAT = 1


@dataclass
class Entry:
    file: str
    key: str
    digest: str


@dataclass
class Manifest:
    blog: int
    everything: str = ""
    entries: dict[str, Entry] = field(default_factory=dict)


def load(folder: Path, blog_id: int) -> Manifest:
    try:
        raw = json.loads((folder / NAME).read_text())
    except (OSError, ValueError):
        return Manifest(blog_id)
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or raw.get("blog") != blog_id:
        return Manifest(blog_id)
    entries = {address: Entry(*values) for address, values in raw["entries"].items()}
    return Manifest(blog_id, raw["everything"], entries)


def save(folder: Path, manifest: Manifest) -> None:
    entries = {
        address: [entry.file, entry.key, entry.digest]
        for address, entry in sorted(manifest.entries.items())
    }
    raw = {
        "format": FORMAT,
        "blog": manifest.blog,
        "everything": manifest.everything,
        "entries": entries,
    }
    write_file(folder / NAME, json.dumps(raw, separators=(",", ":")).encode())
