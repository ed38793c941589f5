"""Label pages and label feeds on a blog of 100 labels and on one of 100,000, in one run.

    .venv/bin/python bench/labels.py                 # 20,000 posts a blog, 7 renders a figure
    .venv/bin/python bench/labels.py --posts 2000 --repeat 3   # a quick look

SQLite, in a fresh temporary data folder. Two blogs with the same number of posts: "small"
labels its posts with 1-3 of 100 labels; "large" has 100,000 labels, five on each post (every
label on at least one post when posts x 5 >= 100,000). Each figure is the median render time
through Django's test client (the page cache is not in that path, so every request is a miss),
after two warm-ups, of two kinds: a plain miss (the sidebar's HTML is kept) and a miss after a
post write (the sidebar's archive and label counts are recounted). Beside them, the label
lookup alone as it is now and as it was (every label of the blog read into Python).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

SIZES = {"small": 100, "large": 100_000}
LABELS_PER_POST = {"small": (1, 3), "large": (5, 5)}
BATCH = 5000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="broadsheet-labels-"))
    os.environ["BROADSHEET_DATA_DIR"] = str(folder)
    os.environ.setdefault("BROADSHEET_SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ["DJANGO_SETTINGS_MODULE"] = "broadsheet.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # the pages link the theme
    started = time.monotonic()
    blogs = {name: fill(name, count, args.posts) for name, count in SIZES.items()}
    print(f"data: {time.monotonic() - started:.0f} s in {folder}", file=sys.stderr)
    rows = [measure(name, blog, args.repeat) for name, blog in blogs.items()]
    print(report(rows, args))


def fill(slug: str, labels: int, posts: int) -> Any:
    from django.db import transaction

    from broadsheet.blogs.models import Blog
    from broadsheet.posts.models import Label, Post

    rng = random.Random(7)
    with transaction.atomic():
        blog = Blog.objects.create(slug=slug, title=f"{slug} blog", time_zone="UTC")
        made = Label.objects.bulk_create(
            (Label(blog=blog, name=f"Topic {i:06}") for i in range(labels)), batch_size=BATCH
        )
        ids = [label.pk for label in made]
        now = dt.datetime.now(dt.UTC)
        rows = Post.objects.bulk_create(
            (new_post(blog, i, now - dt.timedelta(hours=i)) for i in range(posts)),
            batch_size=BATCH,
        )
        through = Post.labels.through
        low, high = LABELS_PER_POST[slug]
        links = []
        for index, post in enumerate(rows):
            # The first label is on every post, so its page is full; the others spread out.
            chosen = {ids[0]} | {ids[(index * high + k) % len(ids)] for k in range(high - 1)}
            chosen |= set(rng.sample(ids, rng.randint(low, high))[: high - len(chosen)])
            links += [through(post_id=post.pk, label_id=label) for label in chosen]
        through.objects.bulk_create(links, batch_size=BATCH)
    return blog


def new_post(blog: Any, index: int, when: dt.datetime) -> Any:
    from broadsheet.posts.models import Post

    return Post(
        blog=blog,
        title=f"Post {index}",
        slug=f"post-{index}",
        permalink=f"/{when:%Y/%m}/post-{index}.html",
        body_html=f"<p>Body of post {index}.</p>",
        text=f"Body of post {index}.",
        snippet=f"Body of post {index}.",
        status=Post.Status.PUBLISHED,
        published_at=when,
    )


def measure(name: str, blog: Any, repeat: int) -> dict[str, Any]:
    from django.test import Client

    from broadsheet.blogs.actions import bump_content_version
    from broadsheet.posts.models import Label, Post

    client, host = Client(), f"{name}.localhost"
    row: dict[str, Any] = {"blog": name, "labels": Label.objects.filter(blog=blog).count()}
    wanted = ["topic 000000"]  # another case than the label's: the lookup folds
    for page, path in (("label page", "/search/label/"), ("label feed", "/feeds/posts/default/-/")):
        for kind, write in (("miss", False), ("after a post write", True)):

            def render(path: str = path + wanted[0], write: bool = write) -> None:
                if write:
                    bump_content_version(blog)
                response = client.get(path, HTTP_HOST=host)
                assert response.status_code == 200, (path, response.status_code)

            row[f"{page}, {kind}"] = median_ms(render, repeat)
    row.update(measure_lists(name, blog, repeat))
    public = Post.objects.public(blog)
    row["lookup now"] = median_ms(lambda: public.with_labels(blog, wanted), repeat)
    row["lookup before"] = median_ms(lambda: old_lookup(blog, wanted), repeat)
    return row


def measure_lists(name: str, blog: Any, repeat: int) -> dict[str, float]:
    """What lists a blog's labels, or answers for any name (session 11): the labels' sitemap,
    a label page for a name nobody used, the studio's post list (its label filter) and the
    API's label list, each a miss, in milliseconds."""
    from django.contrib.auth.models import User
    from django.test import Client

    from broadsheet.blogs import app_passwords
    from broadsheet.blogs.models import Membership

    user = User.objects.create_user(f"admin-{name}")
    Membership.objects.create(blog=blog, user=user, role=Membership.Role.ADMIN)
    _, secret = app_passwords.create(user, "bench", ["read"])
    reader, studio, api = Client(), Client(), Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    studio.force_login(user)
    host = f"{name}.localhost"
    asks = {
        "labels' sitemap": (reader, "/sitemap-labels.xml", 200),
        "unknown label page": (reader, "/search/label/nobody-used-this", 404),
        "studio post list": (studio, f"/studio/{blog.slug}/posts/", 200),
        "API label list": (api, f"/blogger/v3/blogs/{blog.pk}/labels", 200),
    }
    row = {}
    for key, (client, path, status) in asks.items():

        def ask(
            client: Client = client, path: str = path, status: int = status, key: str = key
        ) -> None:
            response = client.get(path, HTTP_HOST=host)
            assert response.status_code == status, (path, response.status_code)
            row[f"{key}, KB"] = round(len(response.content) / 1024)

        row[key] = median_ms(ask, repeat)
    return row


def old_lookup(blog: Any, names: list[str]) -> Any:
    """`PostQuerySet.with_labels`'s label lookup before the folded column: every label of the
    blog read into Python and folded there."""
    from broadsheet.posts.models import Label

    wanted = {name.casefold() for name in names}
    return [label for label in Label.objects.filter(blog=blog) if label.name.casefold() in wanted]


def median_ms(call: Callable[[], Any], repeat: int) -> float:
    times = []
    for round_ in range(repeat + 2):
        started = time.perf_counter()
        call()
        if round_ >= 2:  # the first two warm the templates and the connection
            times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def report(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    load = Path("/proc/loadavg").read_text().split()[:3]
    head = [
        f"Command: `.venv/bin/python bench/labels.py --posts {args.posts} --repeat {args.repeat}`",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()},"
        f" load {' '.join(load)} at the end. Date: {dt.datetime.now(dt.UTC):%Y-%m-%d}.",
        "",
    ]
    keys = [key for key in rows[0] if key != "blog"]
    table = ["| blog | " + " | ".join(keys) + " |", "| --- |" + " ---: |" * len(keys)]
    table += ["| " + " | ".join(str(row[key]) for key in ["blog", *keys]) + " |" for row in rows]
    return "\n".join(head + table)


if __name__ == "__main__":
    main()
