"""Each gadget's HTML kept under a fingerprint of everything it is drawn from.

A post write moves `Blog.sidebar_version`, so the layout is drawn again on the next page. But
most gadgets show the same as before: an edited post moves no count, a new post moves the
archive's month and a few labels, and the Profile, Pages, Text or Link List gadgets not at all.
Drawing all ten through templates was most of the first render after a post write (30 to 40 ms
on the benchmark machine at any blog size). So each gadget's HTML is kept under a hash of its
kind, options and heading, the data it shows (as plain values), the blog's settings and the
active language: the data is still read (a few small queries, the counts on the tallies), the
drawing is skipped when none of it moved.

The key is the content itself, not a version someone must remember to move: a changed input
is a new key, so an entry can never be shown for inputs it was not drawn from. The code that
draws is an input too, so the entries live in this process's memory (the last `KEPT`): a new
release starts new processes and never shows HTML drawn by the old templates, and a lookup is
a dict read, not a file or a round trip to Redis.

The posts of a listing are kept the same way (`reader.articles`), in a store of their own so
that a busy archive does not push the gadgets out.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.utils import translation

from broadsheet.blogs.models import Blog


class Drawings:
    """HTML drawn in this process, oldest first, dropped past `limit` entries or, with a
    budget of `characters`, past that many characters in all (an entry longer than an eighth
    of it is not kept: drawn each time)."""

    def __init__(self, limit: int, characters: int = 0) -> None:
        self.limit, self.characters, self.size = limit, characters, 0
        self.kept: OrderedDict[str, str] = OrderedDict()
        self.lock = threading.Lock()

    def keep(self, key: str, html: str) -> None:
        if self.characters and len(html) > self.characters // 8:
            return
        with self.lock:
            self.size += len(html) - len(self.kept.get(key, ""))
            self.kept[key] = html
            while len(self.kept) > self.limit or (self.characters and self.size > self.characters):
                self.size -= len(self.kept.popitem(last=False)[1])


# Gadgets: a blog's ten are a few tens of KB.
GADGETS = Drawings(1000)
# Counters and stamps every write moves: in the key they would make every write a new key.
_MOVING = frozenset({"content_version", "sidebar_version", "updated_at"})


def blog_settings(blog: Blog) -> tuple[tuple[str, Any], ...]:
    """Every stored setting of the blog a template may show (its title, description, time
    zone, date format…): all its columns but the ones each write moves, so that no setting
    can be left out of a key by forgetting it here."""
    fields = Blog._meta.concrete_fields
    return tuple((f.attname, getattr(blog, f.attname)) for f in fields if f.name not in _MOVING)


def blog_key(blog: Blog) -> str:
    """The part of every key that names the blog as drawn: its row, its settings and the
    active language. Made once per layout: the settings are some forty columns."""
    born = blog.created_at.timestamp()
    whole = repr((born, blog_settings(blog), translation.get_language()))
    return f"{blog.pk}:" + hashlib.blake2b(whole.encode(), digest_size=16).hexdigest()


def drawn(prefix: str, inputs: object, draw: Callable[[], str], store: Drawings = GADGETS) -> str:
    """`draw()`'s HTML, drawn once for these inputs (plain values whose `repr` says all that
    the drawing depends on beside what `prefix`, a `blog_key`, names) and reused while they
    hold."""
    digest = hashlib.blake2b(repr(inputs).encode(), digest_size=16).hexdigest()
    key = f"{prefix}:{digest}"
    found = store.kept.get(key)
    if found is not None:
        return found
    html = draw()
    store.keep(key, html)
    return html
