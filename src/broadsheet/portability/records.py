"""What a reader of an export hands to the writer: posts, pages and comments in one shape,
whatever the file they came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ItemRecord:
    """A post or a static page.

    `status` is one of Post.Status's values (a page treats scheduled as published).
    `old_path` is the item's address on the old site, relative to the blog's root and decoded
    (`/2024/10/slug.html`, `/p/about.html`, `/?p=12`); `other_paths` are further addresses it
    answered at. Blogger-shaped post paths are kept as permalinks, the others redirect.
    """

    key: str
    is_page: bool
    title: str
    html: str
    status: str
    published_at: dt.datetime | None
    updated_at: dt.datetime | None = None
    created_at: dt.datetime | None = None
    author_name: str = ""
    labels: list[str] = field(default_factory=list)
    old_path: str = ""
    other_paths: list[str] = field(default_factory=list)
    slug_hint: str = ""
    comments_allowed: bool = True
    comments_hidden: bool = False  # with comments_allowed off: Blogger's "hide existing"
    search_description: str = ""
    position: int = 0
    # Per-item data with no Broadsheet field (WordPress post meta, Blogger's numeric id).
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class CommentRecord:
    """A reader comment. `post_key` names its post (or, in Blogger's older files, possibly a
    comment it answers); `parent_key` names the comment it replies to, by full id or by the
    number at the end of one."""

    key: str
    post_key: str
    body: str
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime | None = None
    parent_key: str = ""
    author_name: str = ""
    author_url: str = ""
    author_email: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class SourceInfo:
    """What the file says about the blog it came from."""

    source: str  # "blogger" or "wordpress"
    origin: str = ""  # the old blog's address or id
    title: str = ""
    time_zone: str = ""
    address: str = ""  # the old blog's own address (Blogger's feed-level alternate link)
    # Blogger's settings entries, name → value, in the file's order.
    settings: dict[str, str] = field(default_factory=dict)


Record = ItemRecord | CommentRecord
