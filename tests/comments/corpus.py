"""Every XSS payload in the shared corpora (xss/, html5sec/, markdown/), read at run time.

The corpora live beside the repository (`shared/corpora`) or where BROADSHEET_CORPORA says;
a missing folder fails the run, since a security test that quietly checks nothing is worse
than none.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def corpora() -> Path:
    folder = Path(os.environ.get("BROADSHEET_CORPORA") or REPO.parent / "shared" / "corpora")
    if not folder.is_dir():
        raise RuntimeError(f"security corpora not found at {folder}; set BROADSHEET_CORPORA")
    return folder


def payloads() -> list[str]:
    """Distinct payloads: a line of each xss/ list, each html5sec vector, each Markdown case."""
    root = corpora()
    found: list[str] = []
    for path in sorted(root.glob("xss/*.txt")):
        found += path.read_text(encoding="utf-8", errors="replace").splitlines()
    vectors = (root / "html5sec" / "vectors.txt").read_text(encoding="utf-8", errors="replace")
    found += re.split(r'(?=<div id="\d+">)', vectors)
    for path in sorted(root.glob("markdown/*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        found += re.split(r"^\.$", text, flags=re.MULTILINE)
    return list(dict.fromkeys(p.strip() for p in found if p.strip()))


DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcdoc", "background"}


class Inspector(HTMLParser):
    """Collects what would make a page run someone else's script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            found = dict(attrs)
            # A JSON-LD block is data the browser never runs (the page's link-preview metadata).
            if found.get("type") != "application/ld+json":
                self.scripts.append(found.get("src") or "(inline)")
        if tag in ("iframe", "object", "embed", "base", "style", "svg", "math"):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag}[{name}]")
            cleaned = re.sub(r"[\x00-\x20]", "", (value or "")).lower()
            if name in URL_ATTRIBUTES and cleaned.startswith(DANGEROUS_SCHEMES):
                self.problems.append(f"{tag}[{name}={value!r}]")


def inspect(html: str) -> Inspector:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector
