"""`broadsheet export static --blog SLUG -o DIR`, offered by the export command through
`portability.formats` (the command lives below this app's layer)."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from broadsheet.blogs.hosts import origin
from broadsheet.portability.formats import Format
from broadsheet.publish.links import Choices


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("-o", "--output", required=True, metavar="DIR", help="the folder to write")
    parser.add_argument(
        "--comments",
        choices=("live", "hidden"),
        default="live",
        help="the comment form: links to post on the live site (default), or none",
    )
    parser.add_argument(
        "--search",
        choices=("live", "index"),
        default="live",
        help="the search box: asks the live site (default), or an index in the folder",
    )
    parser.add_argument(
        "--origin", default="", help="the live site's address (default: the blog's own)"
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="render in this many processes (default: one per core)",
    )


def run(blog: Any, options: dict[str, Any]) -> str:
    folder = Path(options["output"])
    if folder.exists() and not folder.is_dir():
        raise CommandError(f"{folder} is a file, not a folder to write into.")
    live = (options.get("origin") or origin(blog)).rstrip("/")
    choices = Choices(live, options.get("comments", "live"), options.get("search", "live"))
    processes = max(1, int(options.get("processes") or 1))
    # Imported here, not with this module at start-up (every process registers the format):
    # the export's renderers bring in the reader's views, a third of a second of imports.
    from broadsheet.publish.actions import export_static

    # What start-up made lives until the command ends: out of the collector's sight, it is
    # not walked again by every full collection while the export builds its plan and pages.
    gc.freeze()
    report = export_static(blog, folder, choices, processes)
    return f"Wrote {folder}: {report.summary()}."


STATIC = Format(
    "the blog as a folder of static files, for nginx or any static host", add_arguments, run
)
