"""What an API request costs beside the page it stands for, in one run.

    .venv/bin/python bench/api.py                    # 2,000 posts, 30 requests a figure
    .venv/bin/python bench/api.py --posts 200 --repeat 10   # a quick look

SQLite, in a fresh temporary data folder; one blog of `--posts` published posts with two
labels each, and an app password for its author. Each figure is the median time through
Django's test client (the page cache's front is not in that path, so the reader's pages are
rendered every time), after two warm-ups: the reader's home page (the baseline), the API's
posts.list (10 posts with bodies, and without), posts.get, and a draft written by posts.insert.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="broadsheet-api-"))
    os.environ["BROADSHEET_DATA_DIR"] = str(folder)
    os.environ.setdefault("BROADSHEET_SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ["DJANGO_SETTINGS_MODULE"] = "broadsheet.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    blog, secret, post_id = fill(args.posts)
    print(report(measure(blog, secret, post_id, args.repeat), args))


def fill(posts: int) -> tuple[Any, str, int]:
    from django.contrib.auth.models import User
    from django.db import transaction

    from broadsheet.blogs import app_passwords
    from broadsheet.blogs.models import Blog, Membership
    from broadsheet.posts.models import Label, Post

    with transaction.atomic():
        blog = Blog.objects.create(slug="bench", title="Bench", is_default=True)
        ada = User.objects.create_user("ada", "ada@example.com", "pw", first_name="Ada")
        Membership.objects.create(blog=blog, user=ada, role=Membership.Role.AUTHOR)
        labels = [Label.objects.create(blog=blog, name=f"label {n}") for n in range(40)]
        start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        rows = [
            Post(
                blog=blog,
                author=ada,
                title=f"Post {n}",
                slug=f"post-{n}",
                permalink=f"/2020/01/post-{n}.html",
                source=f"Words of post {n}.",
                body_html=f"<p>Words of post {n}.</p>" * 20,
                status=Post.Status.PUBLISHED,
                published_at=start + dt.timedelta(hours=n),
            )
            for n in range(posts)
        ]
        made = Post.objects.bulk_create(rows, batch_size=1000)
        through = Post.labels.through
        links = [
            through(post_id=post.pk, label_id=labels[(post.pk + k) % 40].pk)
            for post in made
            for k in (0, 7)
        ]
        through.objects.bulk_create(links, batch_size=5000)
    secret = app_passwords.create(ada, "bench", ["write"])[1]
    return blog, secret, made[-1].pk


def measure(blog: Any, secret: str, post_id: int, repeat: int) -> list[tuple[str, float]]:
    from django.test import Client

    host = {"HTTP_HOST": "localhost"}  # the install's base domain: the default blog
    reader, api = Client(**host), Client(HTTP_AUTHORIZATION=f"Bearer {secret}", **host)
    root = f"/blogger/v3/blogs/{blog.pk}/"
    body = '{"title": "Bench", "content": "<p>Words.</p>"}'
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("reader home page (baseline)", lambda: reader.get("/")),
        ("posts.list, 10 with bodies", lambda: api.get(root + "posts")),
        ("posts.list, 10 without bodies", lambda: api.get(root + "posts?fetchBodies=false")),
        ("posts.get", lambda: api.get(f"{root}posts/{post_id}")),
        (
            "posts.insert (a draft)",
            lambda: api.post(root + "posts?isDraft=true", body, content_type="application/json"),
        ),
    ]
    return [(name, median_ms(call, repeat)) for name, call in cases]


def median_ms(call: Callable[[], Any], repeat: int) -> float:
    for _ in range(2):
        assert call().status_code == 200
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        answer = call()
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.status_code  # a refusal is not a figure
    return statistics.median(times)


def report(rows: list[tuple[str, float]], args: argparse.Namespace) -> str:
    base = rows[0][1]
    lines = [
        f"{args.posts} posts, median of {args.repeat}, {platform.python_version()}, "
        f"{os.cpu_count()} cores, {dt.date.today()}",
        "",
        "| request | median ms | x home page |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {name} | {ms:.1f} | {ms / base:.2f} |" for name, ms in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
