"""The hostile payloads of the shared corpora, read at run time, and fillers that spread them
over text inputs.

The corpora live beside the repository (`shared/corpora`) or where BROADSHEET_CORPORA says. A
missing folder fails the run: a security suite that quietly checks nothing is worse than none.

Payload sources: every line of `xss/*.txt`, every vector of `html5sec/vectors.txt` (each
wrapped in its `<div id="N">`), every input of `markdown/markdown-it_xss.txt` and the lines of
`markdown/payloadsallthethings_markdown_xss.txt`, and the input half of every
`sanitizer/bleach/*.test`. Payloads are used as they are: nothing is rewritten, so a payload
that calls `alert(1)` is caught by the browser test's dialog trap.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def corpora() -> Path:
    folder = Path(os.environ.get("BROADSHEET_CORPORA") or REPO.parent / "shared" / "corpora")
    if not (folder / "xss").is_dir():
        raise RuntimeError(f"security corpora not found at {folder}; set BROADSHEET_CORPORA")
    return folder


@dataclass(frozen=True)
class Payload:
    where: str  # "xss/RSNAKE_XSS.txt:12": the file and line it came from
    text: str


def _lines(path: Path, root: Path) -> Iterator[Payload]:
    name = path.relative_to(root).as_posix()
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield Payload(f"{name}:{number}", line)


def _html5sec(path: Path, root: Path) -> Iterator[Payload]:
    # The wrappers count up from 1; ids inside payloads do not, which tells them apart.
    text = path.read_text(encoding="utf-8", errors="replace")
    starts, expected = [], 1
    for match in re.finditer(r'<div id="(\d+)">', text):
        if int(match.group(1)) == expected:
            starts.append(match.start())
            expected += 1
    ends = [*starts[1:], len(text)]
    name = path.relative_to(root).as_posix()
    for number, (start, end) in enumerate(zip(starts, ends, strict=True), start=1):
        yield Payload(f"{name}#{number}", text[start:end].strip())


def _markdown_it(path: Path, root: Path) -> Iterator[Payload]:
    # Fixture format: a line ".", the input, ".", the expected HTML, "."; prose between.
    lines = path.read_text(encoding="utf-8").splitlines()
    dots = [index for index, line in enumerate(lines) if line == "."]
    name = path.relative_to(root).as_posix()
    for opening, closing in zip(dots[0::3], dots[1::3], strict=False):
        yield Payload(f"{name}:{opening + 2}", "\n".join(lines[opening + 1 : closing]))


def _bleach(path: Path, root: Path) -> Iterator[Payload]:
    text = path.read_text(encoding="utf-8")
    yield Payload(path.relative_to(root).as_posix(), text.split("\n--\n", 1)[0].strip())


@cache
def payloads() -> tuple[Payload, ...]:
    """Every payload, each distinct text once (the first file that has it names it)."""
    root = corpora()
    found: list[Payload] = []
    for path in sorted(root.glob("xss/*.txt")):
        found += _lines(path, root)
    found += _html5sec(root / "html5sec" / "vectors.txt", root)
    found += _markdown_it(root / "markdown" / "markdown-it_xss.txt", root)
    found += _lines(root / "markdown" / "payloadsallthethings_markdown_xss.txt", root)
    for path in sorted(root.glob("sanitizer/bleach/*.test")):
        found += _bleach(path, root)
    unique: dict[str, Payload] = {}
    for payload in found:
        unique.setdefault(payload.text, payload)
    return tuple(unique.values())


def chunks(items: tuple[Payload, ...], size: int) -> list[tuple[Payload, ...]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def fit(text: str, limit: int) -> str:
    """A payload cut to a field's length limit (the cut is itself a hostile string)."""
    return text[:limit]


def one_line(text: str) -> str:
    """Single-line inputs (names, labels) lose line breaks the way their forms would."""
    return " ".join(text.split())
