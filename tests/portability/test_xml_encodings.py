"""The XML checks read the text a file holds, not the bytes it arrived in.

Every importer must refuse a DOCTYPE however the file is encoded. The class: any encoding in
which `<!DOCTYPE` and `<!ENTITY` are not the ASCII bytes a byte scan looks for (UTF-32,
UTF-7, EBCDIC, ISO-2022, UTF-16 without its byte order mark), and any declaration that
contradicts the byte order mark. Those are refused with a reason and nothing imported; UTF-8
and UTF-16 in every legal form are read, and a DOCTYPE inside them is still found.
"""

from __future__ import annotations

import io
from base64 import b64encode
from collections.abc import Callable
from typing import Any

import hypothesis
import pytest
from hypothesis import strategies as st

from broadsheet.blogs.models import Blog
from broadsheet.portability.actions import import_blogger, import_wordpress
from broadsheet.portability.errors import (
    MalformedXMLError,
    UnsafeXMLError,
    WrongFormatError,
)
from broadsheet.portability.xmlsafe import SafeXMLSource, iter_elements
from broadsheet.posts.models import Post
from tests.portability.conftest import NOW, snapshot

pytestmark = pytest.mark.django_db

Importer = Callable[..., Any]
IMPORTERS = [import_blogger, import_wordpress]

ATOM = "http://www.w3.org/2005/Atom"
KIND = "http://schemas.google.com/g/2005#kind"
POST_KIND = "http://schemas.google.com/blogger/2008/kind#post"
# An entity expanding into the title: if a parser ever reads it, the title says "PWNED".
ATTACK = '<!DOCTYPE feed [<!ENTITY x "PWNED">]>'


def blogger(title: str, doctype: str = "") -> str:
    return (
        f"{doctype}<feed xmlns='{ATOM}'><entry><id>tag:blogger.com,1999:blog-1.post-1</id>"
        "<published>2020-01-01T00:00:00Z</published>"
        f"<category scheme='{KIND}' term='{POST_KIND}'/><title>{title}</title>"
        "<content type='html'>body</content>"
        "<link rel='alternate' type='text/html' href='https://x.blogspot.com/2020/01/p.html'/>"
        "</entry></feed>"
    )


def wordpress(title: str, doctype: str = "") -> str:
    wp = "http://wordpress.org/export/1.2/"
    return (
        f"{doctype}<rss version='2.0' xmlns:wp='{wp}' "
        "xmlns:content='http://purl.org/rss/1.0/modules/content/'><channel>"
        "<title>Old</title><wp:wxr_version>1.2</wp:wxr_version>"
        f"<item><title>{title}</title><wp:post_id>1</wp:post_id><wp:post_type>post</wp:post_type>"
        "<wp:status>publish</wp:status><wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt>"
        "<wp:post_name>p</wp:post_name><content:encoded>body</content:encoded></item>"
        "</channel></rss>"
    )


DOCUMENTS = {import_blogger: blogger, import_wordpress: wordpress}


def declared(encoding: str, body: str) -> str:
    return f'<?xml version="1.0" encoding="{encoding}"?>{body}'


# Encodings libxml2 decodes in which the attack is not ASCII (or not only ASCII) on disk.
HIDING = [
    ("UTF-32", "utf-32", "UTF-32"),
    ("UTF-32LE", "utf-32-le", "UTF-32"),
    ("UTF-32BE", "utf-32-be", "UTF-32"),
    ("UTF-7", "utf-7", "UTF-7"),
    ("cp500", "cp500", "EBCDIC"),
    ("IBM037", "cp037", "EBCDIC"),
    ("ISO-2022-JP", "iso2022_jp", "ISO-2022-JP"),
    ("UTF-16LE", "utf-16-le", "byte order mark"),
    ("UTF-16BE", "utf-16-be", "byte order mark"),
    ("UTF-16", "utf-16-le", "byte order mark"),
]


def hiding(label: str, codec: str, builder: Callable[[str, str], str]) -> bytes:
    text = declared(label, builder("&x;", ATTACK))
    if codec == "utf-7":
        # Python's UTF-7 leaves "<" and "!" as they are; a hostile writer encodes them.
        head, _, rest = text.partition("?>")
        return f"{head}?>".encode() + rest.replace("<", "+ADw-").replace("!", "+ACE-").encode()
    return text.encode(codec)


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(("label", "codec", "says"), HIDING, ids=[row[0] for row in HIDING])
def test_an_encoding_other_than_utf8_or_utf16_is_refused_with_nothing_imported(
    blog: Blog, write_file: Any, importer: Importer, label: str, codec: str, says: str
) -> None:
    data = hiding(label, codec, DOCUMENTS[importer])
    assert b"<!DOCTYPE" not in data or codec == "iso2022_jp"  # invisible to a byte scan
    before = snapshot(blog)
    with pytest.raises(WrongFormatError, match=says):
        importer(blog, write_file(data), now=NOW)
    assert snapshot(blog) == before


BOM8 = b"\xef\xbb\xbf"
BOM16LE = b"\xff\xfe"
BOM16BE = b"\xfe\xff"
CONTRADICTIONS = [
    ("utf8-bom-says-utf16", BOM8, "utf-8", "UTF-16"),
    ("utf8-bom-says-latin1", BOM8, "utf-8", "ISO-8859-1"),
    ("utf16le-bom-says-utf8", BOM16LE, "utf-16-le", "UTF-8"),
    ("utf16be-bom-says-utf8", BOM16BE, "utf-16-be", "UTF-8"),
    ("utf16le-bom-says-utf16be", BOM16LE, "utf-16-le", "UTF-16BE"),
    ("utf16be-bom-says-utf16le", BOM16BE, "utf-16-be", "UTF-16LE"),
    ("utf16le-bom-says-utf32", BOM16LE, "utf-16-le", "UTF-32"),
    ("no-bom-says-latin1", b"", "latin-1", "ISO-8859-1"),
    ("no-bom-says-windows1252", b"", "cp1252", "windows-1252"),
    ("no-bom-says-shift-jis", b"", "shift_jis", "Shift_JIS"),
    ("no-bom-says-ucs4", b"", "utf-8", "ISO-10646-UCS-4"),
]


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("bom", "codec", "label"),
    [row[1:] for row in CONTRADICTIONS],
    ids=[r[0] for r in CONTRADICTIONS],
)
def test_a_declaration_the_bytes_contradict_is_refused(
    blog: Blog, write_file: Any, importer: Importer, bom: bytes, codec: str, label: str
) -> None:
    text = declared(label, DOCUMENTS[importer]("Caf\u00e9 \u65e5\u672c"))
    data = bom + text.encode(codec, "xmlcharrefreplace")
    before = snapshot(blog)
    with pytest.raises(WrongFormatError, match="UTF-8"):
        importer(blog, write_file(data), now=NOW)
    assert snapshot(blog) == before


def legal_forms(text: str) -> dict[str, bytes]:
    """Every way the XML specification lets a UTF-8 or UTF-16 document be written."""
    return {
        "utf8": text.encode(),
        "utf8-declared": declared("UTF-8", text).encode(),
        "utf8-declared-lowercase": declared("utf-8", text).encode(),
        "utf8-bom": BOM8 + text.encode(),
        "utf8-bom-declared": BOM8 + declared("UTF-8", text).encode(),
        "utf16le-bom": BOM16LE + text.encode("utf-16-le"),
        "utf16be-bom": BOM16BE + text.encode("utf-16-be"),
        "utf16le-bom-declared": BOM16LE + declared("UTF-16", text).encode("utf-16-le"),
        "utf16be-bom-declared": BOM16BE + declared("UTF-16", text).encode("utf-16-be"),
    }


FORMS = list(legal_forms(""))
TITLE = "Caf\u00e9 \u2014 \u65e5\u672c \U0001f600"


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("form", FORMS)
def test_utf8_and_utf16_in_every_legal_form_import_the_same_text(
    blog: Blog, write_file: Any, importer: Importer, form: str
) -> None:
    data = legal_forms(DOCUMENTS[importer](TITLE))[form]
    importer(blog, write_file(data), now=NOW)
    assert list(Post.objects.filter(blog=blog).values_list("title", flat=True)) == [TITLE]


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("form", FORMS)
def test_a_doctype_is_found_in_every_legal_form(
    blog: Blog, write_file: Any, importer: Importer, form: str
) -> None:
    data = legal_forms(DOCUMENTS[importer]("&x;", ATTACK))[form]
    before = snapshot(blog)
    with pytest.raises(UnsafeXMLError, match="DOCTYPE"):
        importer(blog, write_file(data), now=NOW)
    assert snapshot(blog) == before


def test_bytes_that_are_not_utf8_are_malformed_with_their_place(
    blog: Blog, write_file: Any
) -> None:
    data = blogger("Caf\u00e9").encode("latin-1")  # undeclared, so it must be UTF-8
    with pytest.raises(MalformedXMLError, match="not valid UTF-8"):
        import_blogger(blog, write_file(data), now=NOW)


@pytest.mark.parametrize("size", [1, 7, 4096, 65536])
def test_long_utf16_text_reads_whole_across_every_read_size(size: int) -> None:
    # Characters of 2, 3 and 4 bytes fall across the 64 KiB chunk boundary somewhere.
    title = "\u00e9\u65e5\U0001f600" * 30000
    data = BOM16LE + blogger(title).encode("utf-16-le")
    source = SafeXMLSource(io.BytesIO(data))
    text = b"".join(iter(lambda: source.read(size), b""))
    assert title.encode() in text
    assert source.bytes_read == len(data)


def test_what_the_parser_gets_carries_no_encoding_it_could_obey() -> None:
    data = BOM16BE + declared("UTF-16", blogger("x")).encode("utf-16-be")
    source = SafeXMLSource(io.BytesIO(data))
    head = source.read(200)
    assert head.startswith(b'<?xml version="1.0"?><feed')
    assert [e.tag for e in iter_elements(SafeXMLSource(io.BytesIO(data)), ["{*}title"])] == [
        f"{{{ATOM}}}title"
    ]


# A declaration naming its encoding twice: the check read the first name, the parser obeyed
# the second, and a DOCTYPE written in UTF-7 inside a comment reached lxml.


# In UTF-7, "-->" closes the comment the UTF-8 reading is still inside; the entity's
# declaration follows, and "<!--" opens a comment the literal "-->" closes again.
def utf7(text: str) -> str:
    """`text` in UTF-7 with every mark in its base64 form (Python's codec leaves `<` and `>`
    as they are, which UTF-7 allows and an attacker need not)."""
    return "".join(
        char
        if char.isalnum() or char == " "
        else f"+{b64encode(char.encode('utf-16-be')).decode().rstrip('=')}-"
        for char in text
    )


HIDDEN_UTF7 = "<!-- " + utf7(f"--> {ATTACK} <!--") + " -->"


@pytest.mark.parametrize("importer", IMPORTERS, ids=lambda f: f.__name__)
def test_a_doctype_behind_a_second_encoding_is_refused(
    blog: Blog, write_file: Any, importer: Importer
) -> None:
    head = '<?xml version="1.0" encoding="UTF-8" encoding="UTF-7"?>'
    data = (head + HIDDEN_UTF7 + DOCUMENTS[importer]("&x;")).encode()
    before = snapshot(blog)

    with pytest.raises(MalformedXMLError, match="names its encoding more than once"):
        importer(blog, write_file(data), now=NOW)

    assert snapshot(blog) == before


LABELS = ["UTF-8", "utf-8", "UTF8", "UTF-16", "UTF-7", "UTF-32", "ISO-8859-1", "cp500", "x"]


@hypothesis.settings(max_examples=300, derandomize=True, database=None, deadline=None)
@hypothesis.given(
    labels=st.lists(st.sampled_from(LABELS), min_size=1, max_size=3),
    spaces=st.lists(st.sampled_from([" ", "\t", "\r\n", "  "]), min_size=6, max_size=6),
    quote=st.sampled_from(["'", '"']),
    before=st.sampled_from(["", "\ufeff", " ", "\ufeff\ufeff"]),
    standalone=st.booleans(),
)
def test_the_parser_never_gets_an_encoding_to_obey(
    labels: list[str], spaces: list[str], quote: str, before: str, standalone: bool
) -> None:
    # However many encodings a declaration names, and however it is spaced: the file is
    # refused, or what lxml reads declares none, so it reads the UTF-8 the checks read.
    named = "".join(
        f"{spaces[n]}encoding{spaces[n + 1][:1]}={spaces[n + 2][:1]}{quote}{label}{quote}"
        for n, label in enumerate(labels)
    )
    alone = f"{spaces[5]}standalone={quote}yes{quote}" if standalone else ""
    text = f"{before}<?xml version={quote}1.0{quote}{named}{alone}?>" + HIDDEN_UTF7 + "<feed/>"
    try:
        source = SafeXMLSource(io.BytesIO(text.encode()))
    except (WrongFormatError, MalformedXMLError, UnsafeXMLError):
        return
    assert len(labels) == 1
    handed = b"".join(iter(lambda: source.read(1 << 16), b"")).decode()
    assert "encoding" not in handed[: handed.index("?>")]
    if before in ("", "\ufeff"):  # after a second BOM or a space, lxml refuses the declaration
        assert [e.tag for e in iter_elements(SafeXMLSource(io.BytesIO(text.encode())), ["feed"])]
