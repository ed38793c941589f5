"""The bound on a body's size counts UTF-8 bytes, as the body is stored and sent (issue 12)."""

from __future__ import annotations

import pytest

from broadsheet.posts.size import body_problem


@pytest.mark.parametrize(
    ("source", "fits"),
    [
        ("x" * 1000, True),
        ("x" * 1001, False),
        ("é" * 500, True),  # 1,000 bytes
        ("é" * 501, False),  # 501 characters, 1,002 bytes
        ("\U0001f600" * 250, True),
        ("\U0001f600" * 251, False),
        ("\ud800" * 300, True),  # a lone surrogate counts as one byte, never an error
    ],
)
def test_a_body_fits_when_its_utf8_bytes_do(source: str, fits: bool, settings) -> None:
    settings.MAX_POST_BYTES = 1000
    problem = body_problem(source)
    assert (problem is None) == fits
    assert fits or "at most 1,000 bytes" in problem
