"""Read an untrusted XML export as a stream, refusing the dangerous parts before a parser
sees them.

Blogger backups and WordPress WXR files are plain documents: neither format has ever used a
DOCTYPE. A DOCTYPE is also where every XML attack starts (billion laughs and quadratic blowup
through entity declarations, XXE through external entities and DTDs), so `SafeXMLSource`
refuses any file whose prolog has one, before lxml reads a byte of it; lxml itself then runs
with entities, DTD loading and network access switched off as a second wall. The checks read
the decoded text (`xmltext.DecodedXML`: UTF-8 or UTF-16 only, handed on as UTF-8), never the
raw bytes, so an encoding that hides markup from a byte scan cannot slip a DOCTYPE past them.

Parsing is `lxml.etree.iterparse` with the elements already handled freed as the parse goes
on, so memory stays flat however long the file is. Errors come out as `ImportFileError`s that
name the line and column.

Two repairs for files real exporters have written:

* Blogger's 2018-era backups use the `app:` prefix (`<app:control><app:draft>`) without
  declaring it. The root element gets the declarations the caller lists when it lacks them;
  a declaration nobody uses is harmless.
* Hand-made or old WXR files put `]]>` inside CDATA sections (`<![CDATA[a <![CDATA[b]]> c]]>`)
  where WordPress writes `]]]]><![CDATA[>`. `CdataRepairReader` rewrites them; the importer
  uses it only to retry a file the strict parser refused for exactly that reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from lxml import etree

from broadsheet.portability.errors import (
    MalformedXMLError,
    UnsafeXMLError,
    WrongFormatError,
)
from broadsheet.portability.xmltext import DecodedXML

CHUNK = 1 << 16
# Exports open with a few comments at most; a megabyte before the first element is not one.
PROLOG_LIMIT = 1 << 20

_SPACE = re.compile(rb"[ \t\r\n]*")
# A start tag, attribute values quoted either way; ">" may appear inside a quoted value.
_START_TAG = re.compile(rb"<([^\s/>]+)((?:[^\"'>]|\"[^\"]*\"|'[^']*')*)(/?)>")
_XMLNS = re.compile(rb"""xmlns(?::([\w.\-]+))?\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_WHERE = re.compile(r",? line \d+, column \d+\s*$")


@dataclass(frozen=True)
class RootElement:
    """The document element, read from its start tag: its namespace is declared there or
    nowhere, since it has no ancestors."""

    namespace: str
    name: str

    def describe(self) -> str:
        return f"<{self.name}>" + (f" in namespace {self.namespace}" if self.namespace else "")


class SafeXMLSource:
    """A binary stream over an export for lxml, checked and counted.

    Creating it reads the prolog and the root start tag: it raises `WrongFormatError` for a
    file that is not XML (naming what it looks like) and `UnsafeXMLError` for one with a
    DOCTYPE. `bytes_read` follows the reads, for progress.
    """

    def __init__(self, raw: BinaryIO, declare: Mapping[str, str] | None = None) -> None:
        self._raw = DecodedXML(raw)
        head, self.root = self._read_prolog(dict(declare or {}))
        self._head = head

    @property
    def bytes_read(self) -> int:
        return self._raw.bytes_read

    def read(self, size: int = -1) -> bytes:
        if self._head:
            size = len(self._head) if size < 0 else size
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._read_raw(CHUNK if size < 0 else size)

    def _read_raw(self, size: int) -> bytes:
        return self._raw.read(size)

    def _read_prolog(self, declare: dict[str, str]) -> tuple[bytes, RootElement]:
        buf = self._read_raw(CHUNK)
        _check_starts_with_markup(buf)
        pos = 0
        while True:
            pos = _SPACE.match(buf, pos).end()  # type: ignore[union-attr]
            step = _prolog_step(buf, pos)
            if step is None:
                more = self._read_raw(CHUNK)
                if not more:
                    raise MalformedXMLError("the file ends before its first element", None, None)
                if len(buf) > PROLOG_LIMIT:
                    raise WrongFormatError("The file has no element in its first megabyte.")
                buf += more
                continue
            if isinstance(step, int):
                pos = step
                continue
            return _declare(buf, step, declare), _root(step)


def _check_starts_with_markup(head: bytes) -> None:
    start = head.lstrip(b" \t\r\n")
    if start and not start.startswith(b"<"):
        raise WrongFormatError("The file does not start with XML markup: it is not an export.")


def _prolog_step(buf: bytes, pos: int) -> int | re.Match[bytes] | None:
    """The position after the next prolog item, the root start tag, or None to read more."""
    for opener, closer in ((b"<?", b"?>"), (b"<!--", b"-->")):
        if buf.startswith(opener, pos):
            end = buf.find(closer, pos + len(opener))
            return None if end < 0 else end + len(closer)
    if buf.startswith(b"<!", pos):
        raise UnsafeXMLError(
            "The file has a DOCTYPE declaration. Blogger and WordPress exports never have one, "
            "and it is how XML attacks define entities (billion laughs, quadratic blowup) or "
            "reach for outside files (external entities and DTDs), so it is refused."
        )
    if len(buf) - pos < 2:
        return None
    if not buf.startswith(b"<", pos):
        line = buf.count(b"\n", 0, pos) + 1
        raise MalformedXMLError("text before the first element", line, None)
    return _START_TAG.match(buf, pos)


def _root(tag: re.Match[bytes]) -> RootElement:
    qname = tag.group(1).decode("utf-8", "replace")
    prefix, _, name = qname.rpartition(":")
    declared = _declarations(tag.group(2))
    return RootElement(namespace=declared.get(prefix, ""), name=name)


def _declarations(attributes: bytes) -> dict[str, str]:
    found = {}
    for match in _XMLNS.finditer(attributes):
        prefix = (match.group(1) or b"").decode()
        found[prefix] = (match.group(2) or match.group(3) or b"").decode("utf-8", "replace")
    return found


def _declare(buf: bytes, tag: re.Match[bytes], declare: dict[str, str]) -> bytes:
    present = _declarations(tag.group(2))
    extra = "".join(
        f' xmlns:{prefix}="{uri}"' for prefix, uri in declare.items() if prefix not in present
    )
    if not extra:
        return buf
    at = tag.end(1)
    return buf[:at] + extra.encode() + buf[at:]


def iter_elements(
    source: SafeXMLSource | CdataRepairReader, tags: Sequence[str]
) -> Iterator[etree._Element]:
    """Each element named in `tags` (lxml's `{namespace}name`, `{*}name` for any namespace),
    when it ends. Call `release` on the top-level records once they are handled."""
    etree.clear_error_log()  # lxml's log is per thread: start this parse's afresh
    events = etree.iterparse(
        source,
        events=("end",),
        tag=tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        for _event, element in events:
            yield element
    except etree.XMLSyntaxError as error:
        raise malformed(error) from None


def release(element: etree._Element) -> None:
    """Free a handled record and everything before it, so the tree never grows."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def malformed(error: etree.XMLSyntaxError) -> MalformedXMLError:
    # With entities left unresolved, lxml's own message can be a bare "no element found" at
    # line 0; the parser's error log keeps the real first error and its place.
    log = [entry for entry in error.error_log if entry.level_name == "FATAL"]
    if log and log[0].line:
        return MalformedXMLError(log[0].message.strip(), log[0].line, log[0].column)
    line, column = error.position if error.position else (error.lineno, None)
    message = _WHERE.sub("", str(error.msg or error)).strip()
    return MalformedXMLError(message, line, column)


def is_unescaped_cdata_end(error: MalformedXMLError) -> bool:
    """The one error `CdataRepairReader` can mend."""
    return "']]>' not allowed" in str(error)


class CdataRepairReader:
    """Rewrites `]]>` where XML does not allow it: nested in a CDATA section (WordPress
    escapes it as `]]]]><![CDATA[>`) or loose in text (`]]&gt;`).

    A CDATA section that opens another `<![CDATA[` is taken to close once per opening; that
    reading matches what the writer meant in every file seen. Comments, processing
    instructions and tags (with quoted values) pass through untouched.
    """

    _TEXT, _TAG, _COMMENT, _PI, _CDATA = range(5)
    _OPENER = b"<![CDATA["
    _CLOSER = b"]]>"

    def __init__(self, inner: SafeXMLSource) -> None:
        self.inner = inner
        self.state = self._TEXT
        self.depth = 0
        self.quote = b""
        self.pending = b""
        self.out = bytearray()
        self.done = False

    @property
    def bytes_read(self) -> int:
        return self.inner.bytes_read

    def read(self, size: int = -1) -> bytes:
        want = CHUNK if size < 0 else size
        while not self.done and len(self.out) < want:
            chunk = self.inner.read(CHUNK)
            self.done = not chunk
            self.pending = self._feed(self.pending + chunk, final=self.done)
        data = bytes(self.out[:want])
        del self.out[:want]
        return data

    def _feed(self, data: bytes, *, final: bool) -> bytes:
        pos = 0
        while pos < len(data):
            step = self._step(data, pos, final)
            if step is None:
                return data[pos:]
            pos = step
        return b""

    def _step(self, data: bytes, pos: int, final: bool) -> int | None:
        handler = (self._text, self._tag, self._comment, self._pi, self._cdata)[self.state]
        return handler(data, pos, final)

    def _emit_until(self, data: bytes, pos: int, end: int) -> int:
        self.out += data[pos:end]
        return end

    def _text(self, data: bytes, pos: int, final: bool) -> int | None:
        lt, close = data.find(b"<", pos), data.find(self._CLOSER, pos)
        if close >= 0 and (lt < 0 or close < lt):
            self.out += data[pos:close] + b"]]&gt;"
            return close + len(self._CLOSER)
        if lt < 0:
            # The last two bytes wait for the next read: they may begin a "]]>".
            end = len(data) if final else len(data) - 2
            return self._emit_until(data, pos, end) if end > pos else None
        if lt > pos:
            return self._emit_until(data, pos, lt)
        if len(data) - pos < len(self._OPENER) and not final:
            return None  # too little to tell a CDATA section from a tag
        self.state = self._markup_state(data, pos)
        self.depth = 1 if self.state == self._CDATA else 0
        opener = len(self._OPENER) if self.state == self._CDATA else 1
        return self._emit_until(data, pos, pos + opener)

    def _markup_state(self, data: bytes, lt: int) -> int:
        if data.startswith(self._OPENER, lt):
            return self._CDATA
        if data.startswith(b"<!--", lt):
            return self._COMMENT
        return self._PI if data.startswith(b"<?", lt) else self._TAG

    def _tag(self, data: bytes, pos: int, final: bool) -> int | None:
        for index in range(pos, len(data)):
            char = data[index : index + 1]
            if self.quote:
                self.quote = b"" if char == self.quote else self.quote
            elif char in (b'"', b"'"):
                self.quote = char
            elif char == b">":
                self.state = self._TEXT
                return self._emit_until(data, pos, index + 1)
        return self._emit_until(data, pos, len(data))

    def _comment(self, data: bytes, pos: int, final: bool) -> int | None:
        return self._until(data, pos, b"-->", final)

    def _pi(self, data: bytes, pos: int, final: bool) -> int | None:
        return self._until(data, pos, b"?>", final)

    def _until(self, data: bytes, pos: int, closer: bytes, final: bool) -> int | None:
        end = data.find(closer, pos)
        if end < 0:
            keep = 0 if final else len(closer) - 1
            return self._emit_until(data, pos, len(data) - keep) if len(data) - pos > keep else None
        self.state = self._TEXT
        return self._emit_until(data, pos, end + len(closer))

    def _cdata(self, data: bytes, pos: int, final: bool) -> int | None:
        opener, close = data.find(self._OPENER, pos), data.find(self._CLOSER, pos)
        if close < 0 and opener < 0:
            keep = 0 if final else len(self._OPENER) - 1
            return self._emit_until(data, pos, len(data) - keep) if len(data) - pos > keep else None
        if opener >= 0 and (close < 0 or opener < close):
            self.depth += 1
            return self._emit_until(data, pos, opener + len(self._OPENER))
        self.out += data[pos:close]
        self.depth -= 1
        if self.depth:
            self.out += b"]]]]><![CDATA[>"
        else:
            self.out += self._CLOSER
            self.state = self._TEXT
        return close + len(self._CLOSER)
