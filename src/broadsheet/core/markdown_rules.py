"""markdown-it rules that keep rendering linear in the shape of the source (issue 12).

markdown-it-py tries every inline rule at every character that could start one ("[", "&",
"<", ">"...), and a link label is searched for from every "[": a line of 100,000 "[" took
half a minute. `plain_run` takes, in one step, a run of characters that no rule can start at
that place; what it takes is plain text either way, so the output is unchanged. `deep_as_text`
keeps the text of blocks nested past markdown-it's limit, which markdown-it drops.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

# markdown-it's CommonMark default. Its link parsing costs grow with it, so it stays; blocks
# nested deeper are kept as text by `deep_as_text`.
MARKDOWN_NESTING = 20

# Characters that stop markdown-it's text rule although no inline rule we use starts with
# them (bare-URL links start at ":"; www. and e-mail links are found after inline parsing).
_INERT = re.compile(r"[#$%+\-=>@\]{}]++")
# "&" that starts no entity, "<" that starts no autolink, e-mail autolink or inline HTML.
_BARE_AMPERSANDS = re.compile(r"(?:&(?![A-Za-z0-9#]))++")
_BARE_ANGLES = re.compile(r"(?:<(?![A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]))++")
_OPEN_BRACKETS = re.compile(r"\[++")


def use(md: MarkdownIt) -> None:
    """Install both rules on `md`, ahead of the rules whose work they save."""
    md.block.ruler.before("table", "deep_as_text", deep_as_text)
    md.inline.ruler.before("text", "plain_run", plain_run)


def plain_run(state: StateInline, silent: bool) -> bool:
    """Take a run of characters no inline rule can start with as text."""
    found = _run_at(state)
    if found is None:
        return False
    if not silent:
        _append_pending(state, found.group(0))
    state.pos = found.end()
    return True


def _append_pending(state: StateInline, text: str) -> None:
    # markdown-it-py 4 buffers pending text; "+=" on it would copy the whole run each time.
    append = getattr(state, "append_pending", None)
    if append is None:
        state.pending += text
    else:
        append(text)


def _run_at(state: StateInline) -> re.Match[str] | None:
    start, end, char = state.pos, state.posMax, state.src[state.pos]
    if char == "&":
        return _BARE_AMPERSANDS.match(state.src, start, end)
    if char == "<":
        return _BARE_ANGLES.match(state.src, start, end)
    if char == "[" and _last_closing_bracket(state) < start:
        return _OPEN_BRACKETS.match(state.src, start, end)  # no label can end: no link
    return _INERT.match(state.src, start, end)


def _last_closing_bracket(state: StateInline) -> int:
    # Kept on the state, which lives for one inline run: one search per run, not per "[".
    last: int | None = getattr(state, "_broadsheet_last_bracket", None)
    if last is None:
        last = state.src.rfind("]", 0, state.posMax)
        setattr(state, "_broadsheet_last_bracket", last)  # noqa: B010 - not a declared field
    return last


def deep_as_text(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Past its nesting limit markdown-it drops the rest of a block without a word; a
    writer's text must not vanish, so the deep rest becomes one paragraph, markers shown."""
    # Two below the limit: a list opens two levels (list, item) before reading its item.
    if state.level < MARKDOWN_NESTING - 2:
        return False
    if not silent:
        state.push("paragraph_open", "p", 1).map = [start, end]
        inline = state.push("inline", "", 0)
        inline.content = state.getLines(start, end, state.blkIndent, False).strip()
        inline.map = [start, end]
        inline.children = []
        state.push("paragraph_close", "p", -1)
    state.line = end
    return True
