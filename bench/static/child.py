"""The Broadsheet side of bench/static/run.py, in its own process with the bench's data dir:
`markdown DIR` writes the blog's posts as a Hugo site; `export DIR PROCESSES` times the
exports and prints them as JSON."""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
import django

django.setup()

from django.utils import timezone  # noqa: E402

from broadsheet.blogs.models import Blog  # noqa: E402
from broadsheet.posts.actions import save_post  # noqa: E402
from broadsheet.posts.models import Post  # noqa: E402
from broadsheet.publish.actions import export_static  # noqa: E402

THEME = Path(__file__).resolve().parent / "theme"


def markdown(site: Path) -> None:
    """The blog's public posts as Hugo content: same title, body, date, labels, address."""
    shutil.rmtree(site, ignore_errors=True)
    posts = site / "content" / "posts"
    posts.mkdir(parents=True)
    shutil.copytree(THEME / "layouts", site / "layouts")
    blog = Blog.objects.get(is_default=True)
    config = f'baseURL = "http://localhost/"\ntitle = {json.dumps(blog.title)}\n'
    config += 'paginate = 7\n[taxonomies]\ntag = "tags"\n'
    (site / "hugo.toml").write_text(config)
    public = Post.objects.public(blog).prefetch_related("labels")
    for post in public.iterator(chunk_size=2000):
        front = {
            "title": post.title,
            "date": post.published_at.isoformat() if post.published_at else "",
            "url": post.permalink,
            "tags": [label.name for label in post.labels.all()],
        }
        text = "---\n" + json.dumps(front) + "\n---\n\n" + post.source + "\n"
        (posts / f"{post.slug or post.pk}.md").write_text(text)


def export(out: Path, processes: int) -> None:
    blog = Blog.objects.get(is_default=True)
    shutil.rmtree(out, ignore_errors=True)
    before = cpu_seconds()
    first = export_static(blog, out, processes=processes)
    first_cpu = cpu_seconds() - before
    again = export_static(blog, out, processes=processes)
    newest = Post.objects.public(blog).first()
    assert newest is not None
    post = Post(blog=blog, author=newest.author, title="One more", source="A new post.")
    post.status, post.published_at = Post.Status.PUBLISHED, timezone.now() - dt.timedelta(seconds=1)
    save_post(post, labels=[newest.labels.first().name])  # type: ignore[union-attr]
    started = time.perf_counter()
    after_post = export_static(blog, out, processes=processes)
    wall = time.perf_counter() - started
    post.delete()
    files = sum(1 for p in out.rglob("*") if p.is_file())
    print(
        json.dumps(
            {
                "export_seconds": round(first.seconds, 1),
                "export_cpu_seconds": round(first_cpu, 1),
                "export_files": files,
                "export_missing": len(first.missing),
                "unchanged_seconds": round(again.seconds, 2),
                "unchanged_written": len(again.written),
                "one_post_seconds": round(wall, 2),
                "one_post_written": len(after_post.written),
            }
        )
    )


def cpu_seconds() -> float:
    """User and system time of this process and of the rendering processes it waited for."""
    mine = resource.getrusage(resource.RUSAGE_SELF)
    theirs = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + theirs.ru_utime + theirs.ru_stime


if __name__ == "__main__":
    if sys.argv[1] == "markdown":
        markdown(Path(sys.argv[2]))
    else:
        export(Path(sys.argv[2]), int(sys.argv[3]))
