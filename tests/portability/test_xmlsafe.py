"""The safe XML reader: every hostile file in the corpora refused before a parser sees its
DOCTYPE, other formats named, undeclared prefixes declared, stray `]]>` mended."""

from __future__ import annotations

import io
import socket
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from broadsheet.portability.errors import (
    ImportFileError,
    MalformedXMLError,
    UnsafeXMLError,
    WrongFormatError,
)
from broadsheet.portability.xmlsafe import (
    CdataRepairReader,
    SafeXMLSource,
    iter_elements,
    release,
)
from tests.portability.conftest import CORPORA

HOSTILE = sorted((CORPORA / "xml").rglob("*"))
HOSTILE = [path for path in HOSTILE if path.is_file()]
BENIGN = {"simple.xml", "simple-ns.xml"}


def read_all(path: Path | bytes, declare: dict[str, str] | None = None) -> list[str]:
    raw = io.BytesIO(path) if isinstance(path, bytes) else path.open("rb")
    with raw:
        source = SafeXMLSource(raw, declare)
        return [element.tag for element in iter_elements(source, ["{*}entry", "entry"])]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to reach out fails the test loudly instead of quietly failing offline."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the XML reader tried to open a connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def test_corpus_has_the_attacks_we_expect() -> None:
    names = {path.name for path in HOSTILE}
    assert {"xmlbomb.xml", "quadratic.xml", "external.xml", "dtd.xml", "cyclic.xml"} <= names
    assert "Deny_Of_Service_-_Billion_Laugh_Attack.xml" in names


@pytest.mark.parametrize("path", HOSTILE, ids=lambda path: path.name)
def test_every_hostile_file_is_refused_or_harmless(path: Path, no_network: None) -> None:
    if path.name in BENIGN:
        assert read_all(path) == []  # plain documents read, and hold no entries
        return
    with pytest.raises(ImportFileError) as refused:
        read_all(path)
    assert str(refused.value)
    # For its DOCTYPE, or before that for an encoding other than UTF-8 and UTF-16.
    by_encoding = "Only UTF-8 and UTF-16" in str(refused.value)
    if path.read_bytes().lstrip().startswith((b"<!DOCTYPE", b"<?xml")) and not by_encoding:
        assert isinstance(refused.value, UnsafeXMLError)
        assert "DOCTYPE" in str(refused.value)


def test_doctype_after_comments_and_declaration_is_still_refused() -> None:
    text = b'<?xml version="1.0"?>\n<!-- hi -->\n<!DOCTYPE feed [<!ENTITY a "b">]><feed/>'
    with pytest.raises(UnsafeXMLError):
        read_all(text)


def test_entity_reference_without_a_dtd_is_malformed_with_its_place() -> None:
    with pytest.raises(MalformedXMLError, match="line 2, column"):
        read_all(b"<feed>\n<entry>&lol9;</entry></feed>")


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (b"\x89PNG\r\n\x1a\n....", "PNG image"),
        (b'{"posts": []}', "JSON"),
        (b"PK\x03\x04....", "ZIP archive"),
        (b"", "empty"),
        (b"\xff\xfe\x00\x00<\x00\x00\x00", "UTF-32"),
        (b"Just some text", "does not start with XML"),
    ],
)
def test_other_formats_are_named(content: bytes, named: str) -> None:
    with pytest.raises(WrongFormatError, match=named):
        read_all(content)


def test_truncated_file_names_where_it_ends() -> None:
    with pytest.raises(MalformedXMLError, match="line 3"):
        read_all(b"<feed xmlns='http://www.w3.org/2005/Atom'>\n<entry><title>Cut\n")


def test_undeclared_prefix_is_declared_on_the_root() -> None:
    text = b"<feed><entry><app:control><app:draft>yes</app:draft></app:control></entry></feed>"
    with pytest.raises(MalformedXMLError, match="app"):
        read_all(text)
    assert read_all(text, {"app": "http://purl.org/atom/app#"}) == ["entry"]


def test_a_declared_prefix_is_left_alone() -> None:
    text = b"<feed xmlns:app='urn:other'><entry><app:x/></entry></feed>"
    source = SafeXMLSource(io.BytesIO(text), {"app": "http://purl.org/atom/app#"})
    element = next(iter_elements(source, ["entry"]))
    assert element[0].tag == "{urn:other}x"


def test_root_element_is_read_from_its_start_tag() -> None:
    source = SafeXMLSource(io.BytesIO(b"<?xml version='1.0'?><a:feed xmlns:a='urn:x' b='>'/>"))
    assert (source.root.namespace, source.root.name) == ("urn:x", "feed")


def test_released_elements_do_not_pile_up() -> None:
    entries = b"".join(b"<entry><title>%d</title></entry>" % n for n in range(2000))
    source = SafeXMLSource(io.BytesIO(b"<feed>" + entries + b"</feed>"))
    seen = 0
    for element in iter_elements(source, ["entry"]):
        # lxml reads ahead, so later entries may be there; of the earlier ones only the last,
        # emptied, is left.
        previous = element.getprevious()
        assert previous is None or (len(previous) == 0 and previous.getprevious() is None)
        release(element)
        seen += 1
    assert seen == 2000
    assert source.bytes_read == len(entries) + len(b"<feed></feed>")


CRAZY = (
    b"<?xml version='1.0'?><r a=']]>'><!-- ]]> --><v><![CDATA[a <![CDATA[ b ]]> c]]></v>"
    b"<w><![CDATA[]]>]]></w><x>plain</x></r>"
)


@pytest.mark.parametrize("size", [1, 2, 7, 64, 65536])
def test_cdata_repair_mends_nested_sections_at_any_read_size(size: int) -> None:
    reader = CdataRepairReader(SafeXMLSource(io.BytesIO(CRAZY)))
    chunks = []
    while chunk := reader.read(size):
        chunks.append(chunk)
    root = etree.fromstring(b"".join(chunks))
    assert root.get("a") == "]]>"
    assert [root.findtext(tag) for tag in ("v", "w", "x")] == [
        "a <![CDATA[ b ]]> c",
        "]]>",
        "plain",
    ]


def test_cdata_repair_leaves_good_xml_unchanged() -> None:
    good = b"<r><![CDATA[x]]]]><![CDATA[>y]]><?pi ok?><a b='1'>t</a></r>"
    reader = CdataRepairReader(SafeXMLSource(io.BytesIO(good)))
    assert reader.read(-1) + reader.read(-1) == good
