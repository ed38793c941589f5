"""A readable difference between two versions of a text, for the revision history.

Lines are compared first (difflib); where a run of lines was replaced by as many new lines,
each pair is compared word by word, so that a changed word in a long paragraph stands out
instead of the whole paragraph showing as removed and added again. Long unchanged stretches
are folded, leaving a little context around each change.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

CONTEXT = 2
_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    text: str
    changed: bool = False


@dataclass(frozen=True)
class Line:
    kind: str  # "same", "added", "removed" or "fold" (a run of unchanged lines left out)
    pieces: list[Piece] = field(default_factory=list)
    folded: int = 0


def diff_lines(old: str, new: str) -> list[Line]:
    """`old` → `new` as lines to show, with folded context. Empty when nothing changed."""
    before, after = old.splitlines(), new.splitlines()
    lines: list[Line] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines.extend(Line("same", [Piece(text)]) for text in before[i1:i2])
        elif tag == "replace" and i2 - i1 == j2 - j1:
            for old_line, new_line in zip(before[i1:i2], after[j1:j2], strict=True):
                lines.extend(_word_pair(old_line, new_line))
        else:
            lines.extend(Line("removed", [Piece(text)]) for text in before[i1:i2])
            lines.extend(Line("added", [Piece(text)]) for text in after[j1:j2])
    if all(line.kind == "same" for line in lines):
        return []
    return _fold(lines)


def _word_pair(old_line: str, new_line: str) -> list[Line]:
    old_words, new_words = _WORDS.findall(old_line), _WORDS.findall(new_line)
    removed: list[Piece] = []
    added: list[Piece] = []
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        same = tag == "equal"
        if i2 > i1:
            removed.append(Piece("".join(old_words[i1:i2]), changed=not same))
        if j2 > j1 and not same:
            added.append(Piece("".join(new_words[j1:j2]), changed=True))
        elif same:
            added.append(Piece("".join(new_words[j1:j2])))
    return [Line("removed", _coalesce(removed)), Line("added", _coalesce(added))]


def _coalesce(pieces: list[Piece]) -> list[Piece]:
    """Join neighbouring pieces; a space between two changed words counts as changed, so
    "climb well." reads as one change rather than two."""
    for index in range(1, len(pieces) - 1):
        piece = pieces[index]
        between_changes = pieces[index - 1].changed and pieces[index + 1].changed
        if between_changes and not piece.changed and not piece.text.strip():
            pieces[index] = Piece(piece.text, changed=True)
    joined: list[Piece] = []
    for piece in pieces:
        if joined and joined[-1].changed == piece.changed:
            joined[-1] = Piece(joined[-1].text + piece.text, piece.changed)
        else:
            joined.append(piece)
    return joined


def _fold(lines: list[Line]) -> list[Line]:
    near_change = [False] * len(lines)
    for index, line in enumerate(lines):
        if line.kind != "same":
            for near in range(max(0, index - CONTEXT), min(len(lines), index + CONTEXT + 1)):
                near_change[near] = True
    folded: list[Line] = []
    run = 0
    for line, keep in zip(lines, near_change, strict=True):
        if keep:
            if run:
                folded.append(Line("fold", folded=run))
                run = 0
            folded.append(line)
        else:
            run += 1
    if run:
        folded.append(Line("fold", folded=run))
    return folded
