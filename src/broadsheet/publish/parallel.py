"""Rendering a whole export in several processes: a page is CPU work in Python, so one process
per core is what shortens a first export (bench/RESULTS.md, "Static export").

The processes are forked once the plan is made, so each starts with it and with the last
manifest, renders its share, writes its files and sends back only what the parent needs to
write the manifest. Forked children open their own database connections.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connections

if TYPE_CHECKING:
    from broadsheet.publish.actions import Report, Run
    from broadsheet.publish.manifest import Entry
    from broadsheet.publish.plan import Job

WORTH_IT = 200  # fewer pages than this render faster than processes start
BATCH = 100  # pages a child renders per hand-out: small enough to even out, few round trips
_run: Run | None = None


@dataclass
class Part:
    report: Report
    entries: dict[str, Entry]
    found: list[str]  # addresses the pages link to that the plan did not name


def render_all(run: Run, jobs: list[tuple[str, Job]], processes: int) -> Iterator[Part]:
    """The jobs rendered by `processes` children, handed out in small batches as each child
    is free: pages differ in cost (a post's page is several times its comment feed), so
    fixed shares left one child idle while the other still had half the work."""
    global _run
    _run = run
    connections.close_all()  # a connection must not be shared across a fork
    shares = [jobs[start : start + BATCH] for start in range(0, len(jobs), BATCH)]
    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(processes) as pool:
            yield from pool.imap_unordered(_render_share, shares)
    finally:
        _run = None


def _render_share(jobs: list[Any]) -> Part:
    assert _run is not None
    return _run.render_part(jobs)
