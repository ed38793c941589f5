"""Hostile payloads from the shared corpora, as post text and as queries.

The corpora live beside the repository (`shared/corpora`); CI points BROADSHEET_CORPORA at
them. A missing folder fails the run: a security test that quietly skips is worse than none.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from broadsheet.blogs.models import Blog
from tests.conftest import MakePost

from .test_queries import search

pytestmark = pytest.mark.django_db


def _corpora_dir() -> Path:
    beside_repo = Path(__file__).resolve().parents[3] / "shared" / "corpora"
    folder = Path(os.environ.get("BROADSHEET_CORPORA") or beside_repo)
    if not folder.is_dir():
        raise RuntimeError(f"security corpora not found at {folder}; set BROADSHEET_CORPORA")
    return folder


XSS_FILE = _corpora_dir() / "xss" / "xss_payloads_quick.txt"
# One per non-blank line, named by its line number.
PAYLOADS = [
    pytest.param(line, id=f"xss-{number}")
    for number, line in enumerate(XSS_FILE.read_text(encoding="utf-8").splitlines(), start=1)
    if line
]


def test_the_payload_file_is_read() -> None:
    # Guards against a renamed or emptied file shrinking the tests below to nothing.
    assert len(PAYLOADS) >= 30


@pytest.mark.parametrize("payload", PAYLOADS)
def test_snippet_never_carries_markup_from_a_post(
    make_post: MakePost, blog: Blog, payload: str
) -> None:
    post = make_post(title="Payload", source=f"marigold\n\n```\n{payload}\n```\n")
    assert payload in post.text
    (hit,), _ = search(blog, "marigold")
    assert not re.search(r"[<>]", hit.snippet_html.replace("<mark>", "").replace("</mark>", ""))


@pytest.mark.parametrize("query", PAYLOADS)
def test_payload_queries_return_without_error(make_post: MakePost, blog: Blog, query: str) -> None:
    make_post(title="Garden weather", source="Rain on the garden, title and text.")
    hits, more = search(blog, query)
    assert isinstance(hits, list)
    assert more is False
