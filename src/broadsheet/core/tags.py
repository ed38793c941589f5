"""Finding start tags in an author's raw HTML in linear time, for the rewrites that run before
the sanitiser (`embeds`, `presentation`).

A regex that looks for a tag's closing ">" from every "<" reads to the end of the text each
time a tag never closes, so a body of 20,000 `<iframe "` took minutes (issue 12's concern).
Here each tag's rest is matched possessively, and the first tag that never closes ends the
search: a browser's tokenizer reads everything after it as part of that tag, so no tag
follows it anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# The rest of a start tag; quoted values may hold ">". The alternatives begin with different
# characters and the star gives nothing back, so a failed match costs one pass; each takes
# a run of characters at once, not one per step (issue 12).
_REST = re.compile(r"""(?:[^"'>]++|"[^"]*+"|'[^']*+')*+>""")
ANY = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")


@dataclass(frozen=True)
class Tag:
    start: int
    end: int
    name: str  # lower-case
    text: str  # the whole start tag, "<" to ">"


def start_tags(markup: str, opening: re.Pattern[str] = ANY) -> Iterator[Tag]:
    """Each start tag whose beginning `opening` matches (group 1: the name), in order; stops
    at the first one that never closes."""
    position = 0
    while (found := opening.search(markup, position)) is not None:
        rest = _REST.match(markup, found.end())
        if rest is None:
            return
        text = markup[found.start() : rest.end()]
        yield Tag(found.start(), rest.end(), found.group(1).lower(), text)
        position = rest.end()
