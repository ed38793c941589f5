"""What every studio page may show, whichever app's view rendered it (the import pages are
portability's, on the studio's base template)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

from broadsheet.worker.health import jobs_waiting_without_worker


def worker_notice(request: HttpRequest) -> dict[str, Callable[[], bool]]:
    """The "no task worker" check, handed over uncalled: a template calls a callable only
    when it reads it, so only the studio's base template, for a signed-in user, pays its one
    or two queries, and reader pages pay nothing."""
    return {"jobs_waiting_without_worker": jobs_waiting_without_worker}
