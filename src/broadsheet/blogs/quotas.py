"""How fast each member may add to a blog: new posts, new labels and uploads per hour.

A writer types a post in minutes and labels it with a few words; a script holding a stolen or
hostile contributor's session would add thousands of each, filling the admins' review list,
the label pages and sitemap, and the disk. The limits sit far above what a person does in an
hour and far below what a script does (docs/studio.md "Limits"):

| per hour, per member and blog | new posts | new labels | uploads | text saved |
| --- | ---: | ---: | ---: | ---: |
| contributor | 30 | 100 | 60 | 30 MB |
| author | 120 | 400 | 240 | 120 MB |
| admin | no limit | no limit | no limit | no limit |

Admins answer for the whole blog (they can delete it, invite and remove anyone, import a whole
backup), so a limit on them would protect the blog from its owner only. Edits of an existing
post and autosaves are not counted as posts; but every save renders its body, which costs CPU
in its size (about 1.5 s for the worst-shaped megabyte), so the text a save sends is counted,
edits included, through every door (the editor, the API, XML-RPC, Micropub, mail): a script
replaying the save of a worst-shaped body would otherwise keep every worker busy, as the
preview's byte budget (`studio.throttle`) stops it doing there. Counts live in the shared cache
(`core.ratelimit`).
"""

from __future__ import annotations

import enum
import time

from django.core.exceptions import ValidationError

from broadsheet.blogs.models import Membership
from broadsheet.core.ratelimit import Limit, give_back, retry_after, take

HOUR = 60 * 60


class Quota(enum.StrEnum):
    POSTS = "posts"
    LABELS = "labels"
    UPLOADS = "uploads"
    TEXT = "text"  # bytes of body rendered by saves


Role = Membership.Role
LIMITS: dict[str, dict[Quota, Limit]] = {
    Role.CONTRIBUTOR: {
        Quota.POSTS: Limit(30, HOUR),
        Quota.LABELS: Limit(100, HOUR),
        Quota.UPLOADS: Limit(60, HOUR),
        Quota.TEXT: Limit(30_000_000, HOUR),
    },
    Role.AUTHOR: {
        Quota.POSTS: Limit(120, HOUR),
        Quota.LABELS: Limit(400, HOUR),
        Quota.UPLOADS: Limit(240, HOUR),
        Quota.TEXT: Limit(120_000_000, HOUR),
    },
}

_WHAT = {
    Quota.POSTS: "new posts",
    Quota.LABELS: "new labels",
    Quota.UPLOADS: "uploads",
    Quota.TEXT: "MB of text saved",
}


class OverQuota(ValidationError):
    """The member has added as much of something as their role allows this hour. A
    ValidationError, so a form shows it as it shows any refusal; the studio answers 429."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, code="over-quota")
        self.retry_after = retry_after


def limit_for(member: Membership, quota: Quota) -> Limit | None:
    """The member's limit for one kind of addition; None for no limit."""
    return LIMITS.get(member.role, {}).get(quota)


def charge(member: Membership, wanted: dict[Quota, int], now: float | None = None) -> None:
    """Count what one request adds against the member's limits, all or nothing: raise OverQuota
    (and count none of it) when any one of them would go over."""
    moment = time.time() if now is None else now
    taken: dict[Quota, int] = {}
    for quota, amount in wanted.items():
        limit = limit_for(member, quota)
        if limit is None or amount <= 0:
            continue
        if not take(_key(member, quota), limit, moment, amount):
            refund(member, taken, moment)
            raise OverQuota(_message(quota, limit, moment), retry_after(limit, moment))
        taken[quota] = amount


def refund(member: Membership, given: dict[Quota, int], now: float | None = None) -> None:
    """Give back a charge whose request failed for another reason after it."""
    moment = time.time() if now is None else now
    for quota, amount in given.items():
        limit = limit_for(member, quota)
        if limit is not None and amount > 0:
            give_back(_key(member, quota), limit, moment, amount)


def _key(member: Membership, quota: Quota) -> str:
    return f"quota:{quota}:{member.blog_id}:{member.user_id}"


def _message(quota: Quota, limit: Limit, now: float) -> str:
    minutes = -(-retry_after(limit, now) // 60)
    count = limit.count // 1_000_000 if quota == Quota.TEXT else limit.count
    return (
        f"You have reached the limit of {count} {_WHAT[quota]} an hour on this blog."
        f" Nothing was saved. Try again in {minutes} minute"
        f"{'' if minutes == 1 else 's'}, or ask an admin of the blog."
    )
