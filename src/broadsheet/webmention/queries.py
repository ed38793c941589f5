"""What the reader shows of the Webmentions a post received."""

from __future__ import annotations

from django.db.models import Count

from broadsheet.posts.models import Post
from broadsheet.webmention.models import Mention

SHOWN = (Mention.Kind.LIKE, Mention.Kind.REPOST)


def reactions(post: Post) -> dict[str, int]:
    """Likes and reposts from other sites, by kind (replies are comments, counted there)."""
    rows = Mention.objects.filter(post=post, kind__in=SHOWN).values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}
