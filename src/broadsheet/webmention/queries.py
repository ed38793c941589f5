"""What the reader shows of the Webmentions a post received."""

from __future__ import annotations

from django.db import connections, router

from broadsheet.posts.models import Post
from broadsheet.webmention.models import Mention

SHOWN = (Mention.Kind.LIKE, Mention.Kind.REPOST)


def reactions(post: Post) -> dict[str, int]:
    """Likes and reposts from other sites, by kind (replies are comments, counted there)."""
    # Written out: the ORM built this grouped count again on every post page it read it for.
    using = router.db_for_read(Mention)
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT kind, count(*) FROM {Mention._meta.db_table} "  # noqa: S608 - our table
            f"WHERE post_id = %s AND kind IN ({', '.join(['%s'] * len(SHOWN))}) GROUP BY kind",
            [post.pk, *SHOWN],
        )
        return dict(cursor.fetchall())
