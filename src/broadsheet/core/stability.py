"""When one sanitiser pass is already stable, so the proving pass can be skipped (issue 12).

`markup.sanitize` cleans a second time to prove that its output reads back as the same tree
(mutation XSS starts where it does not). That second full clean doubled the cost of every
element. This module names the conditions under which the first pass's output provably
reads back unchanged, so that the second pass runs only when one of them fails.

The argument. The first pass parses the input into a tree T, drops what is not allowed and
writes the rest out with every element closed explicitly. Parsing that output again gives T
back unless, at some start tag, the HTML5 tree builder does something other than open a child
of the current element. It does so only where T holds a shape the builder itself would not
have built by reading the tags in order:

1. An element was taken out and its children kept: they move up into a parent that the
   builder never lets hold them ("<p>a<button><p>b" leaves a <p> inside a <p>). Ruled out when
   every tag name in the input is one the sanitiser keeps (`only_kept_tags`).
2. Foster parenting: content met in a table outside a cell or caption is put before the
   table, into whatever holds the table, where a second read closes or splits it
   ("<h5><table><h2>" leaves an <h2> inside the <h5>). Ruled out when every tag that puts the
   builder in a table context is followed only by white space and table structure
   (`no_foster_parenting`).
3. The adoption agency moving a heading into a heading: a heading closes another only when it
   is the current element, so "<h2><i></i><h1>" reads back differently from how it was built
   ("<h2><i><h1>...</i>"). Ruled out when no heading in the output holds another
   (`NESTED_HEADING`).

Everything else the builder does on kept tags (closing a <p>, <li>, <dd> or heading, the
adoption agency, reopening formatting elements) only ever builds trees that it builds again
from their own output; `tests/core/test_sanitize_stability.py` generates adversarial tag soups
to hold that, and the newline after <pre> is kept by `markup._keep_pre_newline`. Each check
errs on the safe side: anything it cannot read (an attribute in single quotes, a tag in a
text) just means the second pass runs, as it always did.
"""

from __future__ import annotations

import re
from collections.abc import Set

_SPACE = r"[\t\n\f\r ]"
_END_OF_NAME = r"(?=[\t\n\f\r />])"
# What the tokenizer reads as a tag name; ASCII letters only are lowered by the parser.
_TAG_NAME = re.compile(r"</?([A-Za-z][^\t\n\f\r />]*)")
_TABLE_PARTS = "table|caption|thead|tbody|tfoot|tr|td|th"
# Only white space, then a table part's tag or the end of the input.
_TABLE_FOLLOWS = rf"{_SPACE}*+(?:\Z|</?(?:{_TABLE_PARTS}){_END_OF_NAME})"
# A start tag written plainly: simple names, values in double quotes without "<" or ">", so
# that the tag ends at the first ">" for the tokenizer as for this pattern.
_PLAIN_ATTRIBUTES = rf'(?:{_SPACE}++[A-Za-z-]++(?:="[^"<>]*+")?+)*+{_SPACE}*+/?>'
# A tag after which the tree builder is in a table context ("in table", "in table body",
# "in row"), not followed as a table must be: from here on it may foster-parent.
_FOSTER_RISK = re.compile(
    rf"<(?:table|thead|tbody|tfoot|tr){_END_OF_NAME}(?!{_PLAIN_ATTRIBUTES}{_TABLE_FOLLOWS})"
    rf"|</(?:caption|thead|tbody|tfoot|tr|td|th){_END_OF_NAME}(?!>{_TABLE_FOLLOWS})",
    re.IGNORECASE | re.ASCII,
)
# In the sanitiser's output every "<" starts a tag (text and attribute values escape it).
NESTED_HEADING = re.compile(r"<h[1-6][ >](?:[^<]++|<(?!/?h[1-6][ >]))*+<h[1-6][ >]")


def one_pass_is_stable(
    source: str, cleaned: str, kept: Set[str], *, tags_known: bool = False
) -> bool:
    """Whether `cleaned`, the sanitiser's output for `source` with the tags `kept`, is sure
    to clean to itself, so that the proving pass can be skipped (see the module docstring).

    `tags_known` says every tag in `source` was written by cmark-gfm or by us (Markdown
    holding no "<"): all of them kept, its tables whole, so conditions 1 and 2 hold without
    reading a tag (they cost a regex step per tag, a third of rendering a table of 100,000
    rows, issue 12); `tests/core/test_sanitize_stability.py` holds that they do."""
    if not tags_known and not (only_kept_tags(source, kept) and no_foster_parenting(source)):
        return False
    return not NESTED_HEADING.search(cleaned)


def only_kept_tags(source: str, kept: Set[str]) -> bool:
    """Whether every tag name in `source` (as the tokenizer reads it, lowered) is in `kept`."""
    for name in set(_TAG_NAME.findall(source)):
        # Only ASCII is lowered by the parser: str.lower() would make "\u212abd" a "kbd".
        if not name.isascii() or name.lower() not in kept:
            return False
    return True


def no_foster_parenting(source: str) -> bool:
    """Whether the parser can be sure to put nothing before a table in `source`."""
    # Every tag the pattern starts at begins "<t" or "</t" (a table, its sections, rows and
    # cells) or "</c" (a caption): without them, the case-blind pattern need not step through
    # every character (issue 12).
    low = source.lower()
    if "<t" not in low and "</t" not in low and "</c" not in low:
        return True
    return _FOSTER_RISK.search(source) is None
