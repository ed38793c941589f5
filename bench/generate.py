"""Fill a Broadsheet database with a blog of N posts and M comments, spread over years.

    .venv/bin/python bench/generate.py --posts 100000 --comments 300000 --data-dir bench/var/100k
    DATABASE_URL=postgres://... .venv/bin/python bench/generate.py --posts 1000

The blog is the install's default blog (it answers at the base domain and on 127.0.0.1).
Posts carry one to three of 40 labels and are published over the 15 years before now; one
post (its permalink is printed at the end) has a longer body and exactly 100 comments. Writes
go straight to the database in batches (the search index is kept by the database's own
triggers or expression index), so 100,000 posts take a few minutes, not hours.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

# A paragraph of words reads better than sixty quoted strings.
WORDS = (  # noqa: SIM905
    "allotment beans bed brassica broad carrot chard compost courgette dig frost garlic"
    " greenhouse hoe kale leek lettuce manure mulch netting onion parsnip pea plot potato"
    " pumpkin radish rain raspberry rhubarb seed shallot slug soil spinach squash strawberry"
    " sun sweetcorn tomato trench turnip water weed wheelbarrow worm autumn spring summer"
    " winter morning evening neighbour shed fork spade harvest sowing thinning watering"
).split()
LABELS = [f"{word.title()} {kind}" for word in WORDS[:20] for kind in ("Notes", "Diary")]
BATCH = 2000
YEARS = 15


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choices(WORDS, k=words))
    return text[0].upper() + text[1:] + "."


def paragraphs(rng: random.Random, count: int) -> list[str]:
    return [" ".join(sentence(rng, rng.randint(8, 18)) for _ in range(5)) for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--comments", type=int, default=3000)
    parser.add_argument("--data-dir", default="bench/var/default")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    data_dir = Path(args.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("BROADSHEET_DATA_DIR", str(data_dir))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    facts = fill(args.posts, args.comments, random.Random(args.seed))
    facts["seconds"] = round(time.monotonic() - started, 1)
    (data_dir / "bench.json").write_text(json.dumps(facts, indent=2))
    json.dump(facts, sys.stdout, indent=2)
    print()


def fill(posts: int, comments: int, rng: random.Random) -> dict[str, Any]:
    from django.contrib.auth.models import User
    from django.db import transaction

    from broadsheet.blogs.actions import bump_content_version
    from broadsheet.blogs.models import Blog, Membership
    from broadsheet.posts.models import Label

    if Blog.objects.exists():
        raise SystemExit("This database already has a blog: use a fresh --data-dir.")
    with transaction.atomic():
        blog = Blog.objects.create(
            slug="bench", title="Plot 14 at Scale", is_default=True, time_zone="Europe/London"
        )
        author = User.objects.create_user("bench", first_name="Bench", last_name="Writer")
        Membership.objects.create(blog=blog, user=author, role=Membership.Role.ADMIN)
        labels = Label.objects.bulk_create(Label(blog=blog, name=name) for name in LABELS)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    hot = write_posts(blog, author, labels, posts, now, rng)
    write_comments(hot, comments, now, rng)
    bump_content_version(blog)
    return {"posts": posts, "comments": comments, "hot_post": hot.permalink, "label": LABELS[0]}


def write_posts(blog: Any, author: Any, labels: list[Any], count: int, now: Any, rng: Any) -> Any:
    """Posts from newest (now) backwards over YEARS years; the middle one is the hot post
    (the one with 100 comments); returns it."""
    from django.db import transaction

    from broadsheet.posts.models import Post

    moment, hot_index, hot = now - dt.timedelta(hours=1), count // 2, None
    # Spread over the years asked for, however many posts: gaps vary around the mean.
    mean_gap = YEARS * 365 * 24 * 3600 / max(count, 1)
    through = Post.labels.through
    for start in range(0, count, BATCH):
        batch = []
        for index in range(start, min(count, start + BATCH)):
            moment -= dt.timedelta(seconds=rng.uniform(0.2, 1.8) * mean_gap)
            size = 8 if index == hot_index else rng.randint(2, 4)
            batch.append(new_post(blog, author, index, moment, paragraphs(rng, size)))
        with transaction.atomic():
            made = Post.objects.bulk_create(batch)
            through.objects.bulk_create(
                through(post_id=post.pk, label_id=label.pk)
                for post in made
                for label in rng.sample(labels, rng.randint(1, 3))
            )
        hot = hot or next((p for p in made if p.slug == f"post-{hot_index}"), None)
        print(f"  {min(count, start + BATCH)} posts", file=sys.stderr)
    return hot


def new_post(blog: Any, author: Any, index: int, moment: Any, body: list[str]) -> Any:
    from broadsheet.posts.models import Post

    # Plain words need no Markdown pass: the HTML is what the pipeline would make of them.
    source = "\n\n".join(body)
    html = "\n".join(f"<p>{paragraph}</p>" for paragraph in body)
    title = f"{body[0].split('.')[0][:60]} ({index})"
    return Post(
        blog=blog,
        author=author,
        title=title,
        slug=f"post-{index}",
        permalink=f"/{moment:%Y/%m}/post-{index}.html",
        source=source,
        body_html=html,
        text=source,
        snippet=source[:300],
        status=Post.Status.PUBLISHED,
        published_at=moment,
        created_at=moment,
        updated_at=moment,
    )


def write_comments(hot: Any, count: int, now: Any, rng: random.Random) -> None:
    """100 comments on the hot post, the rest spread over the newest 5,000 posts."""
    from django.db import transaction
    from django.db.models import Count

    from broadsheet.comments.models import Comment
    from broadsheet.posts.models import Post

    targets = list(Post.objects.order_by("-published_at").values_list("pk", flat=True)[:5000])
    owners = [hot.pk] * 100 + [rng.choice(targets) for _ in range(max(0, count - 100))]
    for start in range(0, len(owners), BATCH):
        with transaction.atomic():
            batch = [
                Comment(
                    post_id=post_id,
                    author_name=f"Reader {rng.randint(1, 500)}",
                    body=sentence(rng, rng.randint(6, 30)),
                    status=Comment.Status.PUBLISHED,
                    created_at=now - dt.timedelta(minutes=start + offset),
                )
                for offset, post_id in enumerate(owners[start : start + BATCH])
            ]
            for comment in batch:  # bulk_create skips save(), which renders the body
                comment.render_body()
            Comment.objects.bulk_create(batch)
    counts = Comment.objects.values("post_id").annotate(n=Count("id"))
    with transaction.atomic():
        for row in counts:
            Post.objects.filter(pk=row["post_id"]).update(comment_count=row["n"])


if __name__ == "__main__":
    main()
