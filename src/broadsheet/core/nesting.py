"""Bound how deeply HTML nests before the HTML5 parser sees it (issue 12).

The HTML5 tree builder (html5ever inside nh3, and every browser's) walks the stack of open
elements on most block start tags ("is there a <p> in button scope?"), so a document that keeps
N elements open costs N steps per tag: 40,000 nested <div>s took seconds. This pass keeps the
open depth at or under `MAX_DEPTH`: start tags that would go deeper are left out, with their end
tags, and their text stays where it was. Everything else reaches the parser as written.

To count depth the way the parser will, the pass follows the parts of the HTML5 tree rules that
close elements (a new <p>, <li> or cell closes the old one, end tags close what they match
unless a scope boundary or special element is in the way) and keeps the parser's list of active
formatting elements: one a block closed counts until the parser opens a copy of it at the next
text or phrasing tag, and the copy is then an open element like any other, closed with its
block; at most three alike stay listed ("Noah's Ark"), but one pushed off the list stays open.
Where it cannot tell (the adoption agency moving an element past a block), it counts the element
as still open: a wrong guess drops a wrapper from a very deep document, never lets depth through.
Past the limit, a run of a few bare start tags repeated, or of one end tag closing left-out
elements, is counted in one step, so a deep document costs what a flat one does.

Those copies are the parser's own, and left unchecked they multiply the input: a paragraph
that leaves a different `<b class="cN">` open each time has the parser copy every one of them
(up to the depth limit) into each paragraph after it, so 100 KB came out as 7.4 MB (issue 12).
The copies' tags may add up to `REOPEN_BUDGET` times the input's size and `REOPEN_ALLOWANCE`
(which no ordinary post reaches: a few unclosed `<font>` or `<b>` across its paragraphs keep
their copies). Past it, the pass writes an end tag for each element the parser would copy,
just before the text or tag that would copy it: for an element listed but no longer open,
the parser reads that as "forget it", so the element ends where its block ended.

The parser must tokenize the text as this pass did, so the pass removes what would switch the
tokenizer into another state, all of it dropped by the sanitiser anyway: comments, doctypes,
script/style-like elements with their content, svg and math; <textarea>, <title> and
<plaintext> content becomes the escaped text the sanitiser would have kept; a "<" that ends a
run of text becomes "&lt;", so removing something can never join two pieces into a new tag.
"""

from __future__ import annotations

import html as html_lib
import re
from bisect import bisect_left, insort
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from html.entities import html5 as _ENTITIES
from itertools import accumulate, chain, islice

# Past this many open elements, wrappers go (the text stays). Deeper than any real post: the
# HTML spec's own parsers (Blink) re-parent past 512.
MAX_DEPTH = 100

# What the parser's copies of formatting elements a block left open (see `_Bounder._reopen`)
# may add to the document, in characters of their tags: this many times the input, and a
# fixed allowance for short posts. Past it, such elements are closed where their block ends.
REOPEN_BUDGET = 3
REOPEN_ALLOWANCE = 32_768

_ATTRS = (
    r"(?:[\t\n\f\r /]|[^\t\n\f\r />][^\t\n\f\r /=>]*+"
    r"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?:\"[^\"]*+(?:\"|\Z)|'[^']*+(?:'|\Z)|[^\t\n\f\r >]*+))?+)*+"
)
# One token of the HTML5 tokenizer in its data state: text, a tag, or something to remove.
_TOKEN = re.compile(
    r"(?P<text>(?:[^<]++|<+(?![A-Za-z/!?]))++)"
    rf"|<(?P<end>/?)(?P<name>[A-Za-z][^\t\n\f\r />]*+){_ATTRS}>"
    r"|(?P<comment><!--)"  # its end is looked for apart (`_Bounder._comment`)
    r"|(?P<junk></>|<[!?/][^>]*+>)"
    r"|(?P<rest><.*)",
    re.DOTALL,
)
_COMMENT_END = re.compile(r"--!?>")
_ATTRIBUTE = re.compile(
    r"[\t\n\f\r /]*+([^\t\n\f\r />][^\t\n\f\r /=>]*+)"
    r"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(\"[^\"]*+\"|'[^']*+'|[^\t\n\f\r >]*+))?+"
)
_REFERENCE = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z0-9]+;?)")
REFERENCES_PER_NODE = 256
# A reference the parser would read as the same character written bare: "&" that starts no
# reference, "<" that starts no tag, comment or end tag. The lookahead wants a character in the
# same text, as what follows the text may be taken out before the parser sees it.
_BARE_AMP = re.compile(r"&amp;(?=[^A-Za-z0-9#])")
_BARE_LT = re.compile(r"&lt;(?=[^A-Za-z/!?])")
# The other way round, on decoded text: the "&" and "<" that need their reference.
_AMBIGUOUS_AMP = re.compile(r"&(?=[A-Za-z0-9#]|\Z)")
_AMBIGUOUS_LT = re.compile(r"<(?=[A-Za-z/!?]|\Z)")
# Up to the REFERENCES_PER_NODE-th "&" of a stretch: one C-level substitution per node.
_BEFORE_NTH_AMPERSAND = re.compile(rf"(?:[^&]*+&){{{REFERENCES_PER_NODE - 1}}}[^&]*+(?=&)")
_SANITISED_TAG_OR_TEXT = re.compile(r'(<[^"<>]*(?:"[^"]*"[^"<>]*)*>)|([^<]+)')
# More attributes than any allowed tag can carry (img has 12); past them the parser's
# duplicate check grows with the square of their number.
MAX_ATTRIBUTES = 64
_CLOSE_RAW = {name: re.compile(rf"</{name}[\t\n\f\r />]", re.I) for name in (
    "script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title",
)}  # fmt: skip
_DROP_RAW = {"script", "style", "xmp", "iframe", "noembed", "noframes"}
_KEEP_RAW = {"textarea", "title"}
_DROP_NESTED = {"noscript", "template", "object", "applet", "frameset", "svg", "math"}
_DROP_TAG = {"embed", "frame", "select", "html", "head", "body"}
_VOID = {
    *("area", "base", "basefont", "bgsound", "br", "col", "embed", "hr", "image", "img"),
    *("input", "keygen", "link", "meta", "param", "source", "track", "wbr"),
}
_FORMATTING = {
    *("a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong"),
    *("tt", "u"),
}
_SCOPE = {"applet", "caption", "html", "table", "td", "th", "marquee", "object", "template"}
_SPECIAL = {
    *_SCOPE,
    *("address", "article", "aside", "blockquote", "button", "center", "colgroup", "dd"),
    *("details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure"),
    *("footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "li"),
    *("listing", "main", "menu", "nav", "ol", "p", "pre", "search", "section", "summary"),
    *("tbody", "tfoot", "thead", "tr", "ul"),
}
_CLOSES_P = {
    *("address", "article", "aside", "blockquote", "center", "details", "dialog", "dir"),
    *("div", "dl", "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "main"),
    *("menu", "nav", "ol", "p", "search", "section", "summary", "ul", "pre", "listing"),
    *("form", "table", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dd", "dt"),
}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SECTIONS = {"tbody", "thead", "tfoot"}
_TABLE_PARTS = {"caption", "colgroup", "td", "th", "tr", *_SECTIONS}
# Start tags before which the tree builder may close something.
_RUBY = {"rb", "rtc", "rp", "rt"}
_CLOSES_SOMETHING = {
    *_CLOSES_P,
    "td",
    "th",
    "tr",
    *_SECTIONS,
    "option",
    "optgroup",
    "button",
    *_RUBY,
}
# What the parser's "generate implied end tags" closes from the top of its stack.
_IMPLIED_ENDS = {"dd", "dt", "li", "optgroup", "option", "p", *_RUBY}
# Start tags that need more than counting.
_UNUSUAL = {*_DROP_RAW, *_KEEP_RAW, "plaintext", *_DROP_NESTED, *_DROP_TAG, *_TABLE_PARTS, *_VOID}
# Elements the parser opens with a marker in its list of active formatting elements (the
# bound drops applet, object and template); closing one clears the list back to its marker.
_MARKS = {"td", "th", "caption", "marquee"}
_CELLS = {"td", "th", "caption"}
# Start tags before which the parser does not reopen closed formatting elements ("in body":
# the block starts, headings, list items, tables, and what it ignores or reads elsewhere).
_NO_REOPEN = {
    *_CLOSES_P, *_TABLE_PARTS, "col", "hr", "textarea", "iframe", "noembed", "noscript",
    *("plaintext", "param", "source", "track", "rb", "rtc", "rp", "rt", "html", "body", "head"),
    *("frameset", "frame", "base", "basefont", "bgsound", "link", "meta", "noframes"),
    *("script", "style", "template", "title"),
}  # fmt: skip
# Void elements the parser reopens closed formatting elements before (the rest do not).
_VOID_REOPENS = {"area", "br", "embed", "img", "image", "input", "keygen", "wbr"}
# Where the parser is "in table": whitespace there is inserted without reopening anything.
_TABLE_MODE = {"table", "tbody", "thead", "tfoot", "tr"}
_TABLE_ELEMENTS = (*sorted(_TABLE_MODE), "td", "th", "caption")
# The element classes whose positions the model keeps, so that "is X in scope" is O(1).
_CLASSES = {
    "scope": _SCOPE,
    "button": _SCOPE | {"button"},
    "list": _SCOPE | {"ol", "ul"},
    "table": {"html", "table", "template"},
    "special": _SPECIAL,
    "li-stop": _SPECIAL - {"address", "div", "p"},
    "heading": _HEADINGS,
    "cell": {"td", "th"},
    "section": _SECTIONS,
}


def bound_depth(
    html: str,
    limit: int = MAX_DEPTH,
    stand_ins: tuple[str, str] | None = None,
    as_text: tuple[re.Pattern[str], str] | None = None,
) -> str:
    """`html` with no element nested more than `limit` deep once parsed, its text all kept.

    Linear in the input; a document that nests no deeper comes back unchanged but for the
    removals listed in the module docstring (what the sanitiser would drop anyway).

    `stand_ins`, two characters that `html` does not hold, are written for every "&" and
    "<" of its text, decoded; the caller puts "&amp;" and "&lt;" back in the parser's output
    (`markup.sanitize`). The parser reads a bare "&" or "<" as a reference or tag that
    failed, many times slower than a letter, and then writes it back as "&amp;" or "&lt;"
    anyway: a run of them cost ten times a flat page (issue 12).

    `as_text`, a pattern and its replacement, names placeholder figures (`embeds.Deferred`)
    that may become text where the model proves the parser places text exactly where it
    places the figure (see `_Bounder._placed_as_text`)."""
    return _Bounder(limit, stand_ins, as_text).run(html)


@dataclass(eq=False)
class _Listed:
    """An entry of the parser's list of active formatting elements: a formatting element
    (its name, and its tag after the name as the key "Noah's Ark" compares) or a marker (name
    ""), with the position of its element on the stack: -1 once a block closed it, and the
    parser will open a copy at the next text or phrasing tag."""

    name: str
    key: str
    position: int
    alike: list[_Listed] = field(default_factory=list)  # those with its name and key


@dataclass
class _Stack:
    """The open elements as the parser will have them: (name, kept, tag) triples, with the positions
    of each name and of each element class, so that a scope check costs O(1)."""

    entries: list[tuple[str, bool, str]] = field(default_factory=list)
    kept: int = 0
    by_name: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_class: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def push(self, name: str, kept: bool, tag: str = "") -> None:
        position = len(self.entries)
        self.entries.append((name, kept, tag))
        self.kept += kept
        self.by_name[name].append(position)
        by_class = self.by_class
        for kind in _classes_of(name):
            by_class[kind].append(position)

    def push_left_out(self, names: list[str]) -> None:
        """`push(name, False)` for each of `names`, in order."""
        start = len(self.entries)
        self.entries.extend([(name, False, "") for name in names])
        by_name, by_class = self.by_name, self.by_class
        for position, name in enumerate(names, start):
            by_name[name].append(position)
            for kind in _classes_of(name):
                by_class[kind].append(position)

    def pop_to(self, position: int) -> list[tuple[str, bool, str]]:
        """Close the entry at `position` and everything above it; the closed entries."""
        closed = self.entries[position:]
        if len(closed) > 8:
            # Many at once (a paragraph that reopened a hundred formatting elements): each
            # index cut once, in C.
            del self.entries[position:]
            self.kept -= sum(kept for _, kept, _ in closed)
            names = {name for name, _, _ in closed}
            kinds = {kind for name in names for kind in _classes_of(name)}
            for index in chain(
                (self.by_name[name] for name in names), (self.by_class[kind] for kind in kinds)
            ):
                del index[bisect_left(index, position) :]
            return closed
        for name, kept, _ in reversed(closed):
            self.entries.pop()
            self.kept -= kept
            self.by_name[name].pop()
            for kind in _classes_of(name):
                self.by_class[kind].pop()
        return closed

    def push_run(self, unit: list[str], repeats: int) -> None:
        """Push the left-out elements `unit`, `repeats` times over, every index extended in
        C: past the limit, 40,000 nested tags were 40,000 Python pushes (issue 12)."""
        start, size = len(self.entries), len(unit) * repeats
        self.entries.extend([(name, False, "") for name in unit] * repeats)
        for name in set(unit):
            _extend(self.by_name[name], [other == name for other in unit], start, size)
        for kind in {kind for name in unit for kind in _classes_of(name)}:
            member = [kind in _classes_of(name) for name in unit]
            _extend(self.by_class[kind], member, start, size)

    def left_out_on_top(self, name: str, count: int) -> bool:
        """Whether the top `count` open elements are all left-out `name` elements."""
        return self.entries[-count:] == [(name, False, "")] * count

    def pop_left_out(self, name: str, count: int) -> None:
        """Close the top `count` elements, all left-out `name` ones (`left_out_on_top`)."""
        del self.entries[-count:]
        for index in (self.by_name[name], *(self.by_class[kind] for kind in _classes_of(name))):
            del index[-count:]

    def find(self, names: set[str] | str, boundary: str) -> int:
        """Position of the nearest open `names` with no `boundary` element above it, or -1."""
        if isinstance(names, str):
            found = self._last(self.by_name, names)
        else:
            found = max([self._last(self.by_name, name) for name in names])
        if found < 0:
            return -1
        return found if self._last(self.by_class, boundary) <= found else -1

    def top(self) -> str:
        return self.entries[-1][0] if self.entries else ""

    def forget(self, position: int) -> None:
        """Make the non-special element at `position` one that no end tag closes: the parser
        took it off its stack (the adoption agency), the model leaves it counted."""
        name, kept, _ = self.entries[position]
        positions = self.by_name[name]
        del positions[bisect_left(positions, position)]
        insort(self.by_name[""], position)
        self.entries[position] = ("", kept, "")

    @staticmethod
    def _last(index: dict[str, list[int]], key: str) -> int:
        positions = index.get(key)
        return positions[-1] if positions else -1


def _closes_nothing(tokens: list[tuple[str, str]], index: int) -> bool:
    # The end tag tokens[index] of an ordinary element, with a special element opened in the
    # unit after the last of its name ("<span><div></span>"): the parser's search for an open
    # element of the name stops at the special one, so it closes nothing (`_closes`).
    name = tokens[index][1]
    if name in _ORDINARY_END_EXCEPT:
        return False
    opened = [at for at, (end, other) in enumerate(tokens[:index]) if not end and other == name]
    return bool(opened) and any(
        not end and other in _SPECIAL for end, other in tokens[opened[-1] + 1 : index]
    )


# End tags `_closes` treats otherwise than "the nearest open one, unless a special element
# is in the way".
_ORDINARY_END_EXCEPT = {
    *("body", "html", "br", "form", "table", "p", "li"),
    *_TABLE_PARTS,
    *_HEADINGS,
    *_SPECIAL,
}


def _repeated_unit(html: str, start: int) -> str | None:
    """The fewest bare tags from `start` (a start tag, then up to three tags) that the tags
    after them repeat, or None."""
    tags = _UNIT_TAGS.match(html, start)
    if tags is None:
        return None
    pieces = _BARE_TAG.findall(tags.group())
    for count in range(1, len(pieces) + 1):
        unit = "".join(pieces[:count])
        if html.startswith(unit, start + len(unit)):
            return unit
    return None


def _repeats(html: str, unit: str, start: int) -> int:
    """How many times `unit` is written in a row from `start` (once at least), compared in
    C in growing and then shrinking steps: linear in the run, and no pattern is compiled
    (and kept in a cache) from a writer's tag."""
    count, step, size = 0, 1, len(unit)
    while html.startswith(unit * step, start + count * size):
        count, step = count + step, step * 2
    while step := step // 2:  # what is left is fewer than 2 * step copies
        if html.startswith(unit * step, start + count * size):
            count += step
    return count


def _opens_its_table(unit: list[str]) -> bool:
    parts = [index for index, name in enumerate(unit) if name in _TABLE_PARTS]
    return not parts or "table" in unit[: parts[0]]


def _extend(positions: list[int], member: list[bool], start: int, size: int) -> None:
    # The positions, in order, of the unit's members over a run of `size` pushes.
    step = len(member)
    ranges = [range(start + j, start + size, step) for j, inside in enumerate(member) if inside]
    positions.extend(ranges[0] if len(ranges) == 1 else sorted(chain.from_iterable(ranges)))


def _classes_of(name: str) -> tuple[str, ...]:
    classes = _CLASSES_OF.get(name)
    if classes is None:
        classes = tuple(kind for kind, members in _CLASSES.items() if name in members)
        if len(_CLASSES_OF) < 4096:  # tag names are the writer's: keep memory bounded
            _CLASSES_OF[name] = classes
    return classes


# name -> its classes; a plain dict, as `push` runs for every open tag of every post.
_CLASSES_OF: dict[str, tuple[str, ...]] = {}


class _Bounder:
    def __init__(
        self,
        limit: int,
        stand_ins: tuple[str, str] | None = None,
        as_text: tuple[re.Pattern[str], str] | None = None,
    ) -> None:
        self.limit = limit
        self.stand_ins = stand_ins
        self.as_text = as_text
        self.stack = _Stack()
        # The parser's list of active formatting elements, kept as it keeps it: a formatting
        # element that a block closed stays listed, and the parser opens a copy of it at the
        # next text or phrasing tag (at most three alike after a marker: "Noah's Ark"). Such
        # copies are open elements like any other, so the model pushes them too: counting
        # them otherwise let depth through (issue 12). `linked` maps the stack position of
        # each open listed element to its entry; `floating_count` counts the closed ones.
        self.active: list[_Listed] = []
        self.markers: list[int] = []  # the index in `active` of each marker
        self.alike: list[dict[tuple[str, str], list[_Listed]]] = [{}]  # after each marker
        self.linked: dict[int, _Listed] = {}
        self.floating_count = 0
        self.reopen_budget = 0
        self.out: list[str] = []
        self.same_names: dict[str, _SameName] = {}  # see `_SameName`, made on first need
        self.no_comment_end_from = 1 << 62  # no "-->" past here (`_comment`)

    def run(self, html: str) -> str:
        position, size, token = 0, len(html), _TOKEN.match
        self.reopen_budget = REOPEN_BUDGET * size + REOPEN_ALLOWANCE
        while position < size:
            match = token(html, position)
            assert match is not None  # the last alternative matches anything left
            kind = match.lastgroup  # one lookup: this loop runs once per tag of every post
            if kind == "text":
                if self.floating_count:
                    self._text_reopens(match.group())
                self.out.append(_text(match.group(), self.stand_ins))
            elif kind == "name":
                name = match.group("name").lower()
                if match.group("end"):
                    position = self._end_run(name, html, match) or self._end(name, match)
                else:
                    position = self._start(name, html, match)
                continue
            elif kind == "comment":
                position = self._comment(html, match.start())
                if position < 0:
                    break  # as for "rest"
                continue
            elif kind == "rest":
                break  # a tag or comment the end cut short: the parser drops it too
            position = match.end()
        return "".join(self.out)

    def _comment(self, html: str, start: int) -> int:
        """The end of the comment at `start`, taken out (-1: it runs to the end of `html`).

        It ends at the first "-->" or "--!>" ("<!-->" and "<!--->" end at once); with none,
        at the first ">", like any other "<!" (the parser would read the rest as comment; we
        keep it as text). Once a search from some point found no end, none after it will:
        searching again from every "<!--" of a run cost the rest of the document each time
        (issue 12)."""
        after = start + 4
        if html.startswith(">", after) or html.startswith("->", after):
            return html.index(">", after) + 1
        if after < self.no_comment_end_from:
            end = _COMMENT_END.search(html, after)
            if end is not None:
                return end.end()
            self.no_comment_end_from = after
        closer = html.find(">", after)
        return closer + 1 if closer >= 0 else -1

    # --- start tags -----------------------------------------------------------------------

    def _start(self, name: str, html: str, match: re.Match[str]) -> int:
        if name not in _UNUSUAL:  # most tags: checked once, here
            if self.stack.kept < len(self.stack.entries):
                # Inside an element left out (see `_open`): past the limit, every start tag
                # comes here, so it skips the rest (issue 12).
                return (
                    self._start_run(html, match)
                    or self._left_out_run(html, match.start())
                    or self._push_left_out(name, match)
                )
            if leaves_end := self._leaves(name, html, match):
                return leaves_end
            self._open(name, _tidy_tag(name, match.group()))
            return match.end()
        if name in _DROP_RAW or name in _KEEP_RAW:
            return self._raw(name, html, match.end())
        if name == "plaintext":
            if self.floating_count:
                self._text_reopens(html[match.end() :])
            self.out.append(html[match.end() :].replace("&", "&amp;").replace("<", "&lt;"))
            return len(html)
        if name in _DROP_NESTED:
            return self._same_name(name, html).end_after(match.end()) or self._unclosed_run(
                name, html, match
            )
        if name in _DROP_TAG or (name in _TABLE_PARTS and self.stack.find("table", "table") < 0):
            return match.end()  # outside a table the parser ignores these tags too
        if name in ("td", "th", "tr") and (leaves_end := self._leaves(name, html, match)):
            return leaves_end
        tag = _tidy_tag(name, match.group(0))
        if name in _VOID:
            if name in _VOID_REOPENS:
                self._reopen(may_forget=True)
            elif name == "hr" and self.stack.kept == len(self.stack.entries):
                paragraph = self.stack.find("p", "button")  # <hr> closes a paragraph
                if paragraph >= 0:
                    self._pop(paragraph)
            self.out.append(tag)
        else:
            self._open(name, tag)
        return match.end()

    def _same_name(self, name: str, html: str) -> _SameName:
        same = self.same_names.get(name)
        if same is None:
            same = self.same_names[name] = _SameName(name, html)
        return same

    def _unclosed_run(self, name: str, html: str, match: re.Match[str]) -> int:
        """After the start tag of an element left out with what it holds (`_DROP_NESTED`)
        that never closes, which loses its tag only: the end of the run of the same tag
        repeated whose every copy never closes either, each losing its tag. A run of
        "<svg>" cost a step of the loop for every tag, 12-17x a flat page (issue 12)."""
        tag = match.group()
        if tag.count("<") != 1:  # another "<svg" inside its attributes: one step each
            return match.end()
        repeats = _repeats(html, tag, match.start())
        unclosed = self._same_name(name, html).unclosed_run(match.start(), repeats)
        return match.start() + unclosed * len(tag)

    def _push_left_out(self, name: str, match: re.Match[str]) -> int:
        self.stack.push(name, False)
        return match.end()

    def _left_out_run(self, html: str, position: int) -> int:
        """Past the limit, with no closed formatting element waiting to be reopened, the end
        of the run of start tags and text from `position` (0 if there is none): each start
        tag is left out, each text written, exactly as token by token, in a loop that does
        nothing else. A list whose items each leave a different formatting element open sits
        past the limit from early on, and the full step per tag made it 7-12x a flat page
        (issue 12). The run stops before any other token: an end tag, a tag that needs its
        own step (`_UNUSUAL`), a comment, or a tag the end of the input cuts short."""
        if self.floating_count:
            return 0  # the text would make the parser reopen them (`_text_reopens`)
        names: list[str] = []
        out, stand_ins, end, token = self.out, self.stand_ins, position, _LEFT_OUT_TOKEN.match
        while (found := token(html, end)) is not None:
            text, name = found.group(1, 2)
            if text is not None:
                out.append(_text(text, stand_ins))
            elif (name := name.lower()) in _UNUSUAL:
                break
            else:
                names.append(name)
            end = found.end()
        self.stack.push_left_out(names)
        return end if end > position else 0

    def _start_run(self, html: str, match: re.Match[str]) -> int:
        """Past the limit, the end of a repeated run of bare start tags ("<ul><li>" many
        times over), all pushed as left out in one step; 0 when there is none. The run may
        hold end tags that close nothing (`_closes_nothing`, `_never_closes`), written out
        as they come, and start tags of elements left out with their content that never
        close, taken out.
        The unit is judged before the run is measured: measuring first cost the rest of the
        run for every tag of a run this then turned down ("<mi><math>", issue 12)."""
        start = match.start()
        repeated = _repeated_unit(html, start)
        if repeated is None:
            return 0
        tokens = _NAME_IN_RUN.findall(repeated)
        if any(name in _DROP_NESTED for end, name in tokens if end):
            return 0
        dropped = [
            (start + tag.start(), tag[2])
            for tag in _NAME_IN_RUN.finditer(repeated)
            if tag[2] in _DROP_NESTED
        ]
        # A start tag of an element left out with what it holds (`_DROP_NESTED`) that never
        # closes loses its tag and changes nothing else: the run may hold such tags ("<mi>"
        # and "<math>", issue 12). Judged on the first copy before the run is measured.
        if any(self._same_name(name, html).end_after(at + len(name) + 2) for at, name in dropped):
            return 0
        first_of = {name: at for at, name in reversed(dropped)}
        per_copy = Counter(name for _, name in dropped)
        tokens = [(end, name) for end, name in tokens if name not in _DROP_NESTED]
        unit = [name for end, name in tokens if not end]
        if any(name in _UNUSUAL and name not in _TABLE_PARTS for name in unit):
            return 0  # raw text, tags dropped otherwise, voids: each needs its own step
        if not _opens_its_table(unit) and self.stack.find("table", "table") < 0:
            return 0  # the parser ignores a table part outside a table
        opened = set(unit)
        if not all(
            _closes_nothing(tokens, index) or self._never_closes(name, opened)
            for index, (end, name) in enumerate(tokens)
            if end
        ):
            return 0
        if any(end and self._listed(name) for end, name in tokens):
            return 0  # the parser would take the end tag to a listed formatting element
        repeats = _repeats(html, repeated, start)
        for name, at in first_of.items():  # up to the first copy where one closes
            unclosed = self._same_name(name, html).unclosed_run(at, per_copy[name] * repeats)
            repeats = min(repeats, unclosed // per_copy[name])
        end = start + repeats * len(repeated)
        self.stack.push_run(unit, repeats)
        self.out.append("".join(f"</{name}>" for end, name in tokens if end) * repeats)
        return end

    def _never_closes(self, name: str, opened: set[str]) -> bool:
        """Whether the end tag `name` closes nothing on any repeat of a unit that opens
        `opened`: an ordinary or formatting end tag finds nothing of its name open now, the
        unit opens none, and none is listed (as `_start_run` checks), so the parser ignores
        it every time ("<b></i>" past the limit, issue 12)."""
        return name not in _ORDINARY_END_EXCEPT and name not in opened and self._closes(name) < 0

    def _end_run(self, name: str, html: str, match: re.Match[str]) -> int:
        """The end of a run of "</name>" closing left-out `name` elements, all closed in one
        step (each closes the top one, the nearest of its name); 0 when there is none.
        The run is taken in doubling steps, so that checking it costs what it closes."""
        if name in ("body", "html", "br", "form") or not self.stack.left_out_on_top(name, 1):
            return 0
        close, count = match.group(), 1
        while self.stack.left_out_on_top(name, count * 2) and html.startswith(
            close * (count * 2), match.start()
        ):
            count *= 2
        self.stack.pop_left_out(name, count)
        return match.start() + len(close) * count

    def _leaves(self, name: str, html: str, match: re.Match[str]) -> int:
        """The end of a run of `<name>text</name>` siblings starting at `match`, copied in one
        step; 0 when there is none or it would not pass as written. Table rows may hold such
        runs of cells; the text may hold phrasing elements (links, emphasis, images) up to
        `_INLINE_LEVELS` deep, and every tag a few plain attributes.

        Such a run leaves the open elements as they were: when the first one closes nothing
        and fits under the limit, so does every one, and a phrasing element closes nothing.
        A table of 100,000 cells, a post of 100,000 one-word paragraphs or of 10,000 embeds
        costs one regex match instead of a Python step per tag."""
        levels = (2 if name == "tr" else 1) + _INLINE_LEVELS
        if not self._fits_plainly(name, levels):
            return 0
        if name == "li" and self.stack.find("p", "button") >= 0:
            return 0  # a paragraph in the item would close the one open outside it
        run = _leaf_run(name).match(html, match.start())
        if run is None:
            return 0
        if name == "figure" and self.as_text is not None and self._placed_as_text():
            pattern, text = self.as_text
            self.out.append(pattern.sub(text, run.group()))
        else:
            self.out.append(run.group())
        return run.end()

    def _placed_as_text(self) -> bool:
        """Whether a placeholder figure (`<figure><a>` and text) in a run of leaves here is
        placed by the parser exactly where text in its place would be (issue 12: html5ever
        building 20,000 placeholder figures cost a third of a page of videos).

        The parser places text as the current element's child, after reopening listed
        formatting elements. For "<figure>" it first closes a <p> in button scope, and for
        "<a>" in it ends a listed link and reopens too; in a table it moves either out
        (foster parenting) by different rules. The facade put back must also read back as
        it was written: a figure in a <p> does not, even where a scope boundary the
        sanitiser drops (a marquee) hid the <p> from the parser's check. So: no <p> open at
        all and the run fits (`_fits_plainly`, checked before), no table open, no formatting
        element open or listed, and no element the model lost track of (the adoption agency
        moved it). Raw text, select, template and foreign content never get here: the pass
        reads or drops them whole."""
        by_name = self.stack.by_name
        if by_name.get("p") or by_name.get("table") or by_name.get(""):
            return False
        if any(entry.name for entry in self.active):
            return False
        return not any(by_name.get(name) for name in _FORMATTING)

    def _fits_plainly(self, name: str, levels: int) -> bool:
        stack = self.stack
        if (
            stack.kept < len(stack.entries)
            or stack.kept + self.floating_count + levels > self.limit
            or (self.active and self.active[-1].name)
        ):
            # With formatting elements listed after the last marker, the run's text and
            # tags would reopen or push out ("Noah's Ark") some of them: tag by tag, then.
            return False
        return self._implied(name) == (-1, [])

    def _raw(self, name: str, html: str, start: int) -> int:
        close = _CLOSE_RAW[name].search(html, start)
        end = close.start() if close else len(html)
        if name in _KEEP_RAW:
            if self.floating_count:
                self._text_reopens(html[start:end])
            self.out.append(html[start:end].replace("<", "&lt;"))
        if close is None:
            return len(html)
        after = html.find(">", close.end() - 1)
        return len(html) if after < 0 else after + 1

    def _open(self, name: str, tag: str) -> None:
        if self.stack.kept < len(self.stack.entries):
            # Inside an element left out: this one is left out too, so that an end tag closing
            # a left-out element never closes one the parser has.
            self.stack.push(name, False)
            return
        closes, implied = self._implied(name)
        depth = self.stack.kept + self.floating_count + len(implied) + 1
        if closes >= 0:
            # Closed listed formatting elements stay counted (as floating): only the rest leave.
            closed = self.stack.entries[closes:]
            linked = self.linked
            depth -= sum(
                kept and at not in linked for at, (_, kept, _) in enumerate(closed, closes)
            )
        if depth > self.limit:
            self.stack.push(name, False)  # the closes it would cause never happen either
            return
        # The end tags `_forget` writes come before this tag: the parser reads them in the
        # state the model is in only if this tag has closed nothing first (an open link
        # that "<a>" ends is closed by it; one a block closed already is only forgotten).
        link = self._listed("a") if name == "a" else None
        may_forget = closes < 0 and (link is None or link.position < 0)
        if closes >= 0:
            self._pop(closes)
        if name == "a":
            self._drop_open_link()
        if self.floating_count and name not in _NO_REOPEN:
            self._reopen(may_forget)
        if name == "nobr" and self.stack.find("nobr", "scope") >= 0:
            self._adopt("nobr")  # as for "</nobr>", then reopen again
            self._reopen()
        for part in implied:
            self.stack.push(part, True)
        self.stack.push(name, True, tag)
        if name in _FORMATTING:
            self._list(name, tag)
        elif name in _MARKS:
            self._mark()
        self.out.append(tag)

    def _implied(self, name: str) -> tuple[int, list[str]]:
        """Where the tree builder closes elements before opening `name` (-1: nowhere), and the
        table parts it opens on its own."""
        stack = self.stack
        if name not in _CLOSES_SOMETHING:
            return -1, []
        if name in ("td", "th"):
            cell = stack.find({"td", "th"}, "table")
            if cell >= 0:
                return cell, []
            row = ["tr"] if stack.find("tr", "table") < 0 else []
            return -1, (["tbody"] if stack.find(_SECTIONS, "table") < 0 else []) + row
        if name == "tr":
            section = [] if stack.find(_SECTIONS, "table") >= 0 else ["tbody"]
            return stack.find("tr", "table"), section
        if name in _SECTIONS:
            return stack.find(_SECTIONS, "table"), []
        if name in ("li", "dd", "dt"):
            # The item before closes first, then a paragraph still open ("<p><dd>").
            item = stack.find("li" if name == "li" else {"dd", "dt"}, "li-stop")
            paragraph = stack.find("p", "button")
            return (
                min(item, paragraph) if item >= 0 and paragraph >= 0 else max(item, paragraph)
            ), []
        if name in ("option", "optgroup"):
            return (len(stack.entries) - 1 if stack.top() == "option" else -1), []
        if name == "button":
            return stack.find("button", "scope"), []
        if name == "table" and self._in_table_rows():
            return stack.find("table", "table"), []  # a table in a table's rows ends it
        if name in _RUBY:
            if stack.find("ruby", "scope") < 0:
                return -1, []
            ends = _IMPLIED_ENDS if name in ("rb", "rtc") else _IMPLIED_ENDS - {"rtc"}
            at = len(stack.entries)
            while at > 0 and stack.entries[at - 1][0] in ends:
                at -= 1
            return (at if at < len(stack.entries) else -1), []
        closes = stack.find("p", "button") if name in _CLOSES_P else -1
        if name in _HEADINGS:
            # Once the paragraph is closed, a heading on top closes too ("<h2><p><h3>").
            below = (closes if closes >= 0 else len(stack.entries)) - 1
            if below >= 0 and stack.entries[below][0] in _HEADINGS:
                closes = below
        return closes, []

    # --- the list of active formatting elements ------------------------------------------

    def _list(self, name: str, tag: str) -> None:
        # The formatting element just pushed; a fourth alike pushes out the earliest.
        key = tag[1 + len(name) :]
        alike = self.alike[-1].setdefault((name, key), [])
        if len(alike) >= 3:
            self._unlist(alike[0])
        entry = _Listed(name, key, len(self.stack.entries) - 1, alike)
        alike.append(entry)
        self.active.append(entry)
        self.linked[entry.position] = entry

    def _mark(self) -> None:
        self.markers.append(len(self.active))
        self.active.append(_Listed("", "", -1))
        self.alike.append({})

    def _unlist(self, entry: _Listed) -> None:
        """Take `entry`, listed after the last marker, off the list; its element, if open,
        stays open."""
        self.active.remove(entry)
        entry.alike.remove(entry)
        if entry.position >= 0:
            del self.linked[entry.position]
        else:
            self.floating_count -= 1

    def _listed(self, name: str) -> _Listed | None:
        # The last entry of `name` after the last marker.
        for entry in reversed(self.active):
            if not entry.name:
                return None
            if entry.name == name:
                return entry
        return None

    def _pop(self, position: int, marquee: bool = False) -> None:
        """Close the open elements from `position` up as the parser does: closing a cell or
        caption, or "</marquee>" (`marquee`), clears the list back to its last marker; a
        listed element stays listed, closed. (A marquee closed by anything else, as by
        "</table>" when the table moved it out, leaves its marker: so does the parser.)"""
        entries = self.stack.entries
        top = len(entries)
        clears = int(marquee)
        if self.markers:
            clears += sum(kept and name in _CELLS for name, kept, _ in entries[position:])
        for _ in range(min(clears, len(self.markers))):
            index = self.markers.pop()
            for entry in self.active[index + 1 :]:
                if entry.position >= 0:
                    del self.linked[entry.position]
                else:
                    self.floating_count -= 1
            del self.active[index:]
            self.alike.pop()
        linked = self.linked
        if linked:
            closed = (
                [at for at in linked if at >= position]
                if len(linked) < top - position
                else range(position, top)
            )
            for entry in [linked.pop(at) for at in closed if at in linked]:
                entry.position = -1
                self.floating_count += 1
        self.stack.pop_to(position)

    def _reopen(self, may_forget: bool = False) -> None:
        """What the parser does before text and most phrasing tags: open a copy of every
        listed element a block closed since the last marker or open one, in order.

        Past the copies' budget (`REOPEN_BUDGET`), and where `may_forget` says the parser
        reads the output here in the state the model is in (before the tag that reopens, not
        after a tag of its own closed something), the elements are not copied: an end tag
        for each makes the parser forget it instead (see `_forget`)."""
        active = self.active
        if not active or active[-1].position >= 0 or not active[-1].name:
            return
        first = len(active) - 1
        while first > 0 and active[first - 1].position < 0 and active[first - 1].name:
            first -= 1
        # What the copies add to the parser's input, as tags written out.
        cost = sum(2 * len(entry.name) + len(entry.key) + 4 for entry in active[first:])
        if cost > self.reopen_budget and may_forget and self._forget(active[first:]):
            return
        self.reopen_budget -= cost
        # `_Stack.push` inlined: formatting elements belong to no class, and a paragraph that
        # reopens a hundred of them runs this a hundred times.
        stack, linked = self.stack, self.linked
        entries, by_name = stack.entries, stack.by_name
        for entry in active[first:]:
            position = entry.position = len(entries)
            entries.append((entry.name, True, ""))
            by_name[entry.name].append(position)
            linked[position] = entry
        stack.kept += len(active) - first
        self.floating_count -= len(active) - first

    def _forget(self, run: list[_Listed]) -> bool:
        """Have the parser forget the closed formatting elements `run`, the last ones listed,
        instead of opening copies of them; False, and nothing done, where it cannot.

        For a formatting element listed but not open, the parser's "adoption agency" reads
        its end tag as "forget the last one listed of that name": no element closes, no text
        moves, and the next block gets no copy. So "</b>" written before the text or tag that
        would reopen it is the block's "<b>" closed where the block ended. Last to first, each
        end tag finds the one it is written for (`run` holds the last listed entries). The
        one exception is the parser's first step: if its current element has that name and
        is not listed (Noah's Ark took it off), the end tag closes that; so do not then, nor
        where the model does not know the current element (the adoption agency moved it)."""
        stack = self.stack
        current, linked = "html", True  # an empty stack: the fragment's root is current
        for at in range(len(stack.entries) - 1, -1, -1):
            name, kept, _ = stack.entries[at]
            if kept:
                current, linked = name, at in self.linked
                break
        if not current or (not linked and any(entry.name == current for entry in run)):
            return False
        self.out.append("".join(f"</{entry.name}>" for entry in reversed(run)))
        del self.active[-len(run) :]  # `_unlist` for each, without a search of the list
        for entry in run:
            entry.alike.remove(entry)
        self.floating_count -= len(run)
        return True

    def _text_reopens(self, text: str) -> None:
        # In a table, whitespace goes in without reopening anything; other text reopens
        # (foster-parented before the table, but on the stack all the same).
        if text.strip(" \t\n\f\r") or self._parsers_top() not in _TABLE_MODE:
            self._reopen(may_forget=True)

    def _in_table_rows(self) -> bool:
        # The parser is "in table" (or its body or a row) when the nearest table element open
        # is one of those: what it moves out of the table (foster parenting) leaves it so.
        by_name = self.stack.by_name
        nearest = max(_TABLE_ELEMENTS, key=lambda name: _Stack._last(by_name, name))
        return _Stack._last(by_name, nearest) >= 0 and nearest in _TABLE_MODE

    def _parsers_top(self) -> str:
        # The last element the parser has open: the model's top but for left-out elements.
        for name, kept, _ in reversed(self.stack.entries):
            if kept:
                return name
        return ""

    def _drop_open_link(self) -> None:
        # "<a>" with a link listed after the last marker: the parser ends that link as for
        # "</a>", then takes it off the list and the stack if it is still there.
        entry = self._listed("a")
        if entry is None:
            return
        self._adopt("a")
        if entry in entry.alike:
            at = entry.position
            self._unlist(entry)
            if at >= 0:
                self.stack.forget(at)

    def _adopt(self, name: str) -> bool:
        """The end tag of a formatting element, as the parser's adoption agency takes it,
        when one of `name` is listed after the last marker (False when none is)."""
        entry = self._listed(name)
        if entry is None:
            return False
        if entry.position < 0:
            self._unlist(entry)  # closed already: the parser forgets it
            return True
        stack, at = self.stack, entry.position
        if _Stack._last(stack.by_class, "scope") > at:
            return True  # out of scope: ignored
        specials = stack.by_class.get("special") or []
        above = specials[bisect_left(specials, at + 1) :]
        if not above:
            self._unlist(entry)
            self._pop(at)
            return True
        if stack.kept < len(stack.entries):
            return True  # left-out elements in the way: kept open, counted
        self._move_across(entry, above)
        return True

    def _move_across(self, entry: _Listed, above: list[int]) -> None:
        # The parser moves the element past each special element above it (at most eight
        # times), taking off its stack the elements in between that are not listed (or
        # listed but more than three down), then closes it with what is above the last. The
        # model leaves the elements taken off where they are, counted, but closed by no tag.
        stack, lower = self.stack, entry.position
        for special in above[:8]:
            for counter, at in enumerate(range(special - 1, lower, -1), 1):
                listed = self.linked.get(at)
                if listed is not None and counter <= 3:
                    continue
                if listed is not None:
                    self._unlist(listed)
                stack.forget(at)
            lower = special
        if len(above) < 8:
            position = entry.position
            self._unlist(entry)
            stack.forget(position)
            if above[-1] + 1 < len(stack.entries):
                self._pop(above[-1] + 1)

    # --- end tags -------------------------------------------------------------------------

    def _end(self, name: str, match: re.Match[str]) -> int:
        tag = match.group()
        position = self._closes(name)
        if position >= 0 and not self.stack.entries[position][1]:
            self._pop(position)  # a left-out element: the parser sees neither of its tags
            return match.end()
        if name == "p" and position < 0 and self.stack.kept >= self.limit:
            # No <p> to close: the parser opens an empty one, a level deeper.
            return match.end()
        if name == "br" and position < 0:
            self._reopen(may_forget=True)  # read as <br>
        self.out.append(tag)
        if name in _FORMATTING and self._adopt(name):
            return match.end()
        if position >= 0:
            self._pop(position, marquee=name == "marquee")
        return match.end()

    def _closes(self, name: str) -> int:
        """The position the parser closes up to for the end tag `name`, or -1 for none."""
        stack = self.stack
        if name in ("body", "html", "br", "form"):
            return len(stack.entries) - 1 if name == "form" and stack.top() == "form" else -1
        if name == "table":
            return stack.find("table", "table")
        if name in _TABLE_PARTS:
            return stack.find(name, "table")
        if name == "p":
            return stack.find("p", "button")
        if name == "li":
            return stack.find("li", "list")
        if name in _HEADINGS:
            return stack.find(_HEADINGS, "scope")
        if name in _SPECIAL:
            return stack.find(name, "scope")
        # Formatting and ordinary elements close only with no special element in the way.
        return stack.find(name, "special")


# Past the limit: a unit of up to four bare start tags, repeated; the tokenizer reads each
# name as written here (lower case, ending at ">").
# Text, or a start tag: the two tokens `_Bounder._left_out_run` takes (as `_TOKEN` reads them).
_LEFT_OUT_TOKEN = re.compile(
    rf"((?:[^<]++|<+(?![A-Za-z/!?]))++)|<([A-Za-z][^\t\n\f\r />]*+){_ATTRS}>", re.DOTALL
)
# A run's unit: a bare start tag and up to three bare tags after it (`_repeated_unit`).
_UNIT_TAGS = re.compile(r"<[a-z][a-z0-9]{0,9}>(?:</?[a-z][a-z0-9]{0,9}>){0,3}")
_BARE_TAG = re.compile(r"</?[a-z][a-z0-9]{0,9}>")
_NAME_IN_RUN = re.compile(r"<(/?)([a-z0-9]+)>")

# Attributes `_tidy_tag` passes on as written: no "&", double quotes, at most eight of them
# (a footnote's back-link has five) and, as the lookahead holds, short enough that the tag
# stays under its 512 characters.
_PLAIN_ATTRIBUTES = r'(?=[^<>]{0,480}+>)(?:[\t\n ]++[a-z][a-z-]{0,29}+(?:="[^"<>&]*+")?+){0,8}+'
# Elements that never close anything when they open (not in _CLOSES_SOMETHING or _UNUSUAL).
_PHRASING = "a|abbr|b|cite|code|del|em|i|ins|kbd|mark|q|s|samp|small|span|strong|sub|sup|time|u"
_INLINE_LEVELS = 3


def _inline_content(level: int, groups: str = "i") -> str:
    """Text with phrasing elements nested up to `level` deep, each closed by its own end tag."""
    text_or_void = rf"[^<&]++|<(?:img|br){_PLAIN_ATTRIBUTES}[\t\n ]*+/?>"
    if level == 0:
        return rf"(?:{text_or_void})*+"
    inner = _inline_content(level - 1, groups)
    group = f"{groups}{level}"
    element = rf"<(?P<{group}>{_PHRASING}){_PLAIN_ATTRIBUTES}>{inner}</(?P={group})>"
    return rf"(?:{text_or_void}|{element})*+"


@lru_cache(maxsize=64)
def _leaf_run(name: str) -> re.Pattern[str]:
    # Text without "&" or "<" is copied as written (see `_text`), and so are tags with plain
    # attributes (`_tidy_tag`), so the run is output as is. In a row that closes nothing, a
    # cell closes nothing either: the row is on top.
    tag = re.escape(name)
    content = _inline_content(_INLINE_LEVELS)
    if name == "tr":
        cell = rf"<(?P<cell>td|th){_PLAIN_ATTRIBUTES}>{_inline_content(_INLINE_LEVELS - 1)}"
        content = rf"[^<&]*+(?:{cell}</(?P=cell)>[^<&]*+)*+"
    if name == "li":  # or a paragraph in it, as in a list of footnotes (see `_leaves`)
        inline = _inline_content(_INLINE_LEVELS - 1, "p")
        content = rf"(?:{content}|[^<&]*+<p{_PLAIN_ATTRIBUTES}>{inline}</p>[^<&]*+)"
    return re.compile(rf"(?:<{tag}{_PLAIN_ATTRIBUTES}>{content}</{tag}>[^<&]*+)++")


_STEP = {"": 1, "/": -1}  # a start tag opens a level, an end tag closes one


class _SameName:
    """Where each element `name` opened in `html` ends, counting the same-name elements
    inside it, from one scan of the tags of that name.

    Such an element (svg, math, template...) is left out with all it holds. Scanning ahead
    from each start cost the rest of the document when the element never closes, so a run
    of unclosed "<svg>" took time in the square of its length: 40 KB, 25 seconds (issue 12).
    Read from `start`, with depth 1, the tags of the name end the element at the first one
    that brings the depth to 0: where the running count of opens less closes first falls
    below its value at `start`. Whether it ever does is the lowest count from there on:
    the lowest of each block of counts, from each block to the end, is kept from the start;
    within a block it is looked up. Where the element does close, a search from `start`
    finds the place. The pass asks only about elements it does not skip, in the order of
    the document, each after the end of the one before, so those searches and the counting
    of tags up to each (`_index`) cover the document once. Everything done for each tag of
    the name is done in C: a Python step per tag made a run of "<svg>" 8x a flat page."""

    _BLOCK = 64

    def __init__(self, name: str, html: str) -> None:
        self.html = html
        self.tags = re.compile(rf"<(/?){name}[\t\n\f\r />]", re.I)
        self.reach = len(name) + 3  # the most the pattern reads: "</", the name, one more
        # Opens less closes before each tag, and after the last.
        self.levels = levels = list(
            accumulate(map(_STEP.__getitem__, self.tags.findall(html)), initial=0)
        )
        block = self._BLOCK
        lowest = [min(levels[at : at + block]) for at in range(0, len(levels), block)]
        self.block_floor = list(accumulate(reversed(lowest), min))[::-1]  # from each block on
        self.counted = (0, 0)  # a position, and how many tags start before it

    def _index(self, position: int) -> int:
        """How many tags of the name start before `position`, counted on (or back) from the
        last position asked about."""
        at, index = self.counted
        if position >= at:
            index += self._count(at, position)
        else:
            index -= self._count(position, at)
        self.counted = (position, index)
        return index

    def _count(self, start: int, end: int) -> int:
        # The tags that start in [start, end): each holds one "<", its first character, so
        # a scan from any point finds the same ones. One that reads past `end` is cut off
        # by the bound and found apart.
        near = self.tags.finditer(self.html, max(start, end - self.reach), end + self.reach)
        cut = sum(1 for tag in near if tag.start() < end < tag.end())
        return len(self.tags.findall(self.html, start, end)) + cut

    def _stays_open(self, index: int) -> bool:
        # Whether no count after `index` is lower than the count there.
        levels, block = self.levels, self._BLOCK
        following = (index // block + 1) * block
        lowest = min(levels[index:following])
        if following < len(levels):
            lowest = min(lowest, self.block_floor[following // block])
        return lowest >= levels[index]

    def end_after(self, start: int) -> int:
        """The end of the element opened just before `start`; 0 if it never closes. Such a
        one loses its tag only: a writer who types "<svg>" in a sentence keeps the rest of
        the post."""
        after = self._index(start)
        if self._stays_open(after):
            return 0
        closed_by = self.levels.index(self.levels[after] - 1, after)  # each step is one
        closing = next(islice(self.tags.finditer(self.html, start), closed_by - 1 - after, None))
        # The end tag's own ">", or the next one (the closing tag may hold attributes).
        closer = self.html.find(">", closing.end() - 1)
        return closer + 1 if closer >= 0 else len(self.html)

    def unclosed_run(self, start: int, repeats: int) -> int:
        """How many of the `repeats` start tags of the name in a row from `start` never
        close (at least the first does). Only start tags lie between them, so each opens a
        level above the one before it: if one never closes, none before it does, and those
        that never close come first. Found by halving."""
        first = self._index(start)
        low, high = 1, repeats  # the first `low` never close; past `high`, all close
        while low < high:
            middle = (low + high + 1) // 2
            if self._stays_open(first + middle):  # after the one at `first + middle - 1`
                low = middle
            else:
                high = middle - 1
        return low


def _text(text: str, stand_ins: tuple[str, str] | None = None) -> str:
    if stand_ins is not None and ("&" in text or "<" in text):
        plain = _decoded(text) if "&" in text else text
        return plain.replace("&", stand_ins[0]).replace("<", stand_ins[1])
    if "&" in text:
        # ">" needs no reference in text, and the parser reads "&gt;" far slower than ">".
        decoded = _decoded(text)
        if decoded.count("&") + decoded.count("<") < REFERENCES_PER_NODE:
            return decoded.replace("&", "&amp;").replace("<", "&lt;")
        # What `split_references` would make of the escaped text, without escaping every
        # "&" and "<" first and taking most of them back (a run of 100,000 "&lt;", issue 12).
        return _split_long(_AMBIGUOUS_LT.sub("&lt;", _AMBIGUOUS_AMP.sub("&amp;", decoded)))
    # A "<" inside the run is followed by what follows it now; only a last one could meet a
    # tag once something after it is taken out. The parser reads a bare "<" much faster
    # than "&lt;", so only that one is written as a reference.
    return text[:-1] + "&lt;" if text.endswith("<") else text


def _decoded(text: str) -> str:
    # html.unescape makes a Python call per reference; the three a Markdown renderer writes
    # for every ">", "<" and '"' are decoded first in C. None of them yields a "&", so what
    # is left decodes as before.
    plain = text.replace("&gt;", ">").replace("&lt;", "<").replace("&quot;", '"')
    if "&" not in plain:
        return plain
    # The fourth, "&amp;" for every "&": when it is the only reference left, it is decoded
    # in C too (before that, "&amp;lt;" would have become "<").
    if plain.count("&") == plain.count("&amp;"):
        return plain.replace("&amp;", "&")
    return html_lib.unescape(plain)


def split_references(text: str) -> str:
    """Text (no tags) with an empty comment before every REFERENCES_PER_NODE-th "&".

    The parser appends each character reference to its text node on its own, at a cost that
    grows with the node: a run of 100,000 "&amp;" took seconds. The sanitiser drops comments
    and writes the split node out whole, so the output is the same text.

    Before splitting, "&amp;", "&lt;" and "&gt;" that the parser would read as the same
    character written bare become that character: it reads a bare "&" about four times faster than
    "&amp;", and most of a run of "&" or "<" never needs the reference."""
    if text.count("&") < REFERENCES_PER_NODE:
        return text
    return _split_long(_BARE_LT.sub("<", _BARE_AMP.sub("&", text)).replace("&gt;", ">"))


def _split_long(text: str) -> str:
    if text.count("&") < REFERENCES_PER_NODE:
        return text
    return _BEFORE_NTH_AMPERSAND.sub("\\g<0><!---->", text)


def split_sanitised_references(html: str) -> str:
    """`split_references` on the text of the sanitiser's own output (tags double-quoted, text
    free of "<"), for the passes that clean it again."""
    if html.count("&") < REFERENCES_PER_NODE:
        return html
    return _SANITISED_TAG_OR_TEXT.sub(
        lambda found: found.group(1) or split_references(found.group(2)), html
    )


def _tidy_tag(name: str, tag: str) -> str:
    """The start tag as the parser reads it, written so that reading it is linear: the first
    of each attribute name only, at most MAX_ATTRIBUTES of them, every "&" a reference, and
    none with more than REFERENCES_PER_NODE references (the parser decodes an attribute's
    references at a cost that grows with the value, as in text; no real value has so many)."""
    if "&" not in tag and len(tag) < 512:
        return tag
    attributes: dict[str, str | None] = {}
    for found in _ATTRIBUTE.finditer(tag, 1 + len(name), len(tag) - 1):
        key = found.group(1).lower()
        if key not in attributes and len(attributes) < MAX_ATTRIBUTES:
            attributes[key] = _attribute_value(found.group(2))
    written = "".join(
        f" {key}" if value is None else f' {key}="{_quoted(value)}"'
        for key, value in attributes.items()
        if value is None or value.count("&") + value.count('"') < REFERENCES_PER_NODE
    )
    return f"<{tag[1 : 1 + len(name)]}{written}>"


def _quoted(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;")


def _attribute_value(raw: str | None) -> str | None:
    if raw is None:
        return None
    if raw[:1] in ("'", '"'):
        raw = raw[1:-1]
    return _REFERENCE.sub(_attribute_reference, raw)


def _attribute_reference(match: re.Match[str]) -> str:
    # In attribute values a reference without ";" followed by a letter, digit or "=" stays
    # as written (HTML5's rule, so that "?a=1&copy=2" keeps its "&copy").
    body = match.group(1)
    if body.startswith("#") or body.endswith(";"):
        decoded = html_lib.unescape(match.group(0))
        return decoded if body.startswith("#") or decoded != match.group(0) else match.group(0)
    if body in _ENTITIES and match.string[match.end() : match.end() + 1] != "=":
        return _ENTITIES[body]
    return match.group(0)
