"""CPU time of the requests that list a blog's labels, on a blog that has many of them.

    PYTHONPATH=<tree>/src .venv/bin/python bench/label_lists.py --data DIR --blog large

DIR is a data folder holding a database `bench/labels.py` filled (its "large" blog: 100,000
labels, five on each of 20,000 posts); use a copy, as this adds a user and an app password.
Run it once with each tree's `src` on PYTHONPATH, alternately, to compare two versions on the
same data in the same hour. SQLite runs in the process, so the process's CPU time
(`time.process_time`) counts the database's work too. Each request goes through Django's test
client (no page cache: every answer is a miss), once to warm up, then `--repeat` times.
Prints one JSON object: per request, its status, size in KB and CPU milliseconds of each run.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--blog", default="large")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="names of requests to time, ';'-separated")
    args = parser.parse_args()
    os.environ["BROADSHEET_DATA_DIR"] = args.data
    os.environ.setdefault("BROADSHEET_SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ["DJANGO_SETTINGS_MODULE"] = "broadsheet.settings"
    import django

    django.setup()
    only = {name for name in args.only.split(";") if name}
    print(json.dumps(measure(args.blog, args.repeat, only)))


def asks(slug: str) -> dict[str, tuple[Any, str]]:
    """What lists labels per request: the sitemap's index and files of labels, and the API's
    label list, first page and a late one (`o99000`: what a client paging on gets)."""
    from django.contrib.auth.models import User
    from django.test import Client

    from broadsheet.blogs import app_passwords
    from broadsheet.blogs.models import Blog, Membership

    blog = Blog.objects.get(slug=slug)
    user, _ = User.objects.get_or_create(username=f"bench-lists-{slug}")
    Membership.objects.get_or_create(blog=blog, user=user, defaults={"role": "admin"})
    _, secret = app_passwords.create(user, "bench", ["read"])
    reader = Client(HTTP_HOST=f"{slug}.localhost")
    api = Client(HTTP_HOST=f"{slug}.localhost", HTTP_AUTHORIZATION=f"Bearer {secret}")
    labels = f"/blogger/v3/blogs/{blog.pk}/labels"
    return {
        "/sitemap.xml": (reader, "/sitemap.xml"),
        "/sitemap-labels.xml": (reader, "/sitemap-labels.xml"),
        "/sitemap-labels-2.xml": (reader, "/sitemap-labels-2.xml"),
        "API labels, first page": (api, labels),
        "API labels, pageToken o99000": (api, labels + "?pageToken=bzk5MDAw"),
    }


def measure(slug: str, repeat: int, only: set[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for name, (client, path) in asks(slug).items():
        if only and name not in only:
            continue
        response = client.get(path)  # warm: templates, the connection, the page cache's miss
        runs = []
        for _ in range(repeat):
            started = time.process_time()
            response = client.get(path)
            runs.append(round((time.process_time() - started) * 1000, 1))
        size = round(len(response.content) / 1024)
        found[name] = {"status": response.status_code, "kb": size, "cpu_ms": runs}
    return found


if __name__ == "__main__":
    main()
