"""How long a post's or page's body may be (issue 12).

Rendering is linear in the body's size whatever its shape, but not free: the worst shapes of
a megabyte cost a few seconds of CPU (bench/RESULTS.md). Nothing but Django's request size
bounded a body before, so every way in (the editor, its autosave and preview, the APIs)
refuses one longer than `settings.MAX_POST_BYTES` (BROADSHEET_MAX_POST_BYTES) with a clear
message, counted in UTF-8 bytes as it is stored and sent.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError


def body_problem(source: str) -> str | None:
    """Why `source` is too long for a body, or None when it fits."""
    limit = settings.MAX_POST_BYTES
    # Four bytes a character at most: most bodies are judged without encoding them.
    if len(source) * 4 <= limit:
        return None
    size = len(source) if len(source) > limit else len(source.encode("utf-8", "replace"))
    if size <= limit:
        return None
    return f"A body can be at most {limit:,} bytes; this one has {size:,} or more."


def validate_body(source: str) -> None:
    """`body_problem` as a form field validator."""
    problem = body_problem(source)
    if problem is not None:
        raise ValidationError(problem, code="too_long")
