"""Write a Blogger backup of a large blog, for the import benchmark.

    python bench/portability/generate.py OUT.xml [--posts 10000] [--comments 100000]

The file has the shape of a real GData-era backup (as in the corpora's blogger-sample2.xml):
a template entry of about 100 KB, the blog's settings, then every post (HTML bodies of a few
kilobytes with links, images and line breaks, up to four labels each, one in twenty a draft),
then the comments newest first as Blogger lists them, a fifth of them replies to another
comment of the same post. The same arguments always give the same file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape, quoteattr

BLOG_ID = "7061539427384722401"
HOST = "https://bench-blog.blogspot.com"
KIND = "http://schemas.google.com/blogger/2008/kind#"
WORDS = [
    "garden",
    "kale",
    "frost",
    "morning",
    "light",
    "soil",
    "seed",
    "bean",
    "harvest",
    "rain",
    "compost",
    "shed",
    "spade",
    "river",
    "walk",
    "bread",
    "oven",
    "winter",
    "spring",
    "summer",
    "autumn",
    "letter",
    "friend",
    "window",
    "table",
    "story",
    "evening",
    "neighbour",
    "market",
    "lantern",
    "orchard",
    "apple",
    "pear",
    "quince",
    "hedge",
    "robin",
]
LABELS = [f"Label {n}" for n in range(50)]
START = dt.datetime(2006, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-8)))


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def body(rng: random.Random, number: int) -> str:
    parts = []
    for paragraph in range(rng.randint(4, 9)):
        lines = " ".join(sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(2, 5)))
        if paragraph == 1:
            lines += f' See <a href="{HOST}/2008/01/post-{number // 2}.html">the earlier one</a>.'
        if paragraph == 2:
            lines += (
                f'<br /><a href="https://blogger.googleusercontent.com/img/{number}.jpg">'
                f'<img src="https://blogger.googleusercontent.com/img/s320/{number}.jpg" '
                'width="320" height="240" /></a>'
            )
        parts.append(lines)
    return "<br /><br />".join(parts)


def iso(when: dt.datetime) -> str:
    return when.isoformat(timespec="milliseconds")


def entry(lines: list[str]) -> str:
    return "  <entry>\n" + "\n".join(f"    {line}" for line in lines) + "\n  </entry>\n"


def kind(name: str) -> str:
    return f"<category scheme='http://schemas.google.com/g/2005#kind' term='{KIND}{name}'/>"


def post_entry(rng: random.Random, number: int) -> tuple[str, dt.datetime, str]:
    when = START + dt.timedelta(hours=number * 11 + rng.randint(0, 9))
    title = sentence(rng, rng.randint(2, 7)).rstrip(".")
    path = f"/{when:%Y}/{when:%m}/post-{number}.html"
    lines = [
        f"<id>tag:blogger.com,1999:blog-{BLOG_ID}.post-{number + 1000}</id>",
        f"<published>{iso(when)}</published>",
        f"<updated>{iso(when + dt.timedelta(days=1))}</updated>",
        kind("post"),
        *(
            f"<category scheme='http://www.blogger.com/atom/ns#' term={quoteattr(label)}/>"
            for label in rng.sample(LABELS, rng.randint(0, 4))
        ),
        f"<title type='text'>{escape(title)}</title>",
        f"<content type='html'>{escape(body(rng, number))}</content>",
    ]
    if number % 20 == 19:
        lines.append("<app:control><app:draft>yes</app:draft></app:control>")
    else:
        lines.append(f"<link rel='alternate' type='text/html' href='{HOST}{path}' title=''/>")
    lines.append("<author><name>Bench Author</name><email>noreply@blogger.com</email></author>")
    return entry(lines), when, path


def comment_entries(
    rng: random.Random, posts: list[tuple[int, dt.datetime, str]], count: int
) -> Iterator[str]:
    """Comments spread over the published posts, written newest first."""
    plan = []
    for number in range(count):
        post, when, path = posts[number % len(posts)]
        plan.append((number, post, when + dt.timedelta(hours=1 + number // len(posts)), path))
    earlier: dict[int, list[int]] = {}
    rows = []
    for number, post, when, path in plan:
        siblings = earlier.setdefault(post, [])
        parent = rng.choice(siblings) if siblings and rng.random() < 0.2 else None
        siblings.append(number)
        rows.append((number, post, when, path, parent))
    for number, post, when, path, parent in reversed(rows):
        yield comment_entry(rng, number, post, when, path, parent)


def comment_entry(
    rng: random.Random, number: int, post: int, when: dt.datetime, path: str, parent: int | None
) -> str:
    text = "<br />".join(sentence(rng, rng.randint(5, 25)) for _ in range(rng.randint(1, 3)))
    millis = int(when.timestamp() * 1000)
    lines = [
        f"<id>tag:blogger.com,1999:blog-{BLOG_ID}.post-{number + 10_000_000}</id>",
        f"<published>{iso(when)}</published>",
        f"<updated>{iso(when)}</updated>",
        kind("comment"),
        f"<title type='text'>{escape(text[:40])}</title>",
        f"<content type='html'>{escape(text)}</content>",
        f"<link rel='alternate' type='text/html' "
        f"href='{HOST}{path}?showComment={millis}#c{number + 10_000_000}' title=''/>",
    ]
    if parent is not None:
        lines.append(
            "<link rel='related' type='application/atom+xml' href='https://www.blogger.com/"
            f"feeds/{BLOG_ID}/{post + 1000}/comments/default/{parent + 10_000_000}'/>"
        )
    lines += [
        f"<author><name>Reader {number % 997}</name>"
        f"<uri>https://www.blogger.com/profile/{number % 997}</uri></author>",
        f"<thr:in-reply-to href='{HOST}{path}' "
        f"ref='tag:blogger.com,1999:blog-{BLOG_ID}.post-{post + 1000}' type='text/html'/>",
    ]
    return entry(lines)


def write(out: TextIO, posts: int, comments: int, seed: int = 6) -> None:
    rng = random.Random(seed)
    out.write(
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        "<feed xmlns='http://www.w3.org/2005/Atom' xmlns:app='http://purl.org/atom/app#' "
        "xmlns:thr='http://purl.org/syndication/thread/1.0'>\n"
        f"  <id>tag:blogger.com,1999:blog-{BLOG_ID}.archive</id>\n"
        "  <title type='text'>Benchmark Blog</title>\n"
        f"  <link rel='alternate' type='text/html' href='{HOST}/'/>\n"
    )
    template = escape("/* Blogger Template Style */ body { margin: 0 } " * 2200)
    out.write(entry([kind("template"), f"<content type='text'>{template}</content>"]))
    for name, value in (("BLOG_NAME", "Benchmark Blog"), ("BLOG_TIME_ZONE", "America/Los_Angeles")):
        out.write(
            entry(
                [
                    f"<id>tag:blogger.com,1999:blog-{BLOG_ID}.settings.{name}</id>",
                    kind("settings"),
                    f"<content type='text'>{value}</content>",
                ]
            )
        )
    published = []
    for number in range(posts):
        text, when, path = post_entry(rng, number)
        out.write(text)
        if number % 20 != 19:
            published.append((number, when, path))
    for text in comment_entries(rng, published, comments):
        out.write(text)
    out.write("</feed>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    args = parser.parse_args()
    with args.out.open("w", encoding="utf-8") as out:
        write(out, args.posts, args.comments)
    print(f"{args.out}: {args.out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
