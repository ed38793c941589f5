"""The export's memory of itself: `.broadsheet-export.json` in the output folder.

For each address it names the file written, the hash of its bytes and the key the plan gave
it, so the next export renders only the addresses whose key moved and deletes the files of
addresses that are gone. A folder without one (or with another blog's) is exported whole.

The file is a small header: the blog's content version at the export and when its next
scheduled post goes up. Every write to a blog moves the content version (the page cache
relies on it), so an export that finds the same version, the same settings and no post come
due since reads that one line and stops, without planning 10,000 posts or reading the
entries (megabytes, for such a blog).

The entries are in `PARTS` files beside it (`.broadsheet-export/NN.json`), each address in
the part its hash names, with the list of every address (`ADDRESSES`): an export that plans
the changes alone (`publish.changes`) reads and writes the parts of the few addresses it
touches (`Entries`), and the list to know a link's address, not all 27,000 entries.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from broadsheet.core.pagecache.mirror import write_file

NAME = ".broadsheet-export.json"
PARTS_DIR = ".broadsheet-export"
PARTS = 64
ADDRESSES = "addresses.json"  # every address, in order: whether one is there, parts unread
# 1 was one JSON object; 2 a header line and the entries on a second line; 3 added the change
# log's number; 4 has its entries in parts. 2 and 3 are read whole (without a number, the
# next plan is the whole blog's), and written as 4.
FORMAT = 4
READ = (2, 3, 4)


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
    format: int = FORMAT


def part_of(address: str) -> int:
    return zlib.crc32(address.encode()) % PARTS


class Entries(dict[str, Entry]):
    """The entries by address; of a manifest in parts, only the parts asked for so far are
    read (`get` reads an address's part first, `in` the list of addresses; iterating sees
    the parts read)."""

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__()
        self.folder = folder  # None: all there is is here already
        self.read: set[int] = set()
        self.known: set[str] | None = None  # every address, read once when asked

    def addresses(self) -> set[str]:
        """Every address the manifest has, without reading its parts (`ADDRESSES`)."""
        if self.folder is None:
            return set(self)
        if self.known is None:
            try:
                self.known = set(json.loads((self.folder / PARTS_DIR / ADDRESSES).read_bytes()))
            except (OSError, ValueError):
                self.known = set(self.all())
        return self.known

    def part(self, number: int) -> None:
        if self.folder is None or number in self.read:
            return
        self.read.add(number)
        try:
            raw = json.loads((self.folder / PARTS_DIR / f"{number:02d}.json").read_bytes())
        except (OSError, ValueError):
            return
        # Made in C (map, zip) rather than a comprehension: many entries on a whole export.
        self.update(zip(raw.keys(), map(Entry._make, raw.values()), strict=True))

    def all(self) -> Entries:
        for number in range(PARTS):
            self.part(number)
        return self

    def get(self, address: str, default: Entry | None = None) -> Entry | None:  # type: ignore[override]
        self.part(part_of(address))
        return super().get(address, default)

    def __contains__(self, address: object) -> bool:
        """Whether the manifest has `address`, its part unread (the list of addresses)."""
        if self.folder is None or len(self.read) == PARTS:
            return super().__contains__(address)
        return address in self.addresses()


@dataclass
class Manifest:
    blog: int
    everything: str = ""
    entries: dict[str, Entry] = field(default_factory=Entries)
    version: int = 0
    until: float | None = None
    seq: int = -1
    newest: float | None = None
    count: int = 0
    files: int = 0  # how many entries the manifest has, read or not


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
    found.format = raw["format"]
    return found


def load(folder: Path, blog_id: int, *, lazily: bool = False) -> Manifest:
    """The folder's manifest, its entries all read, or (`lazily`) read by parts as asked."""
    header = peek(folder, blog_id)
    if header is None:
        return Manifest(blog_id)
    if header.format == FORMAT:
        entries = Entries(folder)
        if not lazily:
            entries.all()
    else:
        try:
            raw = json.loads((folder / NAME).read_bytes().split(b"\n", 2)[1])
        except (OSError, ValueError, IndexError):
            return Manifest(blog_id)
        entries = Entries()
        entries.update(zip(raw.keys(), map(Entry._make, raw.values()), strict=True))
    return Manifest(blog_id, header.everything, entries, header.version, header.until)


def save(
    folder: Path,
    manifest: Manifest,
    parts: set[int] | None = None,
    addresses: set[str] | None = None,
) -> None:
    """Write the header and the entries' parts: all, or only `parts` (whose every entry
    `manifest.entries` holds; the others are as they were, and `addresses` are all there
    are, or None when they did not change)."""
    if parts is None:
        addresses = set(manifest.entries)
    files = len(addresses) if addresses is not None else manifest.files
    by_part: dict[int, dict[str, Entry]] = {number: {} for number in parts or range(PARTS)}
    for address, entry in sorted(manifest.entries.items()):
        shown = by_part.get(part_of(address))
        if shown is not None:
            shown[address] = entry
    (folder / PARTS_DIR).mkdir(exist_ok=True)
    for number, entries in by_part.items():
        body = json.dumps(entries, separators=(",", ":")) + "\n"
        write_file(folder / PARTS_DIR / f"{number:02d}.json", body.encode())
    if addresses is not None:
        body = json.dumps(sorted(addresses), separators=(",", ":")) + "\n"
        write_file(folder / PARTS_DIR / ADDRESSES, body.encode())
    header = {
        "format": FORMAT,
        "blog": manifest.blog,
        "everything": manifest.everything,
        "version": manifest.version,
        "until": manifest.until,
        "files": files,
        "seq": manifest.seq,
        "newest": manifest.newest,
        "count": manifest.count,
    }
    write_file(folder / NAME, (json.dumps(header, separators=(",", ":")) + "\n").encode())
