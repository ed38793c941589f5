"""Counting drives the real WSGI front (the page cache's fixtures), then the aggregation."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator

import pytest
from django.utils import timezone

from broadsheet.stats import actions, spool
from broadsheet.stats.models import DailyViews
from tests.core.pagecache.conftest import empty_page_cache, front  # noqa: F401 - fixtures

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)
# What a browser sends when a person follows a link to the page.
READER = {"user_agent": FIREFOX, "accept_language": "en-GB,en;q=0.8", "sec_fetch_dest": "document"}


@pytest.fixture(autouse=True)
def empty_spool() -> Iterator[None]:
    spool.flush()  # a line left by an earlier test goes before the folder does
    shutil.rmtree(spool.folder(), ignore_errors=True)
    spool._file = spool.FileSpool()  # its file went with the folder
    yield
    shutil.rmtree(spool.folder(), ignore_errors=True)


def aggregate_now() -> int:
    """Run the aggregation as the worker would once the spool's files have settled: the
    clock is moved past the settling time instead of waiting for it, and the app's buffer
    is written out at once instead of within the second."""
    spool.flush()
    later = timezone.now() + timezone.timedelta(minutes=spool.SETTLED_MINUTES + 1)
    return actions.aggregate(now=later)


def total_views() -> int:
    return sum(DailyViews.objects.values_list("views", flat=True))


def seconds() -> float:
    return time.time()


def spooled(
    blog_id: int, path: str, when: float | None = None, referer: str = "", agent: str = FIREFOX
) -> str:
    """A spool line as the recorder writes it, for folding without a front."""
    moment = int(seconds() if when is None else when)
    return f"{moment}\t{blog_id}\t{path}\t{referer}\ttestserver\t{agent}\n"


def fold_in(lines: list[str]) -> int:
    """Add these lines' views to the tables, as a run of the worker would."""
    return actions.write(actions.tally(lines, timezone.now()))
