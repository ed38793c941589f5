"""Turn the bytes of an uploaded XML file into the UTF-8 text the safety checks and lxml read.

The checks in `xmlsafe` (no DOCTYPE, the root element) look for ASCII markup. Run on raw
bytes, they see only what the file's bytes look like, while the parser reads what the file
claims to be: a document declared as UTF-7, ISO-2022, UTF-32 or EBCDIC (cp500) carries its
`<!DOCTYPE` and `<!ENTITY` in byte sequences no ASCII scan finds, and libxml2 decodes them
happily. So the encoding is settled here first, from the byte order mark and the XML
declaration, and only UTF-8 and UTF-16 are accepted (the two every XML parser must read,
and the only ones Blogger and WordPress write). The text is decoded strictly and handed on
re-encoded as UTF-8, with the declaration's `encoding` taken out: the checks and the parser
then read the same characters, and nothing in the file can make lxml decode it differently.
A declaration that names its encoding twice (`encoding="UTF-8" encoding="UTF-7"`) is refused:
the check would read one name and the parser obey the other.
"""

from __future__ import annotations

import codecs
import re
from typing import BinaryIO

from broadsheet.portability.errors import MalformedXMLError, WrongFormatError

CHUNK = 1 << 16

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = {b"\xff\xfe": "UTF-16LE", b"\xfe\xff": "UTF-16BE"}
_UTF32_BOMS = (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")
# "<?xm" in the EBCDIC code pages (cp500, cp037, cp1140...), as XML's appendix F sniffs it.
_EBCDIC = b"\x4c\x6f\xa7\x94"
_LOOKS_LIKE = (
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (a Broadsheet backup is imported with `import broadsheet`)"),
    (b"\x1f\x8b", "a gzip-compressed file (unpack it first)"),
    (b"{", "a JSON document"),
    (b"[", "a JSON document"),
)
# The XML declaration (it can only open the document) and its encoding pseudo-attribute.
_DECLARATION = re.compile(r"<\?xml(?=[ \t\r\n?])(.*?)\?>", re.DOTALL)
_ENCODING = re.compile(r"""[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])(.*?)\1""", re.DOTALL)
_SAVE_AS = "Only UTF-8 and UTF-16 files are read: save the file as UTF-8 and import it again."


class DecodedXML:
    """A binary stream of UTF-8 over an uploaded file in UTF-8 or UTF-16, with a BOM or not
    (UTF-16 must have one). Creating it reads the first chunk: it raises `WrongFormatError`
    for another format or encoding, and for a declaration that contradicts the BOM.
    `bytes_read` counts the file's own bytes, for progress."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.bytes_read = 0
        self._out = bytearray()
        self._done = False
        head = self._read_raw()
        codec = sniff(head)
        self._decoder = codecs.getincrementaldecoder(codec)("strict")
        self._out += _without_encoding(self._decode(head)).encode()

    def read(self, size: int = -1) -> bytes:
        size = CHUNK if size < 0 else size
        while len(self._out) < size and not self._done:
            self._out += self._decode(self._read_raw()).encode()
        data = bytes(self._out[:size])
        del self._out[:size]
        return data

    def _read_raw(self) -> bytes:
        data = self._raw.read(CHUNK)
        self.bytes_read += len(data)
        self._done = not data
        return data

    def _decode(self, data: bytes) -> str:
        try:
            return self._decoder.decode(data, final=self._done)
        except UnicodeDecodeError as error:
            at = self.bytes_read - len(data) + error.start
            raise MalformedXMLError(
                f"byte {at} is not valid {error.encoding.upper()}", None, None
            ) from None


def sniff(head: bytes) -> str:
    """The Python codec for a file starting with `head`: its BOM, else UTF-8 as XML says, once
    the declaration agrees. Refuses anything else with a reason."""
    _check_looks_like_xml(head)
    codec, named = _by_bom(head)
    declared = _declared_encoding(head.decode(codec, "replace"))
    if declared is not None and _label(declared) not in _accepted_labels(named):
        raise WrongFormatError(_contradiction(declared, named))
    return codec


def _check_looks_like_xml(head: bytes) -> None:
    if not head:
        raise WrongFormatError("The file is empty.")
    start = head.removeprefix(_UTF8_BOM).lstrip(b" \t\r\n")
    for magic, what in _LOOKS_LIKE:
        if start.startswith(magic):
            raise WrongFormatError(f"This is {what}, not an XML export.")


def _by_bom(head: bytes) -> tuple[str, str]:
    """(codec, the encoding's name), refusing the byte patterns of other encodings."""
    if head.startswith(_UTF32_BOMS):
        raise WrongFormatError(f"The file is encoded as UTF-32. {_SAVE_AS}")
    if head.startswith(_UTF8_BOM):
        return "utf-8-sig", "UTF-8"
    if head[:2] in _UTF16_BOMS:
        return "utf-16", _UTF16_BOMS[head[:2]]
    if head.startswith(_EBCDIC):
        raise WrongFormatError(f"The file is encoded in EBCDIC. {_SAVE_AS}")
    if b"\x00" in head[:4]:
        raise WrongFormatError(
            "The file looks like UTF-16 or UTF-32 without a byte order mark, which XML does "
            f"not allow. {_SAVE_AS}"
        )
    return "utf-8", ""


def _declared_encoding(text: str) -> str | None:
    # Leading space makes a declaration an error to lxml, but it is checked all the same.
    declaration = _declaration(text)
    if declaration is None:
        return None
    named = _ENCODING.findall(declaration.group(1))
    if len(named) > 1:
        raise MalformedXMLError("the XML declaration names its encoding more than once", 1, None)
    return named[0][1] if named else None


def _declaration(text: str) -> re.Match[str] | None:
    """The XML declaration, after any byte order marks and white space before it."""
    start = len(text) - len(text.lstrip("\ufeff \t\r\n"))
    return _DECLARATION.match(text, start)


def _label(name: str) -> str:
    return name.strip().upper().replace("_", "-")


def _accepted_labels(named: str) -> set[str]:
    if named.startswith("UTF-16"):
        return {"UTF-16", named}
    return {"UTF-8", "UTF8"}


def _contradiction(declared: str, named: str) -> str:
    shown = declared[:40]
    if named:
        return f"The file declares {shown!r} but starts with a {named} byte order mark. {_SAVE_AS}"
    if _label(declared).startswith("UTF-16"):
        return f"The file declares {shown!r} but has no byte order mark, which UTF-16 needs."
    return f"The file is declared as {shown!r}. {_SAVE_AS}"


def _without_encoding(text: str) -> str:
    """The text with the declaration's encoding taken out: what follows is UTF-8, whatever the
    file said, and the parser must not decode it again."""
    declaration = _declaration(text)
    if declaration is None:
        return text
    inner = _ENCODING.sub("", declaration.group(1))
    return f"{text[: declaration.start()]}<?xml{inner}?>{text[declaration.end() :]}"
