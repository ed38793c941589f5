"""WSGI entry point for production servers (`broadsheet serve` runs it).

Django's handler sits behind the page cache's thin front (docs/caching.md), which answers
cached reader pages and feeds before Django does any per-request work.
"""

from __future__ import annotations

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
django_application = get_wsgi_application()

from broadsheet.core.bodies import CharsetGuard  # noqa: E402 - needs settings loaded
from broadsheet.core.pagecache.front import PageCacheApp  # noqa: E402 - needs settings loaded

# A charset Django can't decode in raises while Django builds the request: refused first.
application = CharsetGuard(PageCacheApp(django_application))

# What start-up loaded (Django, the apps, their modules) lives as long as the process: moved
# out of the collector's sight, so a collection walks only what requests allocate. Loaded but
# untouched, Django added about 12 µs of server CPU to every cached page, as much as the
# front itself (bench/RESULTS.md, "Issue 20, part 1").
gc.freeze()
