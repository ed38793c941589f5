"""Every hostile payload in the shared corpora, through both formats, must come out safe.

The corpora live beside the repository (`shared/corpora`); CI clones elsewhere and points
BROADSHEET_CORPORA at them. A missing folder fails the run: a security suite that quietly
skips is worse than none.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from broadsheet.core.markup import HTML, MARKDOWN, render

from .test_markup import assert_safe

Payload = tuple[str, str]  # (readable id "file:line", payload)


def _corpora_dir() -> Path:
    beside_repo = Path(__file__).resolve().parents[3] / "shared" / "corpora"
    folder = Path(os.environ.get("BROADSHEET_CORPORA") or beside_repo)
    if not folder.is_dir():
        raise RuntimeError(f"security corpora not found at {folder}; set BROADSHEET_CORPORA")
    return folder


CORPORA = _corpora_dir()


def _label(path: Path, line: int | None = None) -> str:
    name = path.relative_to(CORPORA).as_posix()
    return name if line is None else f"{name}:{line}"


def _per_line(path: Path) -> Iterator[Payload]:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield _label(path, number), line


def _html5sec_blocks(path: Path) -> Iterator[Payload]:
    # Each vector is wrapped in <div id="N">; N counts up from 1, which tells the wrappers
    # apart from ids inside the payloads themselves.
    text = path.read_text(encoding="utf-8")
    starts, expected = [], 1
    for match in re.finditer(r'<div id="(\d+)">', text):
        if int(match.group(1)) == expected:
            starts.append((expected, match.start()))
            expected += 1
    ends = [start for _, start in starts[1:]] + [len(text)]
    for (number, start), end in zip(starts, ends, strict=True):
        yield f"{_label(path)}#{number}", text[start:end]


def _markdown_it_fixtures(path: Path) -> Iterator[Payload]:
    # Fixture format: ".", input lines, ".", expected lines, "."; prose between cases.
    lines = path.read_text(encoding="utf-8").splitlines()
    dots = [index for index, line in enumerate(lines) if line == "."]
    for opening, closing in zip(dots[0::3], dots[1::3], strict=False):
        yield _label(path, opening + 2), "\n".join(lines[opening + 1 : closing])


def _bleach_input(path: Path) -> Iterator[Payload]:
    text = path.read_text(encoding="utf-8")
    yield _label(path), text.split("\n--\n", 1)[0]


def _whole_file(path: Path) -> Iterator[Payload]:
    yield _label(path), path.read_text(encoding="utf-8")


def _all_payloads() -> list[Payload]:
    sources = [
        *((_per_line, path) for path in sorted(CORPORA.glob("xss/*.txt"))),
        (_html5sec_blocks, CORPORA / "html5sec" / "vectors.txt"),
        (_markdown_it_fixtures, CORPORA / "markdown" / "markdown-it_xss.txt"),
        (_per_line, CORPORA / "markdown" / "payloadsallthethings_markdown_xss.txt"),
        *((_bleach_input, path) for path in sorted(CORPORA.glob("sanitizer/bleach/*.test"))),
        *((_whole_file, path) for path in sorted(CORPORA.glob("xss/svg/*.svg"))),
    ]
    return [payload for reader, path in sources for payload in reader(path)]


PAYLOADS = _all_payloads()


def test_every_corpus_is_present_and_read() -> None:
    # Guards against a renamed file or a broken reader silently shrinking the suite.
    labels = {label.split(":")[0].split("#")[0] for label, _ in PAYLOADS}
    assert len(labels) == 12 + 1 + 2 + 20 + 8
    assert sum(label.startswith("html5sec/") for label, _ in PAYLOADS) == 139
    assert len(PAYLOADS) > 2000


# Both formats in one case: half the test items keeps the suite quick under pytest-django.
@pytest.mark.parametrize(("label", "payload"), PAYLOADS, ids=[label for label, _ in PAYLOADS])
def test_corpus_payload_renders_safely_in_both_formats(label: str, payload: str) -> None:
    assert_safe(render(payload, MARKDOWN))
    assert_safe(render(payload, HTML))
