"""Folding the spool into the tables, and pruning what is past keeping.

`aggregate` is the one workflow; the task worker runs it every few minutes (`tasks`), and the
studio's Stats page asks for a run when the last is stale. It claims what the spool holds
(files renamed, or the Redis list renamed, so appends carry on into a new file or list), counts
it in memory (`fold`), and writes the counts in one transaction. The claimed lines are deleted
only after that transaction commits: a run that dies leaves them to be read again.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from broadsheet.blogs.models import Blog
from broadsheet.posts.models import LIVE_STATUSES, Page, Post
from broadsheet.stats import fold, spool
from broadsheet.stats.models import Aggregation, DailySource, DailyViews, RecentViews

Target = tuple[int | None, int | None]  # (post id, page id); (None, None) is the home page
RECENT_DAYS = 2
PAGE_PREFIX, PAGE_SUFFIX = "/p/", ".html"
SLOT_MINUTES = fold.SLOT_MINUTES  # the "now" period's slots (queries)


def aggregate(now: dt.datetime | None = None) -> int:
    """Fold every settled view into the daily tables, prune, and return how many were counted."""
    now = now or timezone.now()
    claim = Claim.take(now)
    counted = tally(claim.lines(), now)
    with transaction.atomic():
        state = _take_turn()
        views = write(counted)
        prune(now)
        Aggregation.objects.filter(pk=state.pk).update(
            finished_at=now, views=models.F("views") + views
        )
    claim.release()
    return views


class Claim:
    """What this run took from the spool: this machine's files (the app's without Redis, and
    nginx's for the pages it answers from files), and the Redis list on many machines."""

    def __init__(self, paths: list[Path], key: str | None) -> None:
        self.paths, self.key = paths, key

    @classmethod
    def take(cls, now: dt.datetime) -> Claim:
        key = spool.claim_redis() if settings.REDIS_URL else None
        return cls(spool.claim_files(now.timestamp()), key)

    def lines(self) -> Iterator[str]:
        yield from spool.file_lines(self.paths)
        if self.key is not None:
            yield from spool.redis_lines(self.key)

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


def tally(lines: Iterable[str], now: dt.datetime) -> fold.Tally:
    """Count spool lines on the blogs' calendars; the last two days also by slot."""
    zones = {
        pk: zoneinfo.ZoneInfo(name) for pk, name in Blog.objects.values_list("pk", "time_zone")
    }
    recent_from = int(now.timestamp() // 60) - RECENT_DAYS * 24 * 60
    return fold.tally(lines, Calendar(zones).day, recent_from)


def write(counted: fold.Tally) -> int:
    """Add the tally to the tables; views of pages no longer public are dropped."""
    targets = resolve({(blog_id, path) for blog_id, path, _ in counted.daily})
    daily: Counter[tuple[Any, ...]] = Counter()
    for (blog_id, path, day), n in counted.daily.items():
        if (target := targets.get((blog_id, path))) is not None:
            daily[blog_id, day, *target] += n
    recent: Counter[tuple[Any, ...]] = Counter()
    for (blog_id, path, minute), n in counted.recent.items():
        if (target := targets.get((blog_id, path))) is not None:
            recent[blog_id, dt.datetime.fromtimestamp(minute * 60, tz=dt.UTC), *target] += n
    sources: Counter[tuple[Any, ...]] = Counter()
    for (blog_id, day, kind, value), n in counted.sources.items():
        sources[blog_id, day, kind, value[:200]] += n
    add_counts(DailyViews, ("blog_id", "day", "post_id", "page_id"), daily)
    add_counts(RecentViews, ("blog_id", "slot", "post_id", "page_id"), recent)
    add_counts(DailySource, ("blog_id", "day", "kind", "value"), sources)
    return sum(daily.values())


class Calendar:
    """Each minute's day on a blog's calendar, worked out once: a time zone conversion costs
    more than the rest of a view's counting, and a run folds up to a view a minute."""

    def __init__(self, zones: Mapping[int, dt.tzinfo]) -> None:
        self.zones = zones
        self.days: dict[tuple[int, int], dt.date | None] = {}

    def day(self, blog_id: int, minute: int) -> dt.date | None:
        """None for a blog that is gone."""
        key = (blog_id, minute)
        if key not in self.days:
            zone = self.zones.get(blog_id)
            when = dt.datetime.fromtimestamp(minute * 60, tz=zone) if zone else None
            self.days[key] = when.date() if when else None
        return self.days[key]


def resolve(paths: set[tuple[int, str]]) -> dict[tuple[int, str], Target]:
    """Each (blog, path) as the post or static page it shows now: a query or two per blog
    and 500 addresses."""
    found: dict[tuple[int, str], Target] = {(b, p): (None, None) for b, p in paths if p == "/"}
    by_blog: dict[int, list[str]] = {}
    for blog_id, path in paths:
        by_blog.setdefault(blog_id, []).append(path)
    public = LIVE_STATUSES
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

    Reads the ids of the rows of the blogs and days (or slots) at hand in one query, then
    writes with two `executemany` of plain SQL: a run adds to tens of thousands of rows, and
    building and compiling a model instance for each (`bulk_create`) cost half of a
    million-view run (bench/RESULTS.md)."""
    if not counts:
        return
    when = names[1]
    scope = {"blog_id__in": {key[0] for key in counts}, f"{when}__in": {key[1] for key in counts}}
    found = model._default_manager.filter(**scope).values_list(*names, "pk")
    ids = {tuple(row[:-1]): row[-1] for row in found}
    prepared = _prepared(model, when, {key[1] for key in counts})
    changed, created = [], []
    for key, n in counts.items():
        pk = ids.get(key)
        if pk is None:
            created.append((key[0], prepared[key[1]], *key[2:], n))
        else:
            changed.append((n, pk))
    _write_rows(model, names, changed, created)


def _prepared(model: type[models.Model], name: str, values: set[Any]) -> dict[Any, Any]:
    """Each day or slot as the database takes it (a handful per run)."""
    field = _field(model, name)
    return {value: field.get_db_prep_save(value, connection) for value in values}


def _write_rows(
    model: type[models.Model],
    names: tuple[str, ...],
    changed: list[tuple[Any, ...]],
    created: list[tuple[Any, ...]],
) -> None:
    # Names from the model's own metadata, quoted; every value is a parameter.
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(_column(model, name) for name in names)
    places = ", ".join(["%s"] * (len(names) + 1))
    with connection.cursor() as cursor:
        if changed:
            update = f"UPDATE {table} SET views = views + %s WHERE id = %s"  # noqa: S608
            cursor.executemany(update, changed)
        if created:
            insert = f"INSERT INTO {table} ({columns}, views) VALUES ({places})"  # noqa: S608
            cursor.executemany(insert, created)


def _column(model: type[models.Model], name: str) -> str:
    return connection.ops.quote_name(_field(model, name).column)


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def prune(now: dt.datetime) -> None:
    """Drop the ten-minute slots past two days, and the sources past the retention."""
    RecentViews.objects.filter(slot__lt=now - dt.timedelta(days=RECENT_DAYS)).delete()
    kept_from = (now - dt.timedelta(days=settings.STATS_RETENTION_DAYS)).date()
    DailySource.objects.filter(day__lt=kept_from).delete()
