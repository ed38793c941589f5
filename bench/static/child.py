"""The Broadsheet side of bench/static/run.py, in its own process with the bench's data dir:
`markdown DIR` writes the blog's posts as a Hugo site; `add-post TITLE` publishes one more
post, as the studio would, for the incremental export's figures."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
import django

django.setup()

from django.utils import timezone  # noqa: E402

from broadsheet.blogs.models import Blog  # noqa: E402
from broadsheet.posts.actions import save_post  # noqa: E402
from broadsheet.posts.models import Post  # noqa: E402

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


def add_post(title: str) -> None:
    """One new published post, saved as the studio saves it, labelled as the newest post."""
    blog = Blog.objects.get(is_default=True)
    newest = Post.objects.public(blog).first()
    assert newest is not None
    post = Post(blog=blog, author=newest.author, title=f"One more: {title}", source="A new post.")
    post.status, post.published_at = Post.Status.PUBLISHED, timezone.now() - dt.timedelta(seconds=1)
    save_post(post, labels=[newest.labels.first().name])  # type: ignore[union-attr]


if __name__ == "__main__":
    if sys.argv[1] == "markdown":
        markdown(Path(sys.argv[2]))
    else:
        add_post(sys.argv[2])
