"""The export's memory of itself: `.broadsheet-export.json` in the output folder.

For each address it names the file written, the hash of its bytes and the key the plan gave
it, so the next export renders only the addresses whose key moved and deletes the files of
addresses that are gone. A folder without one (or with another blog's) is exported whole.

Its first line is a small header: the blog's content version at the export and when its next
scheduled post goes up. Every write to a blog moves the content version (the page cache
relies on it), so an export that finds the same version, the same settings and no post come
due since reads that one line and stops, without planning 10,000 posts or reading the
entries on the second line (megabytes, for such a blog).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from broadsheet.core.pagecache.mirror import write_file

NAME = ".broadsheet-export.json"
FORMAT = 3  # 1 was one JSON object without the header line; 2 had no change number
READ = (2, 3)  # a 2's entries are good, but without its number the next plan is whole


class Entry(NamedTuple):
    # A tuple: 27,000 of them are read and written by every export of a 10,000-post blog,
    # and a tuple is made faster than an object and written to JSON as it is.
    file: str
    key: str
    digest: str


@dataclass
class Header:
    blog: int
    everything: str = ""
    version: int = 0  # the blog's content version the export saw (0: unknown)
    until: float | None = None  # when the blog's next scheduled post goes up (a timestamp)
    files: int = 0
    # The change log's number the export saw (`publish.changelog`; -1: unknown), the newest
    # public post's time (a timestamp) and how many public posts there were.
    seq: int = -1
    newest: float | None = None
    count: int = 0


@dataclass
class Manifest:
    blog: int
    everything: str = ""
    entries: dict[str, Entry] = field(default_factory=dict)
    version: int = 0
    until: float | None = None
    seq: int = -1
    newest: float | None = None
    count: int = 0


def peek(folder: Path, blog_id: int) -> Header | None:
    """The header of the folder's manifest, if it is this blog's (the entries are not read)."""
    try:
        with (folder / NAME).open("rb") as file:
            raw = json.loads(file.readline())
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict) or raw.get("format") not in READ or raw.get("blog") != blog_id:
        return None
    found = Header(blog_id, raw["everything"], raw["version"], raw["until"], raw["files"])
    found.seq, found.newest = raw.get("seq", -1), raw.get("newest")
    found.count = raw.get("count", 0)
    return found


def load(folder: Path, blog_id: int) -> Manifest:
    header = peek(folder, blog_id)
    if header is None:
        return Manifest(blog_id)
    try:
        raw = json.loads((folder / NAME).read_bytes().split(b"\n", 2)[1])
    except (OSError, ValueError, IndexError):
        return Manifest(blog_id)
    # Made in C (map, zip) rather than a comprehension: 27,000 entries on every export.
    entries = dict(zip(raw.keys(), map(Entry._make, raw.values()), strict=True))
    return Manifest(blog_id, header.everything, entries, header.version, header.until)


def save(folder: Path, manifest: Manifest) -> None:
    entries = dict(sorted(manifest.entries.items()))
    header = {
        "format": FORMAT,
        "blog": manifest.blog,
        "everything": manifest.everything,
        "version": manifest.version,
        "until": manifest.until,
        "files": len(entries),
        "seq": manifest.seq,
        "newest": manifest.newest,
        "count": manifest.count,
    }
    lines = [json.dumps(part, separators=(",", ":")) for part in (header, entries)]
    write_file(folder / NAME, ("\n".join(lines) + "\n").encode())
