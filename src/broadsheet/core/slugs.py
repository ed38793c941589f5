"""Post slugs the way Blogger forms them, so a moved blog keeps every link.

What Blogger does, as its users have reported it over the years (bloggertothelimit.com 2009,
katemarieldizon.blogspot.com 2010, cwl.cc 2012, blogging.nitecruzr.net 2009 and 2016,
isplotchy.blogspot.com 2008, bugbugnow.net 2019):

* the title's words, lower-cased and joined by `-`; punctuation and apostrophes vanish without
  splitting a word (`O.Henry` -> `ohenry`, `Putin's` -> `putins`);
* at most 39 characters, and a word that does not fit is left out whole ("Top 10 Surprising
  Effects of Global Warming" -> `top-10-surprising-effects-of-global`);
* the articles `a`, `an` and `the` are dropped wherever they stand inside the title, long or
  short ("Here Come The Birds" -> `here-come-birds`, "Windows 8: A Closer Look at Metro" ->
  `windows-8-closer-look-at-metro`), while a leading one stays; `of`, `in` and the like stay;
* a title with nothing usable becomes `blog-post`;
* a second post with the same slug in the same month gets a number after an underscore.

Our choices where the reports stop: hyphens and dashes separate words like spaces do (every
other punctuation mark is dropped); accented Latin letters fold to ASCII (`é` -> `e`, `ß` ->
`ss`, `æ` -> `ae`) where Blogger would drop them; a first word longer than 39 characters is
cut rather than lost. Blogger's collision number seems to be the day of the month, and it
varies; `dedupe` numbers `_1`, `_2`, ... instead. Imported posts keep their old paths, so the
numbering only has to be unique, not Blogger's.
"""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 39
# Custom permalinks have no limit on Blogger; ours must fit the page slug column (200).
MAX_CUSTOM_LENGTH = 200
FALLBACK = "blog-post"

_ARTICLES = frozenset({"a", "an", "the"})
_WORD_BREAK = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
_NOT_SLUG = re.compile(r"[^a-z0-9]")
_CUSTOM = re.compile(r"[A-Za-z0-9_.\-]+")
# Letters that NFKD leaves whole (\u0131 is the dotless i); casefold() turns ß into ss.
_FOLDS = str.maketrans(
    {"æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ł": "l", "\u0131": "i"}
)


def blogger_slug(title: str) -> str:
    """The slug Blogger would give a post with this title (see the module notes)."""
    pieces = [piece for piece in _WORD_BREAK.split(title.casefold()) if piece]
    words = [word for word in map(_ascii, _drop_articles(pieces)) if word]
    if not words:
        return FALLBACK
    return _fit(words, MAX_LENGTH)


def permalink_slug(custom: str) -> str | None:
    """An author's custom permalink, or None when it is empty or not allowed.

    Blogger accepts `a-z A-Z 0-9 _ - .` and appends `.html` itself, so a typed `.html` is
    taken off. Case is kept: Blogger keeps it in post URLs.
    """
    value = custom.strip()
    if value.lower().endswith(".html"):
        value = value[: -len(".html")]
    if not _CUSTOM.fullmatch(value) or len(value) > MAX_CUSTOM_LENGTH:
        return None
    # Only dots, dashes and underscores would make an unreadable, easily mistyped address.
    return value if any(ch.isalnum() for ch in value) else None


def dedupe(slug: str, taken: set[str]) -> str:
    """`slug`, or the first of `slug_1`, `slug_2`, ... that is not taken this month.

    The base is cut back at a word boundary so the result stays within 39 characters (or
    within the slug's own length, for a longer custom permalink).
    """
    if slug not in taken:
        return slug
    limit = max(MAX_LENGTH, len(slug))
    number = 1
    while (candidate := _numbered(slug, number, limit)) in taken:
        number += 1
    return candidate


def _numbered(slug: str, number: int, limit: int) -> str:
    suffix = f"_{number}"
    return _trim(slug, limit - len(suffix)) + suffix


def _drop_articles(words: list[str]) -> list[str]:
    # Judged before folding, so the French "à" is not taken for the article "a".
    return words[:1] + [word for word in words[1:] if _bare(word) not in _ARTICLES]


def _bare(word: str) -> str:
    return "".join(ch for ch in word if ch.isalnum())


def _ascii(word: str) -> str:
    return _NOT_SLUG.sub("", unicodedata.normalize("NFKD", word.translate(_FOLDS)))


def _fit(words: list[str], limit: int) -> str:
    slug = words[0][:limit]
    for word in words[1:]:
        if len(slug) + 1 + len(word) > limit:
            break
        slug = f"{slug}-{word}"
    return slug


def _trim(slug: str, room: int) -> str:
    if len(slug) <= room:
        return slug
    return _fit(slug.split("-"), room) if "-" in slug[1:room] else slug[:room]
