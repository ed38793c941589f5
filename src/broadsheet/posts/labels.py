"""How many labels one post may carry, and the case-folded form label addresses are matched by.

Blogger's limits, kept so that every post here can go back to Blogger whole (`blogger_export`)
and so that a post's label line stays a line: at most 20 labels, and at most 200 characters
for all of them written out as Blogger's editor shows them ("a, b, c": the commas and spaces
count). A post imported with more keeps its first labels up to both limits; the rest are
named in the import's report. Blogger documents neither number on a help page of its own;
its editor refuses a 21st label, and its message for the second limit, "You have too many
labels, or the total length of your labels is too great", is recorded with the 200-character
count at blogging.nitecruzr.net/2007/10/new-blogger-limits-labels.html.
"""

from __future__ import annotations

from collections.abc import Iterable

MAX_PER_POST = 20
MAX_CHARACTERS = 200
SEPARATOR = ", "


def fold(name: str) -> str:
    """The form two names share when they are one label to a reader: Unicode case folding
    (`Straße` and `STRASSE` match, as do `Σ` and `ς`), which SQL's lower() does not do (SQLite
    lowers ASCII only, PostgreSQL depends on the collation), so it is stored, not computed."""
    return name.casefold()


def problem(names: Iterable[str]) -> str | None:
    """Why these labels cannot go on one post, or None when they can."""
    names = list(names)
    if len(names) > MAX_PER_POST:
        return f"A post can have at most {MAX_PER_POST} labels; this one has {len(names)}."
    length = len(SEPARATOR.join(names))
    if length > MAX_CHARACTERS:
        return (
            f"A post's labels can be at most {MAX_CHARACTERS} characters together, commas"
            f" included; these are {length}."
        )
    return None


def within_bounds(names: Iterable[str]) -> tuple[list[str], list[str]]:
    """The first labels that fit on one post, and the ones that do not (for imports)."""
    kept: list[str] = []
    dropped: list[str] = []
    for name in names:
        if problem([*kept, name]) is None:
            kept.append(name)
        else:
            dropped.append(name)
    return kept, dropped
