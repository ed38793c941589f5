"""Folding the spool into the tables, and pruning what is past keeping.

`aggregate` is the one workflow; the task worker runs it every few minutes (`tasks`), and the
studio's Stats page asks for a run when the last is stale. It claims what the spool holds
(files renamed, or the Redis list renamed, so appends carry on into a new file or list), counts
it in memory (`fold`), and writes the counts in one transaction. The claimed lines are deleted
only after that transaction commits: a run that dies leaves them to be read again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import Page, Post
from broadsheet.stats import fold, spool
from broadsheet.stats.models import Aggregation, DailySource, DailyViews, RecentViews

Target = tuple[int | None, int | None]  # (post id, page id); (None, None) is the home page
SLOT_MINUTES = 10
RECENT_DAYS = 2
PAGE_PREFIX, PAGE_SUFFIX = "/p/", ".html"


def aggregate(now: dt.datetime | None = None) -> int:
    """Fold every settled view into the daily tables, prune, and return how many were counted."""
    now = now or timezone.now()
    claim = Claim.take(now)
    counted = fold.tally(claim.lines())
    with transaction.atomic():
        state = _take_turn()
        views = write(counted, now)
        prune(now)
        Aggregation.objects.filter(pk=state.pk).update(
            finished_at=now, views=models.F("views") + views
        )
    claim.release()
    return views


class Claim:
    """What this run took from the spool: files on one machine, a Redis list on many."""

    def __init__(self, paths: list[Path], key: str | None) -> None:
        self.paths, self.key = paths, key

    @classmethod
    def take(cls, now: dt.datetime) -> Claim:
        if settings.REDIS_URL:
            return cls([], spool.claim_redis())
        return cls(spool.claim_files(now.timestamp()), None)

    def lines(self) -> Iterator[str]:
        if self.key is not None:
            return spool.redis_lines(self.key)
        return spool.file_lines(self.paths)

    def release(self) -> None:
        """Delete what was read, once its counts are committed."""
        if self.key is not None:
            spool.redis_client().delete(self.key)
        for path in self.paths:
            path.unlink(missing_ok=True)


def _take_turn() -> Aggregation:
    """Update the one state row first: a second run waits here until this one commits."""
    state, _ = Aggregation.objects.get_or_create(pk=1)
    Aggregation.objects.filter(pk=1).update(views=models.F("views"))
    return state


def write(counted: fold.Tally, now: dt.datetime | None = None) -> int:
    """Add the tally to the tables; views of pages no longer public are dropped, and views
    older than two days (a worker that was stopped) go to the days only."""
    recent_from = int((now or timezone.now()).timestamp() // 60) - RECENT_DAYS * 24 * 60
    zones = {blog.pk: blog.tzinfo for blog in Blog.objects.filter(pk__in=_blogs(counted))}
    targets = resolve({(b, path) for b, path, _ in counted.views if b in zones})
    daily: Counter[tuple[Any, ...]] = Counter()
    recent: Counter[tuple[Any, ...]] = Counter()
    for (blog_id, path, minute), n in counted.views.items():
        target = targets.get((blog_id, path))
        if target is not None:
            daily[(blog_id, _day(minute, zones[blog_id]), *target)] += n
            if minute >= recent_from:
                recent[(blog_id, _slot(minute), *target)] += n
    sources: Counter[tuple[Any, ...]] = Counter()
    for (blog_id, minute, kind, value), n in counted.sources.items():
        if blog_id in zones:
            sources[blog_id, _day(minute, zones[blog_id]), kind, value[:200]] += n
    add_counts(DailyViews, ("blog_id", "day", "post_id", "page_id"), daily)
    add_counts(RecentViews, ("blog_id", "slot", "post_id", "page_id"), recent)
    add_counts(DailySource, ("blog_id", "day", "kind", "value"), sources)
    return sum(daily.values())


def _blogs(counted: fold.Tally) -> set[int]:
    return {blog_id for blog_id, _, _ in counted.views}


def _day(minute: int, zone: dt.tzinfo) -> dt.date:
    return dt.datetime.fromtimestamp(minute * 60, tz=zone).date()


def _slot(minute: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(minute // SLOT_MINUTES * SLOT_MINUTES * 60, tz=dt.UTC)


def resolve(paths: set[tuple[int, str]]) -> dict[tuple[int, str], Target]:
    """Each (blog, path) as the post or static page it shows now: a query or two per blog
    and 500 addresses."""
    found: dict[tuple[int, str], Target] = {(b, p): (None, None) for b, p in paths if p == "/"}
    by_blog: dict[int, list[str]] = {}
    for blog_id, path in paths:
        by_blog.setdefault(blog_id, []).append(path)
    public = (Post.Status.PUBLISHED, Post.Status.SCHEDULED)
    for blog_id, wanted in by_blog.items():
        slugs = [
            p.removeprefix(PAGE_PREFIX).removesuffix(PAGE_SUFFIX)
            for p in wanted
            if p.startswith(PAGE_PREFIX)
        ]
        permalinks = [p for p in wanted if p != "/" and not p.startswith(PAGE_PREFIX)]
        for chunk in _chunks(permalinks):
            rows = Post.objects.filter(blog_id=blog_id, permalink__in=chunk, status__in=public)
            for permalink, pk in rows.values_list("permalink", "pk"):
                found[blog_id, permalink] = (pk, None)
        for chunk in _chunks(slugs):
            pages = Page.objects.filter(
                blog_id=blog_id, slug__in=chunk, status=Page.Status.PUBLISHED
            )
            for slug, pk in pages.values_list("slug", "pk"):
                found[blog_id, f"{PAGE_PREFIX}{slug}{PAGE_SUFFIX}"] = (None, pk)
    return found


def _chunks(items: list[str], size: int = 500) -> list[list[str]]:
    """Lists short enough for any database's limit on parameters."""
    return [items[start : start + size] for start in range(0, len(items), size)]


def add_counts(
    model: type[models.Model], names: tuple[str, ...], counts: Counter[tuple[Any, ...]]
) -> None:
    """Add each count to its row (one per key of `names`), making the rows that are missing.

    Reads the rows of the blogs and days (or slots) at hand in one query and writes in bulk,
    so a run costs a few queries however many views it folds."""
    if not counts:
        return
    when = names[1]
    scope = {"blog_id__in": {key[0] for key in counts}, f"{when}__in": {key[1] for key in counts}}
    rows = {
        tuple(getattr(row, n) for n in names): row for row in model._default_manager.filter(**scope)
    }
    changed, created = [], []
    for key, n in counts.items():
        row = rows.get(key)
        if row is None:
            created.append(model(**dict(zip(names, key, strict=True)), views=n))
        else:
            row.views += n  # type: ignore[attr-defined]
            changed.append(row)
    model._default_manager.bulk_update(changed, ["views"], batch_size=500)
    model._default_manager.bulk_create(created, batch_size=500)


def prune(now: dt.datetime) -> None:
    """Drop the ten-minute slots past two days, and the sources past the retention."""
    RecentViews.objects.filter(slot__lt=now - dt.timedelta(days=RECENT_DAYS)).delete()
    kept_from = (now - dt.timedelta(days=settings.STATS_RETENTION_DAYS)).date()
    DailySource.objects.filter(day__lt=kept_from).delete()
