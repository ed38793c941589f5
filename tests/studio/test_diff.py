"""studio.diff: line and word differences, folded context."""

from __future__ import annotations

from broadsheet.studio.diff import diff_lines


def kinds(lines):
    return [line.kind for line in lines]


def test_no_change_is_no_diff():
    assert diff_lines("a\nb", "a\nb") == []


def test_a_changed_word_is_marked_inside_its_line():
    removed, added = diff_lines("The beans climb well.", "The beans fall over.")
    assert kinds([removed, added]) == ["removed", "added"]
    assert [p.text for p in removed.pieces if p.changed] == ["climb well."]
    assert [p.text for p in added.pieces if p.changed] == ["fall over."]
    assert "".join(p.text for p in added.pieces) == "The beans fall over."


def test_added_and_removed_lines():
    assert kinds(diff_lines("a\nb", "a\nb\nc")) == ["same", "same", "added"]
    assert kinds(diff_lines("a\nb\nc", "a")) == ["same", "removed", "removed"]


def test_long_unchanged_stretches_fold():
    old = "\n".join(f"line {n}" for n in range(20))
    lines = diff_lines(old, old.replace("line 10", "line ten"))
    assert kinds(lines) == ["fold", "same", "same", "removed", "added", "same", "same", "fold"]
    assert (lines[0].folded, lines[-1].folded) == (8, 7)
