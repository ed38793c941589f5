"""A backup archive read as untrusted input: which members it may hold, and how much it may
unpack.

A ZIP archive says how large each member is, and a ZIP bomb lies: a few kilobytes declared as
a few kilobytes that inflate to gigabytes. So the archive is held to the install's limits
twice: by what its central directory declares (before anything is unpacked) and by what
actually comes out of the decompressor (every byte read goes through one `Budget`).

A member is read only as a backup writes it: not encrypted or patched, and stored or
compressed by a method this Python unpacks. Whatever else goes wrong while it is opened or
read (a local header that disagrees with the directory, a damaged stream, a checksum that
does not match, a stream that ends early) is reported as damage by `open_member` and
`_Metered`, whichever part of zipfile found it, so no archive reaches the restore's caller as
a crash.
"""

from __future__ import annotations

import io
import json
import lzma
import re
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any

from django.conf import settings

from broadsheet.portability.backup import FORMAT, MEMBERS, VERSION, safe_media_name
from broadsheet.portability.errors import ArchiveTooLargeError, WrongFormatError

MAX_MANIFEST = 256 << 20
# One line of posts.jsonl or comments.jsonl: a body at posts.size's bound with every character
# escaped (six bytes each) and room for the rest. A longer line is no row a backup writes.
MAX_ROW = 16 << 20
# JSON costs far more memory than its text: 24 MB of `{},{},…` is 660 MB of Python objects
# (a string costs about its length). So a document is also held to a number of values,
# counted before it is parsed: a backup's manifest holds a few per label, person, page and
# file, a row a few dozen.
MAX_MANIFEST_VALUES = 2_000_000
MAX_ROW_VALUES = 100_000
# A JSON string, to take out before counting what is outside strings. One left unclosed runs
# to the end of the text: were it to fail instead, the search would start again at every
# quote inside it (`"\"\"\"…`), and the time grow with the square of the length.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
# A member this large that shrank more than this is a ZIP bomb, whatever the totals say.
BOMB_SIZE = 100 << 20
MAX_RATIO = 200
_ALLOWED_TYPES = (0, stat.S_IFREG, stat.S_IFDIR)  # 0: written by a tool that records none
# The methods zipfile unpacks: a backup is written deflated; the others are what a person who
# re-packed one with another tool might have chosen.
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
# General purpose flags: bit 0 encrypted, 5 patched data, 6 strong encryption.
_ENCRYPTED = 0x1 | 0x20 | 0x40
_RECORD = b"PK\x01\x02"  # a central directory record's signature
_SCAN_CHUNK = 1 << 20
# What each decompressor, or zipfile's own checks, raise for a damaged stream.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError)


class Budget:
    """The bytes a restore may still unpack; spending past it stops the restore."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.spent = 0

    def spend(self, count: int) -> None:
        self.spent += count
        if self.spent > self.limit:
            raise ArchiveTooLargeError(
                f"The archive unpacks to more than {self.limit} bytes, the most this site "
                "restores (BROADSHEET_RESTORE_MAX_BYTES)."
            )


class _Metered(io.RawIOBase):
    """A member's stream that charges every byte the decompressor hands out to the budget."""

    def __init__(self, inner: IO[bytes], budget: Budget) -> None:
        self.inner, self.budget = inner, budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self.inner.read(len(buffer))
        except _READ_ERRORS as error:
            name = getattr(self.inner, "name", "a member")
            raise WrongFormatError(
                f"The archive is damaged: {name!r} cannot be read ({error})."
            ) from None
        self.budget.spend(len(data))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


def open_member(archive: zipfile.ZipFile, name: str, budget: Budget) -> io.BufferedReader:
    """A member to read, its bytes charged to `budget` as they come out. A local header
    that disagrees with the directory, or asks for a feature zipfile lacks, is damage."""
    try:
        inner = archive.open(name)
    except (*_READ_ERRORS, NotImplementedError, RuntimeError) as error:
        raise WrongFormatError(
            f"The archive is damaged: {name!r} cannot be read ({error})."
        ) from None
    return io.BufferedReader(_Metered(inner, budget))


def read_member(archive: zipfile.ZipFile, name: str, budget: Budget, limit: int) -> bytes | None:
    """The member's bytes, or None when it unpacks to more than `limit`."""
    with open_member(archive, name, budget) as stream:
        data = stream.read(limit + 1)
    return None if len(data) > limit else data


def read_lines(archive: zipfile.ZipFile, name: str, budget: Budget) -> Iterator[dict[str, Any]]:
    """A JSON-lines member one row at a time; a row that is not an object is damage, and one
    longer than `MAX_ROW` or holding more than `MAX_ROW_VALUES` values is refused unread."""
    with open_member(archive, name, budget) as raw:
        number = 0
        while line := raw.readline(MAX_ROW + 1):
            number += 1
            if len(line) > MAX_ROW:
                raise WrongFormatError(
                    f"Line {number} of {name} is longer than {MAX_ROW} bytes, longer than any "
                    "row a backup holds: refused."
                )
            if line.strip():
                row = parse_json(line.decode("utf-8"), f"Line {number} of {name}", MAX_ROW_VALUES)
                if not isinstance(row, dict):
                    raise ValueError(f"{name} holds a line that is not an object")
                yield row


def parse_json(text: str, what: str, most_values: int) -> Any:
    """`text` parsed, unless it holds more values than `most_values` (counted outside its
    strings, before anything is built) or nests deeper than Python's parser goes: refused
    with a reason, never a RecursionError or a worker out of memory."""
    bare = _STRING.sub("", text)
    values = sum(bare.count(mark) for mark in ",:[{")
    if values > most_values:
        raise WrongFormatError(
            f"{what} holds about {values} values, more than a backup's (at most "
            f"{most_values}): refused."
        )
    try:
        return json.loads(text)
    except RecursionError:
        raise WrongFormatError(f"{what} nests deeper than any backup does: refused.") from None


def open_archive(raw: IO[bytes]) -> zipfile.ZipFile:
    """The archive, once its members' names, kinds, number and declared sizes pass."""
    check_directory_records(raw)
    try:
        archive = zipfile.ZipFile(raw)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, NotImplementedError, EOFError):
        raise WrongFormatError(
            "This is not a Broadsheet backup: a backup is a ZIP archive (made with "
            "`broadsheet export broadsheet`)."
        ) from None
    infos = archive.infolist()
    check_totals(infos)
    for info in infos:
        check_member(info)
    names = archive.namelist()
    if len(set(names)) != len(names):
        raise WrongFormatError("The archive holds two members with the same name: refused.")
    missing = [name for name in MEMBERS if name not in names]
    if missing:
        raise WrongFormatError(f"This is not a Broadsheet backup: it has no {missing[0]}.")
    return archive


def check_directory_records(raw: IO[bytes]) -> None:
    """Refuse, before zipfile reads the central directory, an archive that could hold more
    members than the install restores.

    zipfile builds an object for every record of the directory, however many the end record
    declares: 24 MB of one-letter records are half a million objects and a quarter of a
    gigabyte before `check_totals` could count them. Every record zipfile accepts starts
    with the signature `PK\\x01\\x02`, so the signature's count in the whole file bounds the
    records, whatever the file says of itself; it is counted a chunk at a time, in memory
    that does not grow with the file.
    """
    limit = settings.RESTORE_MAX_FILES
    found, carry = 0, b""
    raw.seek(0)
    while chunk := raw.read(_SCAN_CHUNK):
        window = carry + chunk
        found += window.count(_RECORD)
        carry = window[-(len(_RECORD) - 1) :]  # a signature across the boundary: counted once
        if found > limit:
            raise ArchiveTooLargeError(
                f"The archive holds more than {limit} files; this site restores at most "
                f"{limit} (BROADSHEET_RESTORE_MAX_FILES)."
            )
    raw.seek(0)


def check_totals(infos: list[zipfile.ZipInfo]) -> None:
    """The declared number of members and unpacked size, against the install's limits."""
    if len(infos) > settings.RESTORE_MAX_FILES:
        raise ArchiveTooLargeError(
            f"The archive holds {len(infos)} files; this site restores at most "
            f"{settings.RESTORE_MAX_FILES} (BROADSHEET_RESTORE_MAX_FILES)."
        )
    declared = sum(info.file_size for info in infos)
    if declared > settings.RESTORE_MAX_BYTES:
        raise ArchiveTooLargeError(
            f"The archive would unpack to {declared} bytes; this site restores at most "
            f"{settings.RESTORE_MAX_BYTES} (BROADSHEET_RESTORE_MAX_BYTES)."
        )


def check_member(info: zipfile.ZipInfo) -> None:
    """Refuse a member no backup has: a name outside the layout, a link or a device."""
    name = info.filename
    if not name:  # zipfile cuts a name at its first NUL: "\0..." is no name at all
        raise WrongFormatError("The archive holds a member without a name: refused.")
    if stat.S_IFMT(info.external_attr >> 16) not in _ALLOWED_TYPES:
        raise WrongFormatError(f"The archive holds {name!r}, which is not a plain file: refused.")
    if info.flag_bits & _ENCRYPTED:
        raise WrongFormatError(f"{name!r} is encrypted, and a backup never is: refused.")
    if info.compress_type not in _METHODS:
        raise WrongFormatError(
            f"{name!r} is compressed by a method a backup never uses "
            f"({info.compress_type}): refused."
        )
    if info.is_dir():
        return
    unprintable = any(unicodedata.category(char) in ("Cc", "Cf") for char in name)
    known = name in MEMBERS or (name.startswith("media/") and safe_media_name(name[6:]))
    if unprintable or not known:
        raise WrongFormatError(f"The archive holds {name!r}, which no backup has: refused.")
    if info.file_size > BOMB_SIZE and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise ArchiveTooLargeError(f"{name!r} would unpack to {info.file_size} bytes: refused.")


def read_manifest(archive: zipfile.ZipFile, budget: Budget) -> dict[str, Any]:
    """data.json, checked to be a manifest of the schema this Broadsheet reads."""
    data = read_member(archive, "data.json", budget, MAX_MANIFEST)
    if data is None:
        raise WrongFormatError("The backup's data.json is too large.")
    try:
        manifest = parse_json(data.decode("utf-8"), "The backup's data.json", MAX_MANIFEST_VALUES)
    except (ValueError, UnicodeDecodeError) as error:
        raise WrongFormatError(f"The backup's data.json is not valid JSON: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise WrongFormatError("The archive's data.json is not a Broadsheet backup manifest.")
    if manifest.get("version") != VERSION:
        raise WrongFormatError(
            f"The backup has schema version {manifest.get('version')!r}; this Broadsheet "
            f"reads version {VERSION}."
        )
    return manifest
